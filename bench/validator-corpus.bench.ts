/**
 * Validator verdicts on public definitions, side by side: ours, asl-validator 4 (devDependency) and
 * AWS's own language service (amazon-states-language-service, the validator of the AWS Toolkit's
 * Step Functions editor; devDependency).
 *
 * - valid rejected: deployable public definitions (test/fixtures/asl/public, curated from
 *   aws-samples/step-functions-workflows-collection, see SOURCES.md; plus every `*.json` with
 *   StartAt and States under $ASL_CORPUS_DIR when set) that a validator refuses (any ERROR).
 * - invalid caught: the same definitions, each broken by one mutation that AWS rejects (the rule and
 *   its AWS page are named per mutation), that a validator refuses.
 *
 * The network here reaches the npm registry only, so a larger corpus cannot be fetched at bench
 * time; point ASL_CORPUS_DIR at a checkout of the collection to widen the run.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { validateLikeCli } from "../engine/iam/validate";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (definition: unknown) => { isValid: boolean };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslService = require("amazon-states-language-service") as typeof import("amazon-states-language-service");

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

interface Definition {
  name: string;
  text: string;
  value: Obj;
  valid: boolean;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (e.endsWith(".json")) out.push(p);
  }
  return out.sort();
}

function load(dir: string, label: string): Definition[] {
  const out: Definition[] = [];
  for (const file of jsonFiles(dir)) {
    const text = readFileSync(file, "utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (!isObj(value) || !isObj(value["States"]) || typeof value["StartAt"] !== "string") continue;
    out.push({ name: `${label}:${file.slice(dir.length + 1)}`, text, value, valid: !file.includes("INVALID-") });
  }
  return out;
}

/** The first state (document order) matching `pred`, at any depth, or undefined. */
function findState(def: Obj, pred: (s: Obj) => boolean): Obj | undefined {
  const states = def["States"];
  if (!isObj(states)) return undefined;
  for (const s of Object.values(states)) {
    if (!isObj(s)) continue;
    if (pred(s)) return s;
    for (const key of ["ItemProcessor", "Iterator"])
      if (isObj(s[key])) {
        const found = findState(s[key] as Obj, pred);
        if (found) return found;
      }
    if (Array.isArray(s["Branches"]))
      for (const b of s["Branches"])
        if (isObj(b)) {
          const found = findState(b, pred);
          if (found) return found;
        }
  }
  return undefined;
}

const firstState = (d: Obj) => (d["States"] as Obj)[d["StartAt"] as string] as Obj | undefined;
const isTask = (s: Obj) => s["Type"] === "Task";
const isJsonPathTop = (d: Obj) => d["QueryLanguage"] !== "JSONata";

/** One mistake AWS rejects, applied to a copy; undefined when the definition has nowhere to put it. */
interface Mutation {
  name: string;
  rule: string;
  apply(def: Obj, text: string): { value: Obj; text: string } | undefined;
}

const onCopy =
  (f: (d: Obj) => boolean) =>
  (def: Obj): { value: Obj; text: string } | undefined => {
    const d = structuredClone(def);
    return f(d) ? { value: d, text: JSON.stringify(d, null, 2) } : undefined;
  };

