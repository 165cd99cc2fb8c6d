import { strict as assert } from "node:assert";
import {
  deriveLambdaRolePolicy,
  deriveStateMachinePolicy,
  lambdaTrustPolicy,
  PermissionDerivationError,
  stateMachineTrustPolicy,
  type PolicyDocument,
  type StateMachinePolicyContext,
} from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { ACCOUNT, fn, mapReduce, nested, REGION, seedDistributed, staticReader, withTask } from "./fixtures";

const base: StateMachinePolicyContext = {
  region: REGION,
  accountId: ACCOUNT,
  stateMachineName: "dev-seed",
  logging: false,
  tracing: false,
};
const stmt = (doc: PolicyDocument, sid: string) => doc.Statement.find((s) => s.Sid === sid);
const sids = (doc: PolicyDocument) => doc.Statement.map((s) => s.Sid);

describe("permissions: deriveStateMachinePolicy", () => {
  it("seed: invoke exactly the two functions and their qualified ARNs", () => {
    const doc = deriveStateMachinePolicy(seedDistributed, { ...base, dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" } });
    assert.deepEqual(stmt(doc, "InvokeWorkflowFunctions"), {
      Sid: "InvokeWorkflowFunctions",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: [fn("dev-CaptureInput"), `${fn("dev-CaptureInput")}:*`, fn("dev-ProcessData"), `${fn("dev-ProcessData")}:*`],
    });
  });

  it("seed: a dynamic reader (Bucket.$/Key.$) is scoped to the bucket and prefix the context vouches for", () => {
    const doc = deriveStateMachinePolicy(seedDistributed, { ...base, dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" } });
    assert.deepEqual(stmt(doc, "ReadItems")!.Resource, ["arn:aws:s3:::payload-bucket/payloads/*"]);
    assert.deepEqual(stmt(doc, "ReadItems")!.Action, ["s3:GetObject"]);
  });

  it("a dynamic bucket without context.dynamicS3 fails, naming the reader", () => {
    assert.throws(
      () => deriveStateMachinePolicy(seedDistributed, base),
      (e: unknown) => {
        assert.ok(e instanceof PermissionDerivationError);
        assert.equal(e.location, "/States/MapData/ItemReader/Parameters/Bucket.$");
        assert.match(e.message, /context\.dynamicS3/);
        return true;
      },
    );
  });

  it("ResultWriter: PutObject, GetObject, ListMultipartUploadParts, AbortMultipartUpload under its prefix", () => {
    const doc = deriveStateMachinePolicy(seedDistributed, { ...base, dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" } });
    assert.deepEqual(stmt(doc, "WriteResults"), {
      Sid: "WriteResults",
      Effect: "Allow",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
      Resource: ["arn:aws:s3:::payload-bucket/results/*"],
    });
  });

  it("Distributed Map: StartExecution on itself, Describe/Stop and Redrive on its Map Runs' children (execution:<machine>/<label>:<id>)", () => {
    const doc = deriveStateMachinePolicy(seedDistributed, { ...base, dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" } });
    const sm = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:dev-seed`;
    assert.deepEqual(stmt(doc, "StartMapRunChildren")!.Resource, [sm]);
    assert.deepEqual(stmt(doc, "ManageMapRunChildren")!.Action, ["states:DescribeExecution", "states:StopExecution"]);
    // Not `execution:dev-seed:*`: a child's ARN has the Map Run label after a `/`.
    assert.deepEqual(stmt(doc, "ManageMapRunChildren")!.Resource, [`arn:aws:states:${REGION}:${ACCOUNT}:execution:dev-seed/*`]);
    assert.deepEqual(stmt(doc, "RedriveMapRunChildren")!.Resource, [`arn:aws:states:${REGION}:${ACCOUNT}:execution:dev-seed/*`]);
  });

  it('EXPRESS children get no RedriveExecution: "the Express child workflows are rerun using the StartExecution API action"', () => {
    const doc = deriveStateMachinePolicy(mapReduce, base);
    assert.ok(stmt(doc, "StartMapRunChildren"));
    assert.equal(stmt(doc, "RedriveMapRunChildren"), undefined);
  });

  it("listObjectsV2 with a static prefix: ListBucket with an s3:prefix condition; LOAD_AND_FLATTEN adds GetObject under the prefix", () => {
    const doc = deriveStateMachinePolicy(mapReduce, base);
    assert.deepEqual(stmt(doc, "ListItems"), {
      Sid: "ListItems",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: ["arn:aws:s3:::data-bucket"],
      Condition: { StringLike: { "s3:prefix": ["input/2024/*"] } },
    });
    assert.deepEqual(stmt(doc, "ReadItems")!.Resource, ["arn:aws:s3:::data-bucket/input/2024/*"]);
    assert.deepEqual(stmt(doc, "WriteResults")!.Resource, ["arn:aws:s3:::data-bucket/output*"]);
  });

  it("lambda:invoke: FunctionName as a name with qualifier, a full ARN, or a partial ARN → the unqualified ARN and :*", () => {
    const a = deriveStateMachinePolicy(mapReduce, base);
    assert.deepEqual(stmt(a, "InvokeWorkflowFunctions")!.Resource, [fn("Count"), `${fn("Count")}:*`, fn("Reduce"), `${fn("Reduce")}:*`]);
    const b = deriveStateMachinePolicy(nested, base);
    assert.deepEqual(stmt(b, "InvokeWorkflowFunctions")!.Resource, [fn("Alpha"), `${fn("Alpha")}:*`, fn("Beta"), `${fn("Beta")}:*`]);
  });

  it("walks Parallel branches and inline Maps (legacy Iterator) and grants no Map Run rights for inline maps", () => {
    const doc = deriveStateMachinePolicy(nested, base);
    assert.deepEqual(sids(doc), ["InvokeWorkflowFunctions"]);
  });

  it("a static getObject reader is narrowed to the exact key (JSONata Arguments too)", () => {
    const doc = deriveStateMachinePolicy(staticReader, base);
    assert.deepEqual(stmt(doc, "ReadItems")!.Resource, ["arn:aws:s3:::fixed/in/items.csv"]);
  });

  describe("a literal key or prefix is granted as written, whatever the declared run-time locations", () => {
    // A Map whose reader and writer name their bucket at run time (Bucket.$) but their key/prefix literally.
    const runTimeBucket = (reader: Record<string, unknown>, writerPrefix?: string): StateMachineDefinition =>
      ({
        StartAt: "Map",
        States: {
          Map: {
            Type: "Map",
            ItemReader: reader,
            ...(writerPrefix !== undefined
              ? {
                  ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { "Bucket.$": "$.bucket", Prefix: writerPrefix } },
                }
              : {}),
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "P",
              States: { P: { Type: "Pass", End: true } },
            },
            End: true,
          },
        },
      }) as unknown as StateMachineDefinition;
    const getObject = (params: Record<string, unknown>) => ({
      Resource: "arn:aws:states:::s3:getObject",
      ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
      Parameters: params,
    });
    const declared = {
      ...base,
      dynamicS3: [
        { bucket: "in-a", prefix: "input/" },
        { bucket: "in-b", prefix: "input/" },
        { bucket: "in-a", prefix: "other/" },
      ],
    };

    it("Bucket.$ with a literal Key outside the declared prefixes: the key under each declared bucket (never the prefix, which would deny it)", () => {
      const doc = deriveStateMachinePolicy(runTimeBucket(getObject({ "Bucket.$": "$.bucket", Key: "data/rows.csv" })), declared);
      assert.deepEqual(stmt(doc, "ReadItems")!.Resource, ["arn:aws:s3:::in-a/data/rows.csv", "arn:aws:s3:::in-b/data/rows.csv"]);
    });

    it("a literal Key inside a declared prefix gets the key, not the whole prefix", () => {
      const doc = deriveStateMachinePolicy(runTimeBucket(getObject({ "Bucket.$": "$.bucket", Key: "input/rows.csv" })), declared);
      assert.deepEqual(stmt(doc, "ReadItems")!.Resource, ["arn:aws:s3:::in-a/input/rows.csv", "arn:aws:s3:::in-b/input/rows.csv"]);
    });

    it("a run-time Key is still scoped to the declared prefixes", () => {
      const doc = deriveStateMachinePolicy(runTimeBucket(getObject({ "Bucket.$": "$.bucket", "Key.$": "$.key" })), declared);
      assert.deepEqual(stmt(doc, "ReadItems")!.Resource, [
        "arn:aws:s3:::in-a/input/*",
        "arn:aws:s3:::in-a/other/*",
        "arn:aws:s3:::in-b/input/*",
      ]);
    });

    it("listObjectsV2 with Bucket.$ and a literal Prefix lists that prefix in each declared bucket", () => {
      const reader = { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { "Bucket.$": "$.bucket", Prefix: "logs/2026/" } };
      const doc = deriveStateMachinePolicy(runTimeBucket(reader), declared);
      // One statement: policyDocument merges grants of one Sid, action set and condition.
      assert.deepEqual(stmt(doc, "ListItems"), {
        Sid: "ListItems",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::in-a", "arn:aws:s3:::in-b"],
        Condition: { StringLike: { "s3:prefix": ["logs/2026/*"] } },
      });
    });

    it("a ResultWriter with Bucket.$ and a literal Prefix writes under that prefix in each declared bucket", () => {
      const doc = deriveStateMachinePolicy(runTimeBucket(getObject({ Bucket: "in-a", Key: "input/x.csv" }), "exports/run"), declared);
      assert.deepEqual(stmt(doc, "WriteResults")!.Resource, ["arn:aws:s3:::in-a/exports/run*", "arn:aws:s3:::in-b/exports/run*"]);
    });
  });

  it("logging on → the eight Logs delivery actions on * (AWS requires *); tracing on → four X-Ray actions on *", () => {
    const doc = deriveStateMachinePolicy(nested, { ...base, logging: true, tracing: true });
    assert.deepEqual(stmt(doc, "DeliverExecutionLogs")!.Action, [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]);
    assert.deepEqual(stmt(doc, "DeliverExecutionLogs")!.Resource, ["*"]);
    assert.deepEqual(stmt(doc, "WriteXRayTraces")!.Action, [
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]);
    assert.deepEqual(stmt(doc, "WriteXRayTraces")!.Resource, ["*"]);
  });

  it("KMS: decrypt (and generate-data-key when writing) on the bucket key, only via S3", () => {
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc`;
    const doc = deriveStateMachinePolicy(seedDistributed, {
      ...base,
      dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" },
      kms: { keyArn },
    });
    assert.deepEqual(stmt(doc, "UseBucketKeyThroughS3"), {
      Sid: "UseBucketKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [keyArn],
      Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
    });
    const readOnly = deriveStateMachinePolicy(staticReader, { ...base, kms: { keyArn } });
    assert.deepEqual(stmt(readOnly, "UseBucketKeyThroughS3")!.Action, ["kms:Decrypt"]);
    assert.equal(stmt(deriveStateMachinePolicy(nested, { ...base, kms: { keyArn } }), "UseBucketKeyThroughS3"), undefined, "no S3, no KMS");
  });

  it("no `*` action anywhere; `*` resources only in the Logs delivery and X-Ray statements", () => {
    for (const def of [seedDistributed, mapReduce, nested, staticReader]) {
      const doc = deriveStateMachinePolicy(def, {
        ...base,
        logging: true,
        tracing: true,
        kms: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" },
        dynamicS3: { bucket: "payload-bucket", prefix: "payloads/" },
      });
      for (const s of doc.Statement) {
        for (const a of s.Action) assert.ok(!a.includes("*"), `${s.Sid}: ${a}`);
        if (s.Resource.includes("*")) assert.ok(["DeliverExecutionLogs", "WriteXRayTraces"].includes(s.Sid), s.Sid);
      }
    }
  });

  describe("resources it cannot grant fail loudly, naming the resource and the state", () => {
    const cases: Array<[string, ReturnType<typeof withTask>, RegExp]> = [
      // Since the integration table (issue 13) these integrations are derived; what stays
      // underivable is a missing or run-time field nobody declared.
      [
        "an SQS integration with a run-time queue",
        withTask("arn:aws:states:::sqs:sendMessage", { Parameters: { "QueueUrl.$": "$.q" } }),
        /QueueUrl is chosen at run time .*dynamicResources\["sqs:queue"\].*\(at \/States\/T\/Parameters\/QueueUrl\)/,
      ],
      [
        "an AWS SDK integration without its Bucket",
        withTask("arn:aws:states:::aws-sdk:s3:getObject"),
        /Bucket is required \(at \/States\/T\/Parameters\/Bucket\)/,
      ],
      [
        "an AWS SDK call whose resources cannot be derived",
        withTask("arn:aws:states:::aws-sdk:ec2:describeInstances", { Parameters: {} }),
        /dynamicResources\["aws-sdk:ec2:describeInstances"\].*\(at \/States\/T\/Resource\)/,
      ],
      [
        "a nested startExecution without StateMachineArn",
        withTask("arn:aws:states:::states:startExecution.sync:2"),
        /StateMachineArn is required/,
      ],
      [
        "a service the table does not model",
        withTask("arn:aws:states:::ecs:runTask.sync"),
        /ecs:runTask.sync has no row in the service integration table.*\(at \/States\/T\/Resource\)/,
      ],
      ["an activity", withTask(`arn:aws:states:${REGION}:${ACCOUNT}:activity:a`), /activity:a/],
      [
        "a dynamic FunctionName",
        withTask("arn:aws:states:::lambda:invoke", { Parameters: { "FunctionName.$": "$.fn" } }),
        /FunctionName is chosen at run time/,
      ],
      [
        "a JSONata FunctionName",
        withTask("arn:aws:states:::lambda:invoke", { Arguments: { FunctionName: "{% $fn %}" } }),
        /FunctionName is chosen at run time/,
      ],
      ["a lambda:invoke without FunctionName", withTask("arn:aws:states:::lambda:invoke", { Parameters: {} }), /needs a FunctionName/],
      ["Task Credentials", withTask(fn("x"), { Credentials: { RoleArn: "arn:aws:iam::1:role/r" } }), /Credentials/],
    ];
    for (const [what, def, message] of cases) {
      it(what, () => assert.throws(() => deriveStateMachinePolicy(def, base), message));
    }

    it("an unknown ItemReader resource", () => {
      const def = structuredClone(staticReader);
      (def.States.Map as { ItemReader: { Resource: string } }).ItemReader.Resource = "arn:aws:states:::dynamodb:scan";
      assert.throws(
        () => deriveStateMachinePolicy(def, base),
        /ItemReader resource arn:aws:states:::dynamodb:scan has no known permissions \(at \/States\/Map\/ItemReader\/Resource\)/,
      );
    });

    it("a MANIFEST reader", () => {
      const def = structuredClone(staticReader);
      (def.States.Map as { ItemReader: { ReaderConfig: { InputType: string } } }).ItemReader.ReaderConfig.InputType = "MANIFEST";
      assert.throws(() => deriveStateMachinePolicy(def, base), /MANIFEST/);
    });
  });
});

describe("permissions: Lambda roles and trust policies", () => {
  const env = { region: REGION, accountId: ACCOUNT };

  it("a writer: its own log group, PutObject + AbortMultipartUpload under the payload prefix only", () => {
    const doc = deriveLambdaRolePolicy({
      ...env,
      functionName: "f",
      logGroupName: "/aws/lambda/f",
      s3: [{ bucket: "b", prefix: "payloads/", access: "write" }],
      tracing: false,
    });
    assert.deepEqual(doc.Statement, [
      {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/f:*`],
      },
      {
        Sid: "WritePayloads",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:PutObject"],
        Resource: ["arn:aws:s3:::b/payloads/*"],
      },
    ]);
  });

  it("no S3 grants → no S3 and no KMS statement, even with KMS on; tracing adds the two X-Ray actions", () => {
    const doc = deriveLambdaRolePolicy({
      ...env,
      functionName: "g",
      logGroupName: "/aws/lambda/g",
      s3: [],
      kms: { keyArn: "k" },
      tracing: true,
    });
    assert.deepEqual(sids(doc), ["WriteOwnLogGroup", "WriteXRayTraces"]);
    assert.deepEqual(stmt(doc, "WriteXRayTraces")!.Action, ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
  });

  it("state machine trust: states.amazonaws.com, only for this account's machine of this name", () => {
    const t = stateMachineTrustPolicy(env, "dev-seed");
    assert.equal(t.Statement[0]!.Principal.Service, "states.amazonaws.com");
    assert.deepEqual(t.Statement[0]!.Condition, {
      StringEquals: { "aws:SourceAccount": ACCOUNT },
      ArnLike: {
        "aws:SourceArn": [
          `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:dev-seed`,
          `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:dev-seed:*`,
          `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:dev-seed/*`,
        ],
      },
    });
    assert.equal(lambdaTrustPolicy().Statement[0]!.Principal.Service, "lambda.amazonaws.com");
  });
});
