import { strict as assert } from "node:assert";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LAMBDAS, WORKFLOWS, workflowByName } from "../../app/catalog";
import { deriveStateMachinePolicy, type PolicyDocument } from "../../asl/permissions";
import { validateDefinition } from "../../asl/validator";
import { LAMBDA_RUNTIME } from "../../stack/lambdas";
import { MOCK_ACCOUNT, MOCK_REGION, valueOf, type RecordedResource } from "./mocks";
import { devStackViaIndex, type MockedStack } from "./stacks";
import { tempDir } from "../support/temp-dirs";

const PREFIX = "sfn-distributed-map-dev";
const BUCKET_RES = `${PREFIX}-payloads`;
const fnArn = (name: string) => `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${PREFIX}-${name}`;
const parse = (json: string) => JSON.parse(json) as PolicyDocument;

describe("infra: the dev stack under Pulumi mocks (index.ts)", function () {
  this.timeout(120_000);
  let stack: MockedStack;
  let bucketName: string;
  const R = (type: string, name?: string): RecordedResource => stack.recorder.one(type, name);

  before(async () => {
    stack = await devStackViaIndex();
    bucketName = await valueOf(stack.outputs.bucketName);
  });

  it("inventory: the bucket component and its six resources, four per catalog Lambda, a workflow component and its four per catalog workflow; nothing else (no default Lambda roles, no managed-policy attachments, no KMS key with kms: false)", () => {
    const inventory = stack.recorder.resources.map((r) => `${r.type} ${r.name}`).sort();
    const expected = [
      `sfn-distributed-map:index:SecureBucket ${BUCKET_RES}`,
      ...WORKFLOWS.map((w) => `sfn-distributed-map:index:StepFunctionsWorkflow ${w.name}`),
      ...[
        "bucket:Bucket",
        "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "bucketOwnershipControls:BucketOwnershipControls",
        "bucketPolicy:BucketPolicy",
        "bucketPublicAccessBlock:BucketPublicAccessBlock",
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ].map((t) => `aws:s3/${t} ${BUCKET_RES}`),
      ...Object.keys(LAMBDAS).flatMap((n) => [
        `aws:cloudwatch/logGroup:LogGroup ${n}-logs`,
        `aws:iam/role:Role ${n}-role`,
        `aws:iam/rolePolicy:RolePolicy ${n}-policy`,
        `aws:lambda/function:Function ${n}`,
      ]),
      ...WORKFLOWS.flatMap((w) => [
        `aws:cloudwatch/logGroup:LogGroup ${w.name}-sfn-logs`,
        `aws:iam/role:Role ${w.name}-sfn-role`,
        `aws:iam/rolePolicy:RolePolicy ${w.name}-sfn-policy`,
        `aws:sfn/stateMachine:StateMachine ${w.name}`,
      ]),
    ].sort();
    assert.deepEqual(inventory, expected);
    // The seed's own entries, spelled out.
    for (const r of [
      "aws:lambda/function:Function CaptureInput",
      "aws:lambda/function:Function ProcessData",
      "aws:sfn/stateMachine:StateMachine seed",
      "aws:iam/rolePolicy:RolePolicy seed-sfn-policy",
    ]) {
      assert.ok(inventory.includes(r), r);
    }
  });

  it("every catalog workflow is deployed with the definition its builder renders (generic: adding a catalog entry is all it takes)", () => {
    for (const w of WORKFLOWS) {
      const deployed = JSON.parse(R("aws:sfn/stateMachine:StateMachine", w.name).inputs.definition);
      assert.deepEqual(
        deployed,
        w.build(stack.config, { bucket: bucketName }).render((ref) => fnArn(ref.name)),
        w.name,
      );
      assert.equal(R("aws:sfn/stateMachine:StateMachine", w.name).inputs.name, `${PREFIX}-${w.name}`);
    }
  });

  describe("bucket", () => {
    it("public access block: all four flags", () => {
      const pab = R("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      assert.equal(pab.bucket, bucketName);
      assert.deepEqual(
        [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
        [true, true, true, true],
      );
    });

    it("ownership controls: BucketOwnerEnforced (ACLs disabled)", () => {
      assert.deepEqual(R("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("encryption: SSE-S3 (AES256) when kms is off", () => {
      const sse = R("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
      assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });

    it("policy: denies every request not over TLS (aws:SecureTransport false), on the bucket and its objects", () => {
      const policy = JSON.parse(R("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      assert.deepEqual(policy.Statement, [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });

    it("lifecycle: payloads expire after payloadExpirationDays, results after resultsExpirationDays, incomplete multipart uploads are aborted", () => {
      const rules = R("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
      assert.deepEqual(rules, [
        { id: "expire-payloads", status: "Enabled", filter: { prefix: "payloads/" }, expiration: { days: 1 } },
        { id: "expire-results", status: "Enabled", filter: { prefix: "results/" }, expiration: { days: 7 } },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: { prefix: "" },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ]);
    });
  });

  describe("Lambda functions", () => {
    for (const name of ["CaptureInput", "ProcessData"]) {
      it(`${name}: explicit name, ${LAMBDA_RUNTIME}, memory/timeout/architecture from config, env, tracing, its own log group`, () => {
        const fn = R("aws:lambda/function:Function", name).inputs;
        assert.equal(fn.name, `${PREFIX}-${name}`);
        assert.equal(fn.runtime, "nodejs22.x");
        assert.equal(fn.handler, "__index.handler");
        assert.equal(fn.memorySize, 128);
        assert.equal(fn.timeout, 900);
        assert.deepEqual(fn.architectures, ["arm64"]);
        assert.deepEqual(fn.environment, {
          variables: {
            PAYLOAD_BUCKET: bucketName,
            PAYLOAD_PREFIX: name === "CaptureInput" ? "payloads/seed/" : "payloads/",
            PAYLOAD_FORMAT: "json",
          },
        });
        assert.deepEqual(fn.tracingConfig, { mode: "Active" });
        assert.deepEqual(fn.loggingConfig, { logFormat: "JSON", logGroup: `/aws/lambda/${PREFIX}-${name}` });
        const group = R("aws:cloudwatch/logGroup:LogGroup", `${name}-logs`).inputs;
        assert.equal(group.name, `/aws/lambda/${PREFIX}-${name}`);
        assert.equal(group.retentionInDays, 7);
      });

      it(`${name}: its OWN role, passed explicitly (not CallbackFunction's default), trusted by lambda.amazonaws.com only`, () => {
        const role = R("aws:iam/role:Role", `${name}-role`);
        assert.equal(R("aws:lambda/function:Function", name).inputs.role, role.state.arn);
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        assert.equal(R("aws:iam/rolePolicy:RolePolicy", `${name}-policy`).inputs.role, role.id);
        assert.equal(stack.recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
      });
    }

    it("CaptureInput's policy: its own log group, PutObject + AbortMultipartUpload under the seed's payload folder, X-Ray; nothing else", () => {
      const doc = parse(R("aws:iam/rolePolicy:RolePolicy", "CaptureInput-policy").inputs.policy);
      const group = `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT}:log-group:/aws/lambda/${PREFIX}-CaptureInput`;
      assert.deepEqual(doc, {
        Version: "2012-10-17",
        Statement: [
          { Sid: "WriteOwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${group}:*`] },
          {
            Sid: "WritePayloads",
            Effect: "Allow",
            Action: ["s3:AbortMultipartUpload", "s3:PutObject"],
            Resource: [`arn:aws:s3:::${bucketName}/payloads/seed/*`],
          },
          { Sid: "WriteXRayTraces", Effect: "Allow", Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Resource: ["*"] },
        ],
      });
    });

    it("ProcessData's policy: no S3 at all (the seed's ProcessData never touches S3)", () => {
      const doc = parse(R("aws:iam/rolePolicy:RolePolicy", "ProcessData-policy").inputs.policy);
      assert.deepEqual(
        doc.Statement.map((s) => s.Sid),
        ["WriteOwnLogGroup", "WriteXRayTraces"],
      );
      assert.ok(doc.Statement.every((s) => s.Action.every((a) => !a.startsWith("s3:"))));
    });

    it("the deployment package: the serialized factory, the handler bundle, production dependencies only (no Pulumi SDKs, no esbuild)", async () => {
      const assets = (await R("aws:lambda/function:Function", "ProcessData").inputs.code.assets) as Record<string, unknown>;
      const files = Object.keys(assets);
      assert.ok(files.includes("__index.js"));
      assert.ok(files.includes("out/lambda-bundle/handlers.js"));
      const has = (pkg: string) => files.some((f) => f === `node_modules/${pkg}` || f.startsWith(`node_modules/${pkg}/`));
      for (const banned of ["@pulumi", "esbuild", "typescript", "mocha", "tsx", "@cloud-copilot"]) assert.ok(!has(banned), banned);
      for (const needed of ["zod", "@aws-sdk/client-s3", "@aws-sdk/lib-storage"]) assert.ok(has(needed), needed);
    });

    it("the deployment package RUNS: its __index.handler (from the zip's own files) processes an item", async () => {
      const assets = (await R("aws:lambda/function:Function", "ProcessData").inputs.code.assets) as Record<
        string,
        { text?: Promise<string> | string; path?: Promise<string> | string }
      >;
      const dir = tempDir("lambda-zip-");
      for (const file of ["__index.js", "out/lambda-bundle/handlers.js"]) {
        const asset = assets[file]!;
        const text = asset.text !== undefined ? await asset.text : (await import("node:fs")).readFileSync(String(await asset.path), "utf8");
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      symlinkSync(join(__dirname, "..", "..", "node_modules"), join(dir, "node_modules"));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const entry = require(join(dir, "__index.js")) as { handler: (event: unknown) => Promise<unknown> };
      const result = await entry.handler({ from: 0, to: 5 });
      assert.deepEqual(result, await LAMBDAS.ProcessData.ref.handler({ from: 0, to: 5 } as never));
    });
  });

  describe("state machine", () => {
    const machineName = `${PREFIX}-seed`;

    it("explicit name, STANDARD, its derived role, logging (level, execution data, group ARN with :*) and tracing from config", () => {
      const sm = R("aws:sfn/stateMachine:StateMachine", "seed").inputs;
      const group = R("aws:cloudwatch/logGroup:LogGroup", "seed-sfn-logs");
      assert.equal(sm.name, machineName);
      assert.equal(sm.type, "STANDARD");
      assert.equal(sm.roleArn, R("aws:iam/role:Role", "seed-sfn-role").state.arn);
      assert.deepEqual(sm.loggingConfiguration, { level: "ALL", includeExecutionData: true, logDestination: `${group.state.arn}:*` });
      assert.deepEqual(sm.tracingConfiguration, { enabled: true });
      assert.equal(group.inputs.name, `/aws/vendedlogs/states/${machineName}`);
      assert.equal(group.inputs.retentionInDays, 7);
    });

    it("the definition is exactly the builders' output with the real (mock) function ARNs, and it validates", () => {
      const deployed = JSON.parse(R("aws:sfn/stateMachine:StateMachine", "seed").inputs.definition);
      const expected = workflowByName("seed")
        .build(stack.config, { bucket: bucketName })
        .render((ref) => fnArn(ref.name));
      assert.equal(deployed.States.CaptureInput.Resource, fnArn("CaptureInput"));
      assert.equal(deployed.States.MapData.ItemProcessor.States.ProcessData.Resource, fnArn("ProcessData"));
      assert.deepEqual(deployed.States.MapData.ResultWriter.Parameters, { Bucket: bucketName, Prefix: "results/seed/" });
      assert.deepEqual(deployed, expected);
      const result = validateDefinition(deployed, { stateMachineType: "STANDARD" });
      assert.deepEqual(
        result.diagnostics.filter((d) => d.severity === "ERROR"),
        [],
      );
      assert.equal(result.valid, true);
    });

    it("its role policy is the one derived from that definition (nothing hand-written)", () => {
      const deployed = JSON.parse(R("aws:sfn/stateMachine:StateMachine", "seed").inputs.definition);
      const policy = parse(R("aws:iam/rolePolicy:RolePolicy", "seed-sfn-policy").inputs.policy);
      const derived = deriveStateMachinePolicy(deployed, {
        region: MOCK_REGION,
        accountId: MOCK_ACCOUNT,
        partition: "aws",
        stateMachineName: machineName,
        logging: true,
        tracing: true,
        dynamicS3: { bucket: bucketName, prefix: "payloads/seed/" },
      });
      assert.deepEqual(policy, derived);
      assert.deepEqual(
        policy.Statement.map((s) => s.Sid),
        [
          "InvokeWorkflowFunctions",
          "ReadItems",
          "WriteResults",
          "StartMapRunChildren",
          "ManageMapRunChildren",
          "RedriveMapRunChildren",
          "DeliverExecutionLogs",
          "WriteXRayTraces",
        ],
      );
      assert.equal(R("aws:iam/rolePolicy:RolePolicy", "seed-sfn-policy").inputs.role, R("aws:iam/role:Role", "seed-sfn-role").id);
    });

    it("its role is trusted by states.amazonaws.com for this machine only (built from the known name: no role↔machine cycle)", () => {
      const trust = JSON.parse(R("aws:iam/role:Role", "seed-sfn-role").inputs.assumeRolePolicy);
      const arn = `arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT}:stateMachine:${machineName}`;
      assert.deepEqual(trust.Statement[0].Condition, {
        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
        ArnLike: { "aws:SourceArn": [arn, `${arn}:*`, `${arn}/*`] },
      });
    });
  });

  it("no `*` action in any policy; `*` resources only for Logs delivery and X-Ray", () => {
    for (const p of stack.recorder.ofType("aws:iam/rolePolicy:RolePolicy")) {
      for (const s of parse(p.inputs.policy).Statement) {
        for (const a of s.Action) assert.ok(!a.includes("*"), `${p.name} ${s.Sid}: ${a}`);
        if (s.Resource.some((r) => r === "*")) assert.ok(["DeliverExecutionLogs", "WriteXRayTraces"].includes(s.Sid), `${p.name} ${s.Sid}`);
      }
    }
  });

  it("outputs: bucket name, state machine ARN and console URL, role ARNs", async () => {
    const o = stack.outputs;
    const smArn = `arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT}:stateMachine:${PREFIX}-seed`;
    assert.equal(bucketName, `${BUCKET_RES}-a1b2c3d`);
    assert.equal(await valueOf(o.stateMachineArns.seed), smArn);
    assert.equal(
      await valueOf(o.stateMachineConsoleUrls.seed),
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/${smArn}`,
    );
    assert.equal(await valueOf(o.stateMachineRoleArns.seed), R("aws:iam/role:Role", "seed-sfn-role").state.arn);
    assert.equal(await valueOf(o.lambdaRoleArns.CaptureInput), R("aws:iam/role:Role", "CaptureInput-role").state.arn);
    assert.equal(await valueOf(o.lambdaFunctionArns.ProcessData), fnArn("ProcessData"));
    assert.equal(o.kmsKeyArn, undefined);
  });
});