const MUTATIONS: Mutation[] = [
  {
    name: "StartAt names no state",
    rule: "MISSING_TRANSITION_TARGET (API_ValidateStateMachineDefinitionDiagnostic)",
    apply: onCopy((d) => ((d["StartAt"] = "NoSuchState"), true)),
  },
  {
    name: "Next names no state",
    rule: "MISSING_TRANSITION_TARGET",
    apply: onCopy((d) => {
      const s = findState(d, (x) => typeof x["Next"] === "string");
      if (!s) return false;
      s["Next"] = "NoSuchState";
      return true;
    }),
  },
  {
    name: "unknown state field",
    rule: "SCHEMA_VALIDATION_FAILED (statemachine-structure)",
    apply: onCopy((d) => {
      const s = firstState(d);
      if (!s) return false;
      s["Nxt"] = "x";
      return true;
    }),
  },
  {
    name: "unknown state Type",
    rule: "SCHEMA_VALIDATION_FAILED (workflow-states)",
    apply: onCopy((d) => {
      const s = firstState(d);
      if (!s) return false;
      s["Type"] = "Sleep";
      return true;
    }),
  },
  {
    name: "Next and End together",
    rule: "statemachine-structure: a state has Next or End",
    apply: onCopy((d) => {
      const s = findState(d, (x) => typeof x["Next"] === "string" && x["Type"] !== "Choice");
      if (!s) return false;
      s["End"] = true;
      return true;
    }),
  },
  {
    name: "unreachable state",
    rule: "states-language.net: every state must be reachable",
    apply: onCopy((d) => (((d["States"] as Obj)["OrphanState"] = { Type: "Succeed" }), true)),
  },
  {
    name: "Retry BackoffRate below 1",
    rule: "concepts-error-handling: BackoffRate >= 1.0",
    apply: onCopy((d) => {
      const s = findState(d, isTask);
      if (!s) return false;
      s["Retry"] = [{ ErrorEquals: ["States.ALL"], BackoffRate: 0.5 }];
      return true;
    }),
  },
  {
    name: "States.ALL retrier not last",
    rule: "concepts-error-handling: States.ALL must be last",
    apply: onCopy((d) => {
      const s = findState(d, isTask);
      if (!s) return false;
      s["Retry"] = [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["X"] }];
      return true;
    }),
  },
  {
    name: "TimeoutSeconds 0",
    rule: "state-task: a positive integer",
    apply: onCopy((d) => {
      const s = findState(d, isTask);
      if (!s) return false;
      delete s["TimeoutSecondsPath"];
      s["TimeoutSeconds"] = 0;
      return true;
    }),
  },
  {
    name: "empty Credentials",
    rule: "state-task: Credentials needs RoleArn",
    apply: onCopy((d) => {
      const s = findState(d, isTask);
      if (!s) return false;
      s["Credentials"] = {};
      return true;
    }),
  },
  {
    name: "malformed Lambda alias",
    rule: "INVALID_RESOURCE (Lambda alias names)",
    apply: onCopy((d) => {
      const s = findState(d, isTask);
      if (!s) return false;
      s["Resource"] = "arn:aws:lambda:us-east-1:123456789012:function:F:a.b";
      return true;
    }),
  },
  {
    name: "misspelt integration pattern",
    rule: "INVALID_RESOURCE (connect-to-resource: .sync, .sync:2, .waitForTaskToken)",
    apply: onCopy((d) => {
      const s = findState(
        d,
        (x) => isTask(x) && typeof x["Resource"] === "string" && (x["Resource"] as string).startsWith("arn:aws:states:::"),
      );
      if (!s) return false;
      s["Resource"] = `${(s["Resource"] as string).replace(/\.(sync(:2)?|waitForTaskToken)$/, "")}.waitForTaskTokens`;
      return true;
    }),
  },
  {
    name: "misspelt integration action",
    rule: "INVALID_RESOURCE (the resource is not recognized)",
    apply: onCopy((d) => {
      const s = findState(
        d,
        (x) => isTask(x) && typeof x["Resource"] === "string" && (x["Resource"] as string).startsWith("arn:aws:states:::"),
      );
      if (!s) return false;
      s["Resource"] = (s["Resource"] as string).replace(/:([a-z][A-Za-z0-9]*)((\.[A-Za-z:0-9]+)?)$/, ":$1Xx$2");
      return true;
    }),
  },
  {
    name: "bad intrinsic escape",
    rule: "intrinsic-functions: only \\' \\{ \\} \\\\",
    apply: onCopy((d) => {
      if (!isJsonPathTop(d)) return false;
      const s = findState(d, (x) => x["Type"] === "Pass" && x["QueryLanguage"] === undefined);
      if (!s) return false;
      s["Parameters"] = { "v.$": "States.Format('a\\nb')" };
      return true;
    }),
  },
  {
    name: "empty Map Label",
    rule: "state-map-distributed: Label 1-40 characters",
    apply: onCopy((d) => {
      const s = findState(
        d,
        (x) =>
          x["Type"] === "Map" &&
          isObj(x["ItemProcessor"]) &&
          isObj((x["ItemProcessor"] as Obj)["ProcessorConfig"]) &&
          ((x["ItemProcessor"] as Obj)["ProcessorConfig"] as Obj)["Mode"] === "DISTRIBUTED",
      );
      if (!s) return false;
      s["Label"] = "";
      return true;
    }),
  },
  {
    name: "JSONPath state under a JSONata machine",
    rule: "QueryLanguage: no JSONPath under JSONata",
    apply: onCopy((d) => {
      if (isJsonPathTop(d)) return false;
      const s = firstState(d);
      if (!s) return false;
      s["QueryLanguage"] = "JSONPath";
      return true;
    }),
  },
  {
    name: "duplicate state name (raw text)",
    rule: "DUPLICATE_STATE_NAME",
    apply: (def) => {
      const start = def["StartAt"] as string;
      const text = JSON.stringify(def, null, 2);
      const key = `"States": {`;
      const at = text.indexOf(key);
      if (at < 0) return undefined;
      const dup = `\n    ${JSON.stringify(start)}: { "Type": "Succeed" },`;
      const out = text.slice(0, at + key.length) + dup + text.slice(at + key.length);
      return { value: JSON.parse(out) as Obj, text: out };
    },
  },
];

