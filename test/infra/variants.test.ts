/**
 * The program under other stack configurations (through deployStack, the same code index.ts runs),
 * in preview (dry-run) mode too, and a bad Pulumi config value failing the program.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { WORKFLOWS } from "../../app/catalog";
import type { PolicyDocument } from "../../asl/permissions";
import { StackConfigError } from "../../config/schema";
import { functionName, naming } from "../../infra/names";
import { readStackConfig } from "../../stack/program";
import { devStackConfig, installMocks, MOCK_ACCOUNT, MOCK_REGION, valueOf } from "./mocks";
import { devStackViaIndex, stackWith, type MockedStack } from "./stacks";

const sids = (stack: MockedStack, policy: string) =>
  (JSON.parse(stack.recorder.one("aws:iam/rolePolicy:RolePolicy", policy).inputs.policy) as PolicyDocument).Statement.map((s) => s.Sid);
const definition = (stack: MockedStack, workflow = "seed") =>
  JSON.parse(stack.recorder.one("aws:sfn/stateMachine:StateMachine", workflow).inputs.definition);

describe("infra: other configurations", function () {
  this.timeout(120_000);
  before(async () => {
    await devStackViaIndex(); // index.ts's own run comes first (it can run once per process)
  });

  it("preview (dry run): the same inventory and the same rendered definitions and policies as an update", async () => {
    const up = await devStackViaIndex();
    const preview = await stackWith({}, true);
    const view = (s: MockedStack) => s.recorder.resources.map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(view(preview), view(up));
    for (const w of WORKFLOWS) {
      assert.deepEqual(definition(preview, w.name), definition(up, w.name));
      assert.equal(
        preview.recorder.one("aws:iam/rolePolicy:RolePolicy", `${w.name}-sfn-policy`).inputs.policy,
        up.recorder.one("aws:iam/rolePolicy:RolePolicy", `${w.name}-sfn-policy`).inputs.policy,
      );
    }
  });

  describe("kms: true", () => {
    let stack: MockedStack;
    before(async () => {
      stack = await stackWith({ kms: "true" });
    });

    it("a customer managed key with rotation on; SSE-KMS with that key and an S3 Bucket Key", async () => {
      const key = stack.recorder.one("aws:kms/key:Key");
      assert.equal(key.inputs.enableKeyRotation, true);
      const sse = stack.recorder.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
      assert.deepEqual(sse.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn }, bucketKeyEnabled: true },
      ]);
      assert.equal(await valueOf(stack.outputs.kmsKeyArn), key.state.arn);
    });

    it("KMS statements exactly where S3 is touched, each in a policy of its own on the same role: the machines and the S3-using Lambdas, not ProcessData", () => {
      for (const p of ["seed-sfn", "map-reduce-sfn", "CaptureInput", "CountWords", "ReduceCounts"]) {
        const kms = stack.recorder.one("aws:iam/rolePolicy:RolePolicy", `${p}-kms-policy`);
        assert.deepEqual(sids(stack, `${p}-kms-policy`), ["UseBucketKeyThroughS3"], p);
        assert.ok(!sids(stack, `${p}-policy`).includes("UseBucketKeyThroughS3"), p);
        assert.equal(kms.inputs.role, stack.recorder.one("aws:iam/rolePolicy:RolePolicy", `${p}-policy`).inputs.role, p);
      }
      assert.equal(stack.recorder.ofType("aws:iam/rolePolicy:RolePolicy").filter((r) => r.name === "ProcessData-kms-policy").length, 0);
      assert.ok(!sids(stack, "ProcessData-policy").includes("UseBucketKeyThroughS3"));
      const stmt = (
        JSON.parse(stack.recorder.one("aws:iam/rolePolicy:RolePolicy", "seed-sfn-kms-policy").inputs.policy) as PolicyDocument
      ).Statement.find((s) => s.Sid === "UseBucketKeyThroughS3")!;
      assert.deepEqual(stmt.Resource, [stack.recorder.one("aws:kms/key:Key").state.arn]);
      assert.deepEqual(stmt.Condition, { StringEquals: { "kms:ViaService": `s3.${MOCK_REGION}.amazonaws.com` } });
    });
  });

  it("logLevel OFF and tracing off: no state machine log group, logging OFF, tracing disabled, no Logs delivery or X-Ray grants; Lambdas PassThrough", async () => {
    const stack = await stackWith({ logLevel: "OFF", includeExecutionData: "false", tracing: "false" });
    assert.equal(stack.recorder.ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => g.name.endsWith("-sfn-logs")).length, 0);
    const sm = stack.recorder.one("aws:sfn/stateMachine:StateMachine", "seed").inputs;
    assert.deepEqual(sm.loggingConfiguration, { level: "OFF" });
    assert.deepEqual(sm.tracingConfiguration, { enabled: false });
    assert.ok(!sids(stack, "seed-sfn-policy").includes("DeliverExecutionLogs"));
    assert.ok(!sids(stack, "seed-sfn-policy").includes("WriteXRayTraces"));
    assert.deepEqual(stack.recorder.one("aws:lambda/function:Function", "ProcessData").inputs.tracingConfig, { mode: "PassThrough" });
    assert.deepEqual(sids(stack, "ProcessData-policy"), ["WriteOwnLogGroup"]);
  });

  it("logLevel ERROR without execution data is passed through as configured", async () => {
    const stack = await stackWith({ logLevel: "ERROR", includeExecutionData: "false" });
    const sm = stack.recorder.one("aws:sfn/stateMachine:StateMachine", "seed").inputs;
    assert.equal(sm.loggingConfiguration.level, "ERROR");
    assert.equal(sm.loggingConfiguration.includeExecutionData, false);
  });

  it("EXPRESS children: ExecutionType EXPRESS, and no RedriveExecution grant (express children are rerun with StartExecution)", async () => {
    const stack = await stackWith({ childExecutionType: "EXPRESS" });
    assert.equal(definition(stack).States.MapData.ItemProcessor.ProcessorConfig.ExecutionType, "EXPRESS");
    assert.ok(!sids(stack, "seed-sfn-policy").includes("RedriveMapRunChildren"));
    assert.ok(sids(stack, "seed-sfn-policy").includes("StartMapRunChildren"));
  });

  it("batchSize, maxConcurrency, toleratedFailurePercentage reach the definition; writeResults false drops the ResultWriter and its grant", async () => {
    const stack = await stackWith({ batchSize: "10", maxConcurrency: "50", toleratedFailurePercentage: "5", writeResults: "false" });
    const map = definition(stack).States.MapData;
    assert.deepEqual(map.ItemBatcher, { MaxItemsPerBatch: 10 });
    assert.equal(map.MaxConcurrency, 50);
    assert.equal(map.ToleratedFailurePercentage, 5);
    assert.equal(map.ResultWriter, undefined);
    assert.ok(!sids(stack, "seed-sfn-policy").includes("WriteResults"));
  });

  it("Lambda settings from config: memory, timeout, architecture", async () => {
    const stack = await stackWith({ lambdaMemoryMb: "512", lambdaTimeoutSeconds: "30", lambdaArchitecture: "x86_64" });
    const fn = stack.recorder.one("aws:lambda/function:Function", "ProcessData").inputs;
    assert.deepEqual([fn.memorySize, fn.timeout, fn.architectures], [512, 30, ["x86_64"]]);
  });

  it("a bad config value fails the program before any resource, naming the key and the rule", async () => {
    await devStackViaIndex();
    installMocks(false);
    pulumi.runtime.setAllConfig(devStackConfig({ maxConcurrency: "20000", logLevel: "LOUD" }));
    assert.throws(
      () => readStackConfig(),
      (e: unknown) =>
        e instanceof StackConfigError &&
        /Invalid stack configuration in Pulumi\.dev\.yaml/.test(e.message) &&
        /sfn-distributed-map:maxConcurrency: maxConcurrency must be between 0 and 10000/.test(e.message) &&
        /sfn-distributed-map:logLevel: logLevel must be one of ALL, ERROR, FATAL, OFF/.test(e.message),
    );
    pulumi.runtime.setAllConfig(devStackConfig({ "aws:region": "moon" }));
    assert.throws(() => readStackConfig(), /aws:region: aws:region must be an AWS region code/);
  });

  it("names are checked against AWS limits (a too-long stack name fails with the reason)", async () => {
    assert.throws(
      () => functionName(naming("sfn-distributed-map", "a-very-long-stack-name-for-testing-limits"), "ReduceCounts"),
      /AWS allows 64/,
    );
    assert.equal(MOCK_ACCOUNT.length, 12);
  });
});
