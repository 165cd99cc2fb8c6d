/**
 * The validator on AWS SDK and optimized integration resources, as `validate FILE` runs it:
 * - AWS-valid: one definition per API operation of every service on AWS's "Supported AWS SDK
 *   service integrations" list (asl/integrations/data/sfn-sdk-services.json; operations from the
 *   SDK's models), plus every optimized resource and pattern AWS documents; none may be rejected;
 * - misspelt: for each service, its name with one letter dropped, one operation with one letter
 *   dropped, and the callback pattern misspelt; for each optimized resource, its action and its
 *   pattern misspelt; each must be rejected (INVALID_RESOURCE), unless the misspelling happens to
 *   be another valid resource (then it is skipped, and counted as such).
 * Services AWS lists that the SDK models no longer have (discontinued) are validated by name only.
 */
import {
  INTEGRATIONS,
  listedSdkServices,
  OPTIMIZED_WITHOUT_ROW,
  PATTERN_SUFFIX,
  sdkActionUnsupported,
  sdkService,
  sdkServiceNames,
} from "../asl/integrations";
import { sdkOperationsOf } from "../engine/iam/actions";
import { validateLikeCli } from "../engine/iam/validate";

const def = (resource: string) =>
  JSON.stringify({ StartAt: "T", States: { T: { Type: "Task", Resource: resource, Parameters: {}, End: true } } });
const arn = (tail: string) => `arn:aws:states:::${tail}`;
const drop = (s: string, i: number) => s.slice(0, i) + s.slice(i + 1);

async function main(): Promise<void> {
  const started = performance.now();
  const listed = listedSdkServices();
  const valid: string[] = [];
  const optimized: string[] = [];
  for (const row of INTEGRATIONS)
    if (row.id !== "aws-sdk:*" && row.id !== "lambda:function")
      for (const p of row.patterns) optimized.push(`${row.id}${PATTERN_SUFFIX[p]}`);
  for (const [svc, { actions }] of Object.entries(OPTIMIZED_WITHOUT_ROW))
    for (const [a, ps] of Object.entries(actions)) for (const p of ps) optimized.push(`${svc}:${a}${PATTERN_SUFFIX[p]}`);
  let discontinued = 0;
  // The actions AWS's page lists as unsupported are not AWS-valid: counted with the misspellings.
  const unsupported: string[] = [];
  for (const name of listed) {
    const ops = sdkOperationsOf(name);
    if (!ops) {
      discontinued++;
      valid.push(`aws-sdk:${name}:describeSomething`);
      continue;
    }
    for (const op of ops) (sdkActionUnsupported(name, op) ? unsupported : valid).push(`aws-sdk:${name}:${op}`);
  }
  valid.push(...optimized);
  const validSet = new Set(valid);
  const services = new Set(sdkServiceNames());

  const misspelt: string[] = [...unsupported];
  let skipped = 0;
  const add = (tail: string) => {
    const [, svc, op] = tail.split(":");
    const isValid =
      validSet.has(tail) ||
      (tail.startsWith("aws-sdk:") &&
        services.has(svc!) &&
        (sdkOperationsOf(svc!)?.includes(op!.replace(/\..*$/, "")) ?? false) &&
        !tail.includes(".waitForTaskTokens"));
    if (isValid) skipped++;
    else misspelt.push(tail);
  };
  for (const name of listed) {
    const ops = sdkOperationsOf(name);
    const op = ops?.[0] ?? "describeSomething";
    if (name.length > 3 && !sdkService(drop(name, 1))) add(`aws-sdk:${drop(name, 1)}:${op}`);
    else skipped++;
    if (ops) add(`aws-sdk:${name}:${drop(op, Math.min(2, op.length - 1))}`);
    add(`aws-sdk:${name}:${op}.waitForTaskTokens`);
  }
  for (const r of optimized) {
    const [svc, rest] = [r.slice(0, r.indexOf(":")), r.slice(r.indexOf(":") + 1)];
    const [action, ...suffix] = rest.split(".");
    add(`${svc}:${action}s${suffix.length ? `.${suffix.join(".")}` : ""}`);
    add(`${svc}:${action}.${suffix.length ? `${suffix.join(".")}x` : "sync:3"}`);
  }

  let rejectedValid = 0;
  const rejectedExamples: string[] = [];
  for (const tail of valid) {
    const r = await validateLikeCli(def(arn(tail)));
    if (!r.valid) {
      rejectedValid++;
      if (rejectedExamples.length < 5) rejectedExamples.push(`${tail}: ${r.diagnostics.find((d) => d.severity === "ERROR")?.message}`);
    }
  }
  let caught = 0;
  const missed: string[] = [];
  for (const tail of misspelt) {
    const r = await validateLikeCli(def(arn(tail)));
    if (!r.valid) caught++;
    else if (missed.length < 5) missed.push(tail);
  }
  const ms = performance.now() - started;
  console.log(
    `AWS SDK and optimized resources (${listed.length} services on AWS's list, ${discontinued} of them discontinued and checked by name only; ${optimized.length} optimized resources), as \`validate\` checks them:`,
  );
  console.log(`  AWS-valid definitions rejected   ${rejectedValid}/${valid.length}`);
  for (const e of rejectedExamples) console.log(`    ${e}`);
  console.log(
    `  misspelt resources rejected      ${caught}/${misspelt.length}  (${unsupported.length} of them actions AWS lists as unsupported; ${skipped} misspellings skipped: another valid name)`,
  );
  for (const m of missed) console.log(`    missed: ${m}`);
  console.log(
    `  ${(valid.length + misspelt.length).toLocaleString("en-US")} definitions in ${(ms / 1000).toFixed(1)} s (machine shared with other work: timing is noisy)`,
  );
  if (rejectedValid > 0 || caught < misspelt.length) process.exitCode = 1;
}

void main();