type Verdict = (value: Obj, text: string) => Promise<boolean>;

// As `validate FILE` runs (the SDK's operations and IAM's action list for AWS SDK tasks).
const ours: Verdict = async (_v, text) => (await validateLikeCli(text)).valid;
const theirs: Verdict = async (value) => {
  try {
    return aslValidator(structuredClone(value)).isValid;
  } catch {
    return false;
  }
};
const service = aslService.getLanguageService({});
/** Definitions the language service never answered for (its promise never settles); counted as accepted. */
let serviceSilent = 0;
const awsService: Verdict = async (_v, text) => {
  const doc = aslService.TextDocument.create("file:///definition.asl.json", "json", 0, text);
  // On some definitions doValidation's promise never settles; without a pending timer the event
  // loop would drain and the process exit mid-run.
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<"silent">((resolve) => (timer = setTimeout(() => resolve("silent"), 5000)));
  const diagnostics = await Promise.race([service.doValidation(doc, service.parseJSONDocument(doc)), silent]);
  clearTimeout(timer);
  if (diagnostics === "silent") {
    serviceSilent++;
    return true;
  }
  return !diagnostics.some((d) => d.severity === aslService.DiagnosticSeverity.Error);
};
const VALIDATORS: Array<[string, Verdict]> = [
  ["ours", ours],
  ["asl-validator 4", theirs],
  ["amazon-states-language-service 1.16", awsService],
];

async function main(): Promise<void> {
  const publicDir = join(__dirname, "..", "test", "fixtures", "asl", "public");
  const defs = load(publicDir, "public");
  const extra = process.env["ASL_CORPUS_DIR"];
  if (extra) defs.push(...load(extra, "corpus"));
  else console.log("ASL_CORPUS_DIR not set: curated public set only (the network reaches npm only; no corpus is fetched at bench time).");

  const valid = defs.filter((d) => d.valid);
  const knownInvalid = defs.filter((d) => !d.valid);
  const mutated: Array<{ name: string; mutation: string; value: Obj; text: string }> = [];
  for (const d of valid) {
    for (const m of MUTATIONS) {
      const r = m.apply(d.value, d.text);
      if (r) mutated.push({ name: d.name, mutation: m.name, ...r });
    }
  }
  const invalid = [...knownInvalid.map((d) => ({ name: d.name, mutation: "published mistake", value: d.value, text: d.text })), ...mutated];

  console.log(
    `\n${valid.length} deployable definitions, ${invalid.length} invalid ones (${knownInvalid.length} published + ${mutated.length} single mutations of ${MUTATIONS.length} kinds):`,
  );
  console.log("  validator                              valid rejected   invalid caught");
  const missedBy = new Map<string, Map<string, number>>();
  for (const [label, verdict] of VALIDATORS) {
    let rejected = 0;
    for (const d of valid) if (!(await verdict(d.value, d.text))) rejected++;
    let caught = 0;
    const missed = new Map<string, number>();
    for (const d of invalid) {
      if (!(await verdict(d.value, d.text))) caught++;
      else missed.set(d.mutation, (missed.get(d.mutation) ?? 0) + 1);
    }
    missedBy.set(label, missed);
    console.log(
      `  ${label.padEnd(38)} ${`${rejected}/${valid.length}`.padStart(14)}   ${`${caught}/${invalid.length}`.padStart(14)} (${((100 * caught) / invalid.length).toFixed(1)}%)`,
    );
  }
  if (serviceSilent) console.log(`  (amazon-states-language-service never answered for ${serviceSilent} definitions; counted as accepted)`);
  console.log("\n  missed mistakes, by kind:");
  for (const [label, missed] of missedBy) {
    const list = [...missed].map(([k, n]) => `${k} ×${n}`).join("; ");
    console.log(`    ${label}: ${list || "none"}`);
  }
}

void main();
