/**
 * StepFunctionsWorkflow as a user's program uses it: any builder machine, the user's own functions
 * and buckets, several workflows in one stack, and the errors a broken program gets before any
 * resource is registered.
 */
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  distributedMap,
  dynamoPutItem,
  lambda,
  machine,
  path,
  pass,
  s3JsonReader,
  s3ResultWriter,
  task,
  StateBuilder,
  type NextableState,
  type RenderContext,
} from "../../asl/builders";
import { InvalidDefinitionError } from "../../asl/diagnostics";
import { PermissionDerivationError, type PolicyDocument } from "../../asl/permissions";
import type { State } from "../../asl/types";
import { buildWith, SecureBucket, StepFunctionsWorkflow, WorkflowFunctionsError } from "../../infra";
import { DuplicatePhysicalNameError } from "../../infra/physical-names";
import { deployStack, readStackConfig } from "../../stack/program";
import { storeAndApproveWorkflow } from "../../workflows/store-and-approve";
import { devStackConfig, installMocks, isKnown, MOCK_ACCOUNT, MOCK_REGION, type Recorder } from "./mocks";
import { devStackViaIndex } from "./stacks";

const handler = async (event: unknown) => event;
const capture = lambda("Capture", handler);
const processItem = lambda("ProcessItem", handler);
const notify = lambda("Notify", handler);

/** A Distributed Map over a JSON object whose bucket and key come from the previous step. */
function fanOut(resultsBucket: string) {
  return machine(
    task("Capture", capture).next(
      distributedMap("Fan", {
        reader: s3JsonReader({ bucket: path("$.bucket"), key: path("$.key") }),
        resultWriter: s3ResultWriter({ bucket: resultsBucket, prefix: "results/" }),
        maxConcurrency: 100,
        processor: task("ProcessItem", processItem),
      }),
    ),
    { type: "STANDARD" },
  );
}

/** A state the builders cannot make: a user's own StateBuilder whose Next names no state. */
class DanglingState extends StateBuilder {
  readonly type = "Pass" as const;
  override get endStates(): ReadonlyArray<NextableState> {
    return [];
  }
  override render(_ctx: RenderContext): State {
    return { Type: "Pass", Next: "Nowhere" };
  }
}

async function settle(outputs: ReadonlyArray<pulumi.Output<unknown>>): Promise<void> {
  await Promise.all(outputs.map((o) => (o as unknown as { isKnown: Promise<boolean> }).isKnown));
  await new Promise((r) => setTimeout(r, 50));
}

const arnOf = (fn: string) => `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${fn}`;

