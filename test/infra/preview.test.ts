/**
 * The first `pulumi preview` of a new stack: every resource is new, so every computed output (ARNs,
 * ids) is unknown; only inputs and the names autonaming plans are known (mocks.ts, preview mode).
 * What a reviewer reads in the CI diff must still be complete: each state machine's definition and
 * type, every IAM policy document, every Lambda environment. And it must be exactly what
 * `npm run synth` prints for the same stack.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WORKFLOWS } from "../../app/catalog";
import { PLACEHOLDERS } from "../../tools/cli/synth";
import { runCli } from "../cli/run-cli";
import { isKnown, MOCK_ACCOUNT, MOCK_REGION, type RecordedResource } from "./mocks";
import { devStackViaIndex, stackWith, type MockedStack } from "./stacks";
import { tempDir } from "../support/temp-dirs";

const PREFIX = "sfn-distributed-map-dev";
/** The bucket name the provider's autonaming plans in preview (mocks.ts). */
const PLANNED_BUCKET = `${PREFIX}-payloads-a1b2c3d`;

describe("infra: the first pulumi preview (new stack, computed outputs unknown)", function () {
  this.timeout(180_000);
  let preview: MockedStack;
  let previewKms: MockedStack;
  const of = (s: MockedStack, type: string): RecordedResource[] => s.recorder.ofType(type);

  before(async () => {
    await devStackViaIndex(); // index.ts runs once per process, first
    preview = await stackWith({}, true);
    previewKms = await stackWith({ kms: "true" }, true);
  });

  it("the mocks are faithful: ARNs are unknown in preview (a state machine's roleArn, the bucket SSE key)", () => {
    for (const sm of of(preview, "aws:sfn/stateMachine:StateMachine")) assert.equal(isKnown(sm.inputs.roleArn), false, sm.name);
    const sse = previewKms.recorder.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
    assert.equal(isKnown(sse.rules), false);
  });

  it("every state machine's definition and type are known, and valid JSON", () => {
    const machines = of(preview, "aws:sfn/stateMachine:StateMachine");
    assert.equal(machines.length, WORKFLOWS.length);
    for (const sm of machines) {
      assert.equal(typeof sm.inputs.definition, "string", `${sm.name} definition`);
      assert.ok(["STANDARD", "EXPRESS"].includes(sm.inputs.type), `${sm.name} type`);
      assert.equal(sm.inputs.name, `${PREFIX}-${sm.name}`);
      JSON.parse(sm.inputs.definition);
    }
  });

  it("every IAM policy document is known: role policies, trust policies, the bucket policy (kms off)", () => {
    const docs = [
      ...of(preview, "aws:iam/rolePolicy:RolePolicy").map((p) => [p.name, p.inputs.policy] as const),
      ...of(preview, "aws:iam/role:Role").map((r) => [r.name, r.inputs.assumeRolePolicy] as const),
      ...of(preview, "aws:s3/bucketPolicy:BucketPolicy").map((b) => [b.name, b.inputs.policy] as const),
    ];
    assert.ok(docs.length >= 2 * (WORKFLOWS.length + 4) + 1);
    for (const [name, doc] of docs) {
      assert.equal(typeof doc, "string", name);
      assert.ok(JSON.parse(doc).Statement.length > 0, name);
    }
  });

  it("kms on: the main policies stay known; only the SSE-KMS grants (their own policies) wait for the new key's ARN", () => {
    for (const p of of(previewKms, "aws:iam/rolePolicy:RolePolicy")) {
      assert.equal(isKnown(p.inputs.policy), !p.name.endsWith("-kms-policy"), p.name);
    }
    assert.ok(of(previewKms, "aws:iam/rolePolicy:RolePolicy").some((p) => p.name.endsWith("-kms-policy")));
  });

  it("every Lambda environment is known", () => {
    const fns = of(preview, "aws:lambda/function:Function");
    assert.ok(fns.length >= 4);
    for (const fn of fns) {
      assert.ok(isKnown(fn.inputs.environment), fn.name);
      assert.equal(fn.inputs.environment.variables.PAYLOAD_BUCKET, PLANNED_BUCKET, fn.name);
    }
  });

  it("each definition and policy is exactly what `npm run synth` prints for the same stack (placeholders filled with the preview's values)", async () => {
    const out = tempDir("synth-preview-");
    const result = await runCli(["--stack", "dev", "--out", out], { script: "synth" });
    assert.equal(result.code, 0, result.stderr);
    const fill = (text: string) =>
      text
        .split(PLACEHOLDERS.bucket)
        .join(PLANNED_BUCKET)
        .split(PLACEHOLDERS.accountId)
        .join(MOCK_ACCOUNT)
        .replace(
          /\$\{([A-Za-z0-9_-]+)FunctionArn\}/g,
          (_, fn: string) => `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${PREFIX}-${fn}`,
        );
    for (const w of WORKFLOWS) {
      const synthDefinition = JSON.parse(fill(readFileSync(join(out, "dev", `${w.name}.asl.json`), "utf8")));
      const synthPolicy = JSON.parse(fill(readFileSync(join(out, "dev", `${w.name}.policy.json`), "utf8")));
      assert.deepEqual(
        JSON.parse(preview.recorder.one("aws:sfn/stateMachine:StateMachine", w.name).inputs.definition),
        synthDefinition,
        w.name,
      );
      assert.deepEqual(
        JSON.parse(preview.recorder.one("aws:iam/rolePolicy:RolePolicy", `${w.name}-sfn-policy`).inputs.policy),
        synthPolicy,
        w.name,
      );
    }
  });
});
