/**
 * Validator throughput, side by side with `asl-validator` (devDependency) on the same input:
 * 1. one generated definition of more than 1,000 states (Tasks with Retry/Catch, Choice, Wait, Pass
 *    with intrinsics, Parallel, inline and Distributed Maps);
 * 2. a folder of definitions: every file of test/fixtures/asl (valid and invalid), JSON text parsed and
 *    validated per file, as `npm run validate DIR` does.
 * Target: at least 10x asl-validator's speed.
 *
 * Fairness notes: asl-validator mutates its input (it writes QueryLanguage into every state), so it
 * gets a fresh structuredClone per run, made outside the timed region. It also skips its semantic
 * checks once its JSON schema fails, so the large definition uses an integer
 * ToleratedFailurePercentage (asl-validator rejects AWS-valid decimals such as 0.5) to make both
 * validators do all their work.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateDefinition } from "../asl/validator";
import { countStates, generateDefinition } from "../test/asl/validator/generate";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean; errors: unknown[] };

interface Figure {
  msPerOp: number;
  opsPerSec: number;
  runs: number;
}

/**
 * Warms `fn` up for `warmupMs` (the JIT needs a few hundred runs before figures are steady), then runs
 * it (after `prepare`, untimed) until `budgetMs` of timed work and at least `minRuns` runs.
 */
function measure<T>(prepare: () => T, fn: (input: T) => void, budgetMs = 2000, warmupMs = 1000, minRuns = 3): Figure {
  const warmEnd = performance.now() + warmupMs;
  let warmRuns = 0;
  while (warmRuns < 1 || performance.now() < warmEnd) {
    fn(prepare());
    warmRuns++;
  }
  let elapsed = 0;
  let runs = 0;
  while (elapsed < budgetMs || runs < minRuns) {
    const input = prepare();
    const t0 = process.hrtime.bigint();
    fn(input);
    elapsed += Number(process.hrtime.bigint() - t0) / 1e6;
    runs++;
  }
  return { msPerOp: elapsed / runs, opsPerSec: (runs * 1000) / elapsed, runs };
}

function row(label: string, ours: Figure, theirs: Figure): string {
  const ratio = theirs.msPerOp / ours.msPerOp;
  return [
    label.padEnd(34),
    `${ours.msPerOp.toFixed(3).padStart(9)} ms  ${ours.opsPerSec.toFixed(1).padStart(8)} ops/s`,
    `${theirs.msPerOp.toFixed(3).padStart(9)} ms  ${theirs.opsPerSec.toFixed(1).padStart(8)} ops/s`,
    `${ratio.toFixed(1).padStart(6)}x ${ratio >= 10 ? "(target 10x met)" : "(BELOW 10x target)"}`,
  ].join(" | ");
}

const header = ["input".padEnd(34), "ours (validateDefinition)".padEnd(31), "asl-validator 4".padEnd(31), "speed-up"].join(" | ");

// 1. One large definition.
const large = generateDefinition(1000, { toleratedFailurePercentage: 5 });
const states = countStates(large);
const oursLarge = validateDefinition(large);
const theirsLarge = aslValidator(structuredClone(large));
if (!oursLarge.valid || !theirsLarge.isValid) {
  throw new Error(
    `benchmark input must be valid for both: ours ${JSON.stringify(oursLarge.diagnostics.slice(0, 3))}, asl-validator ${JSON.stringify(theirsLarge.errors.slice(0, 3))}`,
  );
}
const largeOurs = measure(
  () => large,
  (d) => validateDefinition(d),
);
const largeTheirs = measure(
  () => structuredClone(large),
  (d) => aslValidator(d),
);

// Same definition with JSONata states (asl-validator also parses JSONata).
const largeJsonata = generateDefinition(1000, { toleratedFailurePercentage: 5, jsonata: true });
const jsonataOurs = measure(
  () => largeJsonata,
  (d) => validateDefinition(d),
);
const jsonataTheirs = measure(
  () => structuredClone(largeJsonata),
  (d) => aslValidator(d),
);

// 2. A folder of definitions (text → parse → validate, per file).
const root = join(__dirname, "..", "test", "fixtures", "asl");
const files: string[] = [];
for (const sub of ["valid", "invalid"]) {
  for (const f of readdirSync(join(root, sub)).sort()) if (f.endsWith(".asl.json")) files.push(readFileSync(join(root, sub, f), "utf8"));
}
const parseOrNull = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};
const folderOurs = measure(
  () => files,
  (texts) => {
    for (const t of texts) validateDefinition(t);
  },
);
const folderTheirs = measure(
  () => files,
  (texts) => {
    for (const t of texts) {
      const def = parseOrNull(t);
      if (def) aslValidator(def);
    }
  },
);

process.stdout.write(`validator throughput (node ${process.version}); ms per validation, lower is better\n`);
process.stdout.write(header + "\n");
process.stdout.write(row(`generated, ${states} states (JSONPath)`, largeOurs, largeTheirs) + "\n");
process.stdout.write(row(`generated, ${countStates(largeJsonata)} states (+JSONata)`, jsonataOurs, jsonataTheirs) + "\n");
process.stdout.write(row(`folder: ${files.length} fixture files`, folderOurs, folderTheirs) + "\n");
process.stdout.write(`(folder figures are per pass over all ${files.length} files)\n`);