describe("infra: StepFunctionsWorkflow (the component a user deploys)", function () {
  this.timeout(60_000);
  let recorder: Recorder;
  let warnings: string[];
  const originalWarn = pulumi.log.warn;

  before(async () => {
    await devStackViaIndex(); // index.ts runs once per process, first
  });
  beforeEach(() => {
    recorder = installMocks(true);
    warnings = [];
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (msg: string) => {
      warnings.push(msg);
    };
  });
  afterEach(() => {
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = originalWarn;
  });

  it("two workflows in one stack with the user's own functions and bucket: definitions and policies known at the first preview, each role scoped to its own machine", async () => {
    const bucket = new SecureBucket("data");
    const fns = Object.fromEntries(
      ["capture", "process", "notify"].map((n) => [
        n,
        new aws.lambda.Function(n, {
          name: `team-${n}`,
          role: "arn:aws:iam::123456789012:role/x",
          runtime: "nodejs22.x",
          handler: "index.handler",
          code: new pulumi.asset.AssetArchive({}),
        }),
      ]),
    );
    const first = new StepFunctionsWorkflow("ingest", {
      machine: bucket.bucketName.apply((b) => fanOut(b)),
      functions: { Capture: fns.capture!, ProcessItem: fns.process! },
      s3: { dynamic: [{ bucket: bucket.bucketName, prefix: "payloads/" }] },
    });
    const second = new StepFunctionsWorkflow("notify", {
      machine: machine(task("Notify", notify).next(pass("Done")), { type: "EXPRESS" }),
      functions: { Notify: fns.notify! },
      logging: false,
    });
    await settle([first.definition, first.policy, second.definition, first.arn, second.arn]);

    const ingest = recorder.one("aws:sfn/stateMachine:StateMachine", "ingest").inputs;
    const def = JSON.parse(ingest.definition);
    assert.equal(def.States.Capture.Resource, arnOf("team-capture"));
    assert.equal(def.States.Fan.ItemProcessor.States.ProcessItem.Resource, arnOf("team-process"));
    assert.equal(def.States.Fan.ResultWriter.Parameters.Bucket, "data-a1b2c3d");
    assert.equal(ingest.name, "sfn-distributed-map-dev-ingest");
    assert.equal(ingest.type, "STANDARD");
    assert.equal(recorder.one("aws:sfn/stateMachine:StateMachine", "notify").inputs.type, "EXPRESS");

    const policy = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "ingest-sfn-policy").inputs.policy) as PolicyDocument;
    const byId = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s.Resource]));
    assert.deepEqual(
      byId.InvokeWorkflowFunctions,
      [arnOf("team-capture"), `${arnOf("team-capture")}:*`, arnOf("team-process"), `${arnOf("team-process")}:*`].sort(),
    );
    assert.deepEqual(byId.ReadItems, ["arn:aws:s3:::data-a1b2c3d/payloads/*"], "the declared location, exactly");
    assert.deepEqual(byId.WriteResults, ["arn:aws:s3:::data-a1b2c3d/results/*"]);
    const other = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "notify-sfn-policy").inputs.policy) as PolicyDocument;
    assert.deepEqual(
      other.Statement.map((s) => s.Sid),
      ["InvokeWorkflowFunctions"],
    );
    assert.equal(
      recorder
        .ofType("aws:cloudwatch/logGroup:LogGroup")
        .map((g) => g.name)
        .join(),
      "ingest-sfn-logs",
    );
    assert.deepEqual(recorder.one("aws:sfn/stateMachine:StateMachine", "notify").inputs.loggingConfiguration, { level: "OFF" });
    for (const r of recorder.ofType("aws:iam/rolePolicy:RolePolicy")) assert.ok(isKnown(r.inputs.policy), r.name);
    assert.deepEqual(warnings, []);
  });

  it("children are parented to the component; outputs are registered (definition, policy, arn, role, stateMachine)", async () => {
    const wf = new StepFunctionsWorkflow("solo", { machine: machine(task("Notify", notify)), functions: { Notify: "existing-notify" } });
    await settle([wf.definition, wf.policy]);
    assert.equal(
      JSON.parse(await new Promise<string>((r) => wf.definition.apply((d) => r(d)))).States.Notify.Resource,
      arnOf("existing-notify"),
    );
    assert.ok(wf.stateMachine instanceof aws.sfn.StateMachine && wf.role instanceof aws.iam.Role);
    assert.equal(wf.stateMachineName, "sfn-distributed-map-dev-solo");
    assert.deepEqual(recorder.resources.map((r) => `${r.type} ${r.name}`).sort(), [
      "aws:cloudwatch/logGroup:LogGroup solo-sfn-logs",
      "aws:iam/role:Role solo-sfn-role",
      "aws:iam/rolePolicy:RolePolicy solo-sfn-policy",
      "aws:sfn/stateMachine:StateMachine solo",
      "sfn-distributed-map:index:StepFunctionsWorkflow solo",
    ]);
  });

  it("two components given the same stateMachineName: an error at preview naming both; the second registers nothing", () => {
    new StepFunctionsWorkflow("orders", {
      machine: machine(task("Notify", notify)),
      functions: { Notify: "n" },
      stateMachineName: "shared-name",
    });
    const before = recorder.resources.length;
    assert.throws(
      () =>
        new StepFunctionsWorkflow("invoices", {
          machine: machine(task("Notify", notify)),
          functions: { Notify: "n" },
          stateMachineName: "shared-name",
        }),
      (e: unknown) =>
        e instanceof DuplicatePhysicalNameError &&
        /state machine name "shared-name" is used by two components, "orders" and "invoices"/.test(e.message),
    );
    assert.equal(recorder.resources.length, before);
  });

  it("the fixed-name state machine and log group are replaced delete-first (create-first would collide on the name)", async () => {
    const seen: Record<string, boolean | undefined> = {};
    const wf = new StepFunctionsWorkflow(
      "replaced",
      { machine: machine(task("Notify", notify)), functions: { Notify: "n" } },
      { transformations: [(a) => ((seen[a.type] = (a.opts as pulumi.CustomResourceOptions).deleteBeforeReplace), undefined)] },
    );
    await settle([wf.definition]);
    assert.equal(seen["aws:sfn/stateMachine:StateMachine"], true);
    assert.equal(seen["aws:cloudwatch/logGroup:LogGroup"], true);
    assert.equal(seen["aws:iam/role:Role"], undefined, "the role is autonamed: create-first is fine");
  });

  it("a function given as a full ARN is used as is (another account or region)", async () => {
    const foreign = "arn:aws:lambda:eu-west-1:999988887777:function:shared-notify";
    const wf = new StepFunctionsWorkflow("cross", { machine: machine(task("Notify", notify)), functions: { Notify: foreign } });
    await settle([wf.definition]);
    assert.equal(JSON.parse(recorder.one("aws:sfn/stateMachine:StateMachine", "cross").inputs.definition).States.Notify.Resource, foreign);
  });

  it("a Lambda reference without a function is an error naming the state and the reference; nothing is registered", () => {
    assert.throws(
      () =>
        new StepFunctionsWorkflow("broken", {
          machine: fanOut("results-bucket"),
          functions: { Capture: "cap" },
          s3: { dynamic: [{ bucket: "b" }] },
        }),
      (e: unknown) =>
        e instanceof WorkflowFunctionsError &&
        /reference "ProcessItem" used by state "ProcessItem" \(\/States\/Fan\/ItemProcessor\/States\/ProcessItem\)/.test(e.message) &&
        /functions given: Capture/.test(e.message),
    );
    assert.equal(recorder.resources.length, 0);
  });

  it("a function no state uses is a warning (and gets no grant)", async () => {
    const wf = new StepFunctionsWorkflow("extra", { machine: machine(task("Notify", notify)), functions: { Notify: "n", Forgotten: "f" } });
    await settle([wf.policy]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /function "Forgotten" is given but no state of the machine invokes it/);
    assert.ok(!recorder.one("aws:iam/rolePolicy:RolePolicy", "extra-sfn-policy").inputs.policy.includes("function:f"));
  });

  it("a missing transition target fails the program with the validator's diagnostic (code, state path, message); nothing is registered", () => {
    assert.throws(
      () => new StepFunctionsWorkflow("dangling", { machine: machine(new DanglingState("Start")), functions: {} }),
      (e: unknown) =>
        e instanceof InvalidDefinitionError &&
        e.diagnostics.some((d) => d.code === "MISSING_TRANSITION_TARGET" && d.location === "/States/Start/Next" && d.severity === "ERROR"),
    );
    assert.equal(recorder.resources.length, 0);
  });

  it("a path written without `.$` in an S3 location (a warning elsewhere) is an error: the policy would grant arn:aws:s3:::$.bucket; nothing is registered", () => {
    const literal = machine(
      distributedMap("Fan", {
        reader: s3JsonReader({ bucket: "$.bucket", key: "$.key" }),
        processor: task("ProcessItem", processItem),
      }),
    );
    assert.throws(
      () => new StepFunctionsWorkflow("literal", { machine: literal, functions: { ProcessItem: "p" } }),
      (e: unknown) =>
        e instanceof InvalidDefinitionError &&
        e.diagnostics.some(
          (d) => d.code === "NO_DOLLAR" && d.severity === "ERROR" && d.location === "/States/Fan/ItemReader/Parameters/Bucket",
        ),
    );
    assert.equal(recorder.resources.length, 0);
  });

  it("a path-addressed bucket must be declared: without `s3.dynamic` the program fails naming the field; nothing is registered", () => {
    assert.throws(
      () => new StepFunctionsWorkflow("undeclared", { machine: fanOut("results-bucket"), functions: { Capture: "c", ProcessItem: "p" } }),
      (e: unknown) =>
        e instanceof PermissionDerivationError &&
        /ItemReader\/Parameters\/Bucket\.\$/.test(e.message) &&
        /declare the buckets/.test(e.message),
    );
    assert.equal(recorder.resources.length, 0);
  });

  it("buildWith: a machine built from an Output (the bucket's name) is checked with a placeholder before anything is registered", () => {
    const bucketName = pulumi.output("late-bucket");
    assert.throws(
      () =>
        new StepFunctionsWorkflow("deferred-broken", {
          machine: buildWith({ bucket: bucketName }, ({ bucket }) => fanOut(bucket)),
          functions: { Capture: "c" },
          s3: { dynamic: [{ bucket: bucketName, prefix: "in/" }] },
        }),
      (e: unknown) => e instanceof WorkflowFunctionsError && /reference "ProcessItem"/.test(e.message),
    );
    assert.throws(
      () =>
        new StepFunctionsWorkflow("deferred-undeclared", {
          machine: buildWith({ bucket: bucketName }, ({ bucket }) => fanOut(bucket)),
          functions: { Capture: "c", ProcessItem: "p" },
        }),
      PermissionDerivationError,
    );
    assert.equal(recorder.resources.length, 0);
  });

  it("buildWith: the real values reach the definition, and an Output bucket declared for `$.bucket` scopes the grant", async () => {
    const bucketName = pulumi.output("late-bucket");
    const wf = new StepFunctionsWorkflow("deferred", {
      machine: buildWith({ bucket: bucketName }, ({ bucket }) => fanOut(bucket)),
      functions: { Capture: "c", ProcessItem: "p" },
      s3: { dynamic: [{ bucket: bucketName, prefix: "in/" }] },
    });
    await settle([wf.definition, wf.policy]);
    assert.equal(
      JSON.parse(recorder.one("aws:sfn/stateMachine:StateMachine", "deferred").inputs.definition).States.Fan.ResultWriter.Parameters.Bucket,
      "late-bucket",
    );
    const doc = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "deferred-sfn-policy").inputs.policy) as PolicyDocument;
    assert.deepEqual(doc.Statement.find((st) => st.Sid === "ReadItems")!.Resource, ["arn:aws:s3:::late-bucket/in/*"]);
  });

  it("a plain Output machine is checked once it resolves, and the error is logged on the component (not lost in an apply)", async () => {
    const errors: string[] = [];
    const originalError = pulumi.log.error;
    (pulumi.log as { error: typeof pulumi.log.error }).error = async (msg: string) => {
      errors.push(msg);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const wf = new StepFunctionsWorkflow("late", {
        machine: pulumi.output("b").apply((b) => fanOut(b)),
        functions: { Capture: "c" },
        s3: { dynamic: [{ bucket: "b" }] },
      });
      await Promise.race([
        (wf.definition as unknown as { isKnown: Promise<boolean> }).isKnown.catch(() => false),
        new Promise((r) => setTimeout(r, 500)),
      ]);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      (pulumi.log as { error: typeof pulumi.log.error }).error = originalError;
      process.off("unhandledRejection", onUnhandled);
    }
    assert.ok(
      errors.some((m) => /reference "ProcessItem" used by state "ProcessItem"/.test(m)),
      JSON.stringify(errors),
    );
  });

  it("service integrations deploy too: the store-and-approve workflow (DynamoDB putItem in the children, nested .sync:2, SQS task token) with its derived role", async () => {
    const scoreRef = lambda("Score", async (item: { id: string }) => ({ id: item.id, score: 1 }));
    const wf = new StepFunctionsWorkflow("store", {
      machine: storeAndApproveWorkflow(scoreRef, {
        table: "Scores",
        reportStateMachineArn: `arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT}:stateMachine:report`,
        approvalQueueUrl: `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT}/approvals`,
      }),
      functions: { Score: "scorer" },
      s3: { dynamic: [{ bucket: "inputs-bucket", prefix: "in/" }] },
    });
    await settle([wf.definition, wf.policy]);
    const doc = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "store-sfn-policy").inputs.policy) as PolicyDocument;
    const by = Object.fromEntries(doc.Statement.map((st) => [st.Sid, st]));
    assert.deepEqual(by.DynamoDbItems!.Resource, [`arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT}:table/Scores`]);
    assert.deepEqual(by.SendToQueues!.Resource, [`arn:aws:sqs:${MOCK_REGION}:${MOCK_ACCOUNT}:approvals`]);
    assert.deepEqual(by.StartNestedExecutions!.Resource, [`arn:aws:states:${MOCK_REGION}:${MOCK_ACCOUNT}:stateMachine:report`]);
    assert.ok(by.NestedExecutionEventsRule);
    for (const st of doc.Statement)
      if (st.Resource.includes("*"))
        assert.ok(["DeliverExecutionLogs", "NestedExecutionEventsRule"].includes(st.Sid) || st.Sid.startsWith("WatchNested"), st.Sid);
  });

  it("a path-addressed integration resource must be declared in `resources`; the grant names exactly those", async () => {
    const put = () => machine(dynamoPutItem("Put", { TableName: path("$.table"), Item: { id: { S: path("$.id") } } }));
    assert.throws(() => new StepFunctionsWorkflow("undeclared-table", { machine: put(), functions: {} }), /TableName/);
    assert.equal(recorder.resources.length, 0);
    const wf = new StepFunctionsWorkflow("declared-table", {
      machine: put(),
      functions: {},
      resources: { "dynamodb:table": ["Orders", "Archive"] },
    });
    await settle([wf.policy]);
    const doc = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "declared-table-sfn-policy").inputs.policy) as PolicyDocument;
    assert.deepEqual(doc.Statement.find((st) => st.Sid === "DynamoDbItems")!.Resource, [
      `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT}:table/Archive`,
      `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT}:table/Orders`,
    ]);
  });

  it("several declared locations: the grant names exactly those", async () => {
    const wf = new StepFunctionsWorkflow("two-buckets", {
      machine: fanOut("results-bucket"),
      functions: { Capture: "c", ProcessItem: "p" },
      s3: { dynamic: [{ bucket: "inbox-a", prefix: "in/" }, { bucket: "inbox-b" }] },
    });
    await settle([wf.policy]);
    const doc = JSON.parse(recorder.one("aws:iam/rolePolicy:RolePolicy", "two-buckets-sfn-policy").inputs.policy) as PolicyDocument;
    assert.deepEqual(doc.Statement.find((s) => s.Sid === "ReadItems")!.Resource, ["arn:aws:s3:::inbox-a/in/*", "arn:aws:s3:::inbox-b/*"]);
  });
});

describe("infra: this repo's program checks every catalog workflow before any resource", function () {
  this.timeout(60_000);
  before(async () => {
    await devStackViaIndex();
  });

  it("a broken catalog workflow fails deployStack with its diagnostics, and not one resource (bucket, Lambda) is registered", async () => {
    const recorder = installMocks(true);
    pulumi.runtime.setAllConfig(devStackConfig());
    const broken = {
      name: "broken",
      description: "a dangling Next",
      build: () => machine(new DanglingState("Start")),
      dynamicS3: () => undefined,
    };
    assert.throws(
      () => deployStack(readStackConfig(), [broken]),
      (e: unknown) => e instanceof InvalidDefinitionError && /MISSING_TRANSITION_TARGET at \/States\/Start\/Next/.test(e.message),
    );
    assert.equal(recorder.resources.length, 0);
  });
});
