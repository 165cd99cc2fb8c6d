/** Per integration: the builder's rendered ASL, the validator's verdict on wrong patterns, the derived IAM. */
import { strict as assert } from "node:assert";
import {
  awsSdk,
  dynamoPutItem,
  eventBridgePutEvents,
  jsonata,
  machine,
  path,
  snsPublish,
  sqsSendMessage,
  startExecution,
  glueStartJobRun,
} from "../../asl/builders";
import { BuilderError } from "../../asl/builders/errors";
import { INTEGRATIONS, OPTIMIZED_WITHOUT_ROW } from "../../asl/integrations";
import { deriveStateMachinePolicy, type StateMachinePolicyContext } from "../../asl/permissions";
import { RUNNERS } from "../../engine/integrations/runners";
import { validateDefinition } from "../../asl/validator";
import type { StateMachineDefinition } from "../../asl/types";
import { iamCatalogFor } from "../../engine/iam/actions";
import { buildStateGraph } from "../../asl/graph/model";
import { estimateBill, nestedUsage } from "../../tools/pricing";

const one = (state: Record<string, unknown>): StateMachineDefinition =>
  ({ StartAt: "T", States: { T: { Type: "Task", End: true, ...state } } }) as unknown as StateMachineDefinition;
const base: StateMachinePolicyContext = {
  region: "eu-west-1",
  accountId: "111122223333",
  stateMachineName: "m",
  logging: false,
  tracing: false,
};
const statementsOf = (def: StateMachineDefinition, ctx: Partial<StateMachinePolicyContext> = {}) =>
  deriveStateMachinePolicy(def, { ...base, ...ctx }).Statement.map(({ Action, Resource }) => ({ Action, Resource }));
const errorsOf = (def: unknown) => validateDefinition(def).diagnostics.filter((d) => d.severity === "ERROR");

describe("integrations: builders render the table's resources and parameters", () => {
  it("dynamoPutItem: JSONPath Parameters with .$ fields; JSONata Arguments with {% %}", () => {
    const jp = machine(dynamoPutItem("Store", { TableName: "Results", Item: { id: { S: path("$.id") } } })).renderLocal();
    assert.deepEqual(jp.States.Store, {
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:putItem",
      Parameters: { TableName: "Results", Item: { id: { "S.$": "$.id" } } },
      End: true,
    });
    const ja = machine(dynamoPutItem("Store", { TableName: "Results", Item: { id: { S: jsonata("$states.input.id") } } }), {
      queryLanguage: "JSONata",
    }).renderLocal();
    assert.deepEqual((ja.States.Store as { Arguments: unknown }).Arguments, {
      TableName: "Results",
      Item: { id: { S: "{% $states.input.id %}" } },
    });
  });

  it("sqsSendMessage .waitForTaskToken passes $$.Task.Token; snsPublish; eventBridgePutEvents", () => {
    const def = machine(
      sqsSendMessage(
        "Ask",
        { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/q", MessageBody: { token: path("$$.Task.Token") } },
        { pattern: "waitForTaskToken", heartbeatSeconds: 60 },
      )
        .next(snsPublish("Tell", { TopicArn: "arn:aws:sns:eu-west-1:111122223333:t", Message: path("$") }))
        .next(eventBridgePutEvents("Emit", [{ Source: "app", DetailType: "Done", Detail: { ok: true } }])),
    ).renderLocal();
    assert.equal((def.States.Ask as { Resource: string }).Resource, "arn:aws:states:::sqs:sendMessage.waitForTaskToken");
    assert.deepEqual((def.States.Ask as { Parameters: unknown }).Parameters, {
      QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/q",
      MessageBody: { "token.$": "$$.Task.Token" },
    });
    assert.equal((def.States.Tell as { Resource: string }).Resource, "arn:aws:states:::sns:publish");
    assert.deepEqual((def.States.Emit as { Parameters: unknown }).Parameters, {
      Entries: [{ Source: "app", DetailType: "Done", Detail: { ok: true } }],
    });
  });

  it("startExecution .sync:2 and awsSdk render their ARNs; an unsupported pattern is refused when building", () => {
    const def = machine(
      startExecution(
        "Nested",
        { StateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:child", Input: path("$") },
        { pattern: "sync:2" },
      ).next(awsSdk("List", "s3:listObjectsV2", { Bucket: "b" })),
    ).renderLocal();
    assert.equal((def.States.Nested as { Resource: string }).Resource, "arn:aws:states:::states:startExecution.sync:2");
    assert.equal((def.States.List as { Resource: string }).Resource, "arn:aws:states:::aws-sdk:s3:listObjectsV2");
    assert.throws(() => awsSdk("X", "s3:GetObject"), /camelCase/);
    assert.throws(
      () => sqsSendMessage("X", { QueueUrl: "q", MessageBody: "m" }, { pattern: "sync" as "waitForTaskToken" }),
      /not a supported integration/,
    );
  });
});

describe("integrations: the validator reads the table (INVALID_RESOURCE)", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "dynamodb:query is SDK-only",
      "arn:aws:states:::dynamodb:query",
      /use the AWS SDK integration arn:aws:states:::aws-sdk:dynamodb:query/,
    ],
    [
      "dynamodb:putItem has no .sync",
      "arn:aws:states:::dynamodb:putItem.sync",
      /does not support the sync pattern; supported: arn:aws:states:::dynamodb:putItem$/,
    ],
    [
      "sqs:sendMessage has no .sync:2",
      "arn:aws:states:::sqs:sendMessage.sync:2",
      /supported: arn:aws:states:::sqs:sendMessage, arn:aws:states:::sqs:sendMessage.waitForTaskToken/,
    ],
    [
      "states:describeExecution is not optimized",
      "arn:aws:states:::states:describeExecution",
      /those of states: .*startExecution.sync:2.*use the AWS SDK integration arn:aws:states:::aws-sdk:sfn:describeExecution/,
    ],
    // AWS refuses it at CreateStateMachine: LocalStack's AWS-run test of this very definition is skipped
    // off AWS for lack of "Invalid State Machine Definition errors" (localstack/localstack,
    // tests/aws/services/stepfunctions/v2/services/test_lambda_task_service.py::test_list_functions,
    // template lambda_list_functions.json5).
    [
      "lambda:listFunctions is an SDK call, not an optimized integration",
      "arn:aws:states:::lambda:listFunctions",
      /use the AWS SDK integration arn:aws:states:::aws-sdk:lambda:listFunctions/,
    ],
    [
      "a misspelt pattern (.sync:3)",
      "arn:aws:states:::states:startExecution.sync:3",
      /'.sync:3' is not an integration pattern.*did you mean arn:aws:states:::states:startExecution.sync(:2)?\?/,
    ],
    [
      "a misspelt pattern (.waitForTaskTokens)",
      "arn:aws:states:::sqs:sendMessage.waitForTaskTokens",
      /did you mean arn:aws:states:::sqs:sendMessage.waitForTaskToken\?/,
    ],
    [
      "an unknown optimized service",
      "arn:aws:states:::dynamodbb:putItem",
      /not an optimized integration; did you mean arn:aws:states:::dynamodb:putItem\?/,
    ],
    ["an unknown optimized action", "arn:aws:states:::ecs:runTasks.sync", /those of ecs: .*ecs:runTask.sync/],
    [
      "an SDK service name that does not exist",
      "arn:aws:states:::aws-sdk:redshift-data:executeStatement",
      /not an AWS SDK service.*did you mean arn:aws:states:::aws-sdk:redshiftdata:executeStatement\?/,
    ],
    ["an SDK action AWS lists as unsupported", "arn:aws:states:::aws-sdk:s3:selectObjectContent", /unsupported|do not support/],
    ["aws-sdk has no .sync", "arn:aws:states:::aws-sdk:s3:getObject.sync", /AWS SDK integrations support/],
    ["an SDK action is camelCase", "arn:aws:states:::aws-sdk:s3:GetObject", /camelCase/],
  ];
  for (const [what, resource, message] of cases) {
    it(what, () => {
      const errors = errorsOf(one({ Resource: resource }));
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0]!.code, "INVALID_RESOURCE");
      assert.equal(errors[0]!.location, "/States/T/Resource");
      assert.match(errors[0]!.message, message);
    });
  }

  it("every supported pair is accepted", () => {
    for (const r of [
      "arn:aws:states:::dynamodb:getItem",
      "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "arn:aws:states:::states:startExecution.sync",
      "arn:aws:states:::events:putEvents",
      "arn:aws:states:::aws-sdk:dynamodb:query",
    ]) {
      assert.deepEqual(errorsOf(one({ Resource: r })), [], r);
    }
  });

  it("an SDK service the SDK models have but AWS's stored list does not name is a WARNING (AWS may not integrate it), not an error", async () => {
    const def = one({ Resource: "arn:aws:states:::aws-sdk:apigatewaymanagementapi:postToConnection" });
    const d = validateDefinition(def, { iamActions: await iamCatalogFor(def) }).diagnostics;
    assert.deepEqual(
      d.map((x) => [x.code, x.severity]),
      [["INVALID_RESOURCE", "WARNING"]],
    );
    assert.match(d[0]!.message, /not on AWS's list of supported AWS SDK service integrations/);
  });

  it("an unmodelled optimized service is a WARNING, not an error", () => {
    const d = validateDefinition(one({ Resource: "arn:aws:states:::ecs:runTask.sync" })).diagnostics;
    assert.deepEqual(
      d.map((x) => [x.code, x.severity]),
      [["INVALID_RESOURCE", "WARNING"]],
    );
  });

  it("with the SDK's operations: a misspelt SDK action or service is an error naming the closest; SDK names that are not IAM prefixes validate", async () => {
    const check = async (r: string) =>
      validateDefinition(one({ Resource: r }), { iamActions: await iamCatalogFor(one({ Resource: r })) }).diagnostics.filter(
        (d) => d.severity === "ERROR",
      );
    assert.match(
      (await check("arn:aws:states:::aws-sdk:s3:getObjekt"))[0]!.message,
      /not an API action of s3.*did you mean arn:aws:states:::aws-sdk:s3:getObject\?/,
    );
    assert.match((await check("arn:aws:states:::aws-sdk:nosuchservice:doIt"))[0]!.message, /not an AWS SDK service/);
    // The AWS-valid definitions: names that are not IAM prefixes, and operations IAM authorizes by other actions.
    for (const ok of [
      "redshiftdata:executeStatement",
      "emrserverless:startJobRun",
      "sfn:startExecution",
      "cloudwatchlogs:putLogEvents",
      "mwaa:createCliToken",
      "mediapackagevod:listAssets",
      "elasticloadbalancingv2:describeLoadBalancers",
      "dynamodb:transactWriteItems",
      "s3:listBuckets",
      "s3:headObject",
      "bedrockagent:listAgents",
    ]) {
      assert.deepEqual(await check(`arn:aws:states:::aws-sdk:${ok}`), [], ok);
    }
    assert.deepEqual(await check("arn:aws:states:::aws-sdk:s3:listObjectsV2"), []);
    assert.deepEqual(await check("arn:aws:states:::aws-sdk:sfn:describeExecution"), []);
    assert.deepEqual(await check("arn:aws:states:::aws-sdk:ec2:describeInstances"), []);
  });
});

describe("integrations: IAM derived per row (least privilege)", () => {
  const arn = (svc: string, rest: string) => `arn:aws:${svc}:eu-west-1:111122223333:${rest}`;

  it("DynamoDB: the action on the table named by TableName", () => {
    assert.deepEqual(statementsOf(one({ Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "Results", Item: {} } })), [
      { Action: ["dynamodb:PutItem"], Resource: [arn("dynamodb", "table/Results")] },
    ]);
  });

  it("a path-addressed TableName needs declared tables; with them, exactly those", () => {
    const def = one({ Resource: "arn:aws:states:::dynamodb:getItem", Parameters: { "TableName.$": "$.table", Key: {} } });
    assert.throws(() => statementsOf(def), /dynamicResources\["dynamodb:table"\].*\(at \/States\/T\/Parameters\/TableName\)/);
    assert.deepEqual(statementsOf(def, { dynamicResources: { "dynamodb:table": ["A", "B"] } }), [
      { Action: ["dynamodb:GetItem"], Resource: [arn("dynamodb", "table/A"), arn("dynamodb", "table/B")] },
    ]);
  });

  it("Arguments as one JSONata expression: every field is run-time, so the declared resources apply", () => {
    const def = one({ Resource: "arn:aws:states:::sqs:sendMessage", Arguments: "{% $states.input.request %}" });
    assert.throws(() => statementsOf(def), /QueueUrl is chosen at run time/);
    assert.deepEqual(statementsOf(def, { dynamicResources: { "sqs:queue": ["work"] } }), [
      { Action: ["sqs:SendMessage"], Resource: [arn("sqs", "work")] },
    ]);
  });

  it("SQS: the queue ARN from QueueUrl; SNS: the topic; EventBridge: each named bus, `default` when none", () => {
    assert.deepEqual(
      statementsOf(
        one({
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/work", MessageBody: "x" },
        }),
      ),
      [{ Action: ["sqs:SendMessage"], Resource: [arn("sqs", "work")] }],
    );
    assert.deepEqual(
      statementsOf(one({ Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: arn("sns", "done"), Message: "x" } })),
      [{ Action: ["sns:Publish"], Resource: [arn("sns", "done")] }],
    );
    assert.deepEqual(
      statementsOf(
        one({
          Resource: "arn:aws:states:::events:putEvents",
          Parameters: { Entries: [{ Detail: {} }, { EventBusName: "orders", Detail: {} }] },
        }),
      ),
      [{ Action: ["events:PutEvents"], Resource: [arn("events", "event-bus/default"), arn("events", "event-bus/orders")] }],
    );
  });

  it("startExecution: StartExecution; .sync/.sync:2 add Describe/Stop on its executions and the managed events rule", () => {
    const sm = arn("states", "stateMachine:child");
    assert.deepEqual(statementsOf(one({ Resource: "arn:aws:states:::states:startExecution", Parameters: { StateMachineArn: sm } })), [
      { Action: ["states:StartExecution"], Resource: [sm] },
    ]);
    assert.deepEqual(
      statementsOf(one({ Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: sm } })),
      [
        { Action: ["states:StartExecution"], Resource: [sm] },
        { Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [arn("states", "execution:child:*")] },
        {
          Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
          Resource: [arn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")],
        },
      ],
    );
  });

  it("aws-sdk: S3 object and bucket ARNs (listObjectsV2 → s3:ListBucket), DynamoDB query on the table and its index, anything else only as declared", () => {
    assert.deepEqual(statementsOf(one({ Resource: "arn:aws:states:::aws-sdk:s3:getObject", Parameters: { Bucket: "b", Key: "k.json" } })), [
      { Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/k.json"] },
    ]);
    assert.deepEqual(statementsOf(one({ Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2", Parameters: { Bucket: "b" } })), [
      { Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::b"] },
    ]);
    assert.deepEqual(
      statementsOf(one({ Resource: "arn:aws:states:::aws-sdk:s3:putObject", Parameters: { Bucket: "b", "Key.$": "$.k", Body: "x" } }), {
        dynamicS3: { bucket: "b", prefix: "out/" },
      }),
      [{ Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::b/out/*"] }],
    );
    assert.deepEqual(
      statementsOf(one({ Resource: "arn:aws:states:::aws-sdk:dynamodb:query", Parameters: { TableName: "T", IndexName: "byDate" } })),
      [{ Action: ["dynamodb:Query"], Resource: [arn("dynamodb", "table/T"), arn("dynamodb", "table/T/index/byDate")] }],
    );
    assert.deepEqual(
      statementsOf(one({ Resource: "arn:aws:states:::aws-sdk:ec2:describeInstances" }), {
        dynamicResources: { "aws-sdk:ec2:describeInstances": ["*"] },
      }),
      [{ Action: ["ec2:DescribeInstances"], Resource: ["*"] }],
    );
  });
});

describe("integrations: the graph and the bill read them too", () => {
  it("graph: a Task node shows the row's label and the static target", () => {
    const def = {
      StartAt: "Put",
      States: {
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: { TableName: "Results", Item: {} },
          Next: "Nested",
        },
        Nested: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: "arn:aws:states:eu-west-1:111122223333:stateMachine:child" },
          Next: "Sdk",
        },
        Sdk: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2", Parameters: { Bucket: "b" }, End: true },
      },
    } as unknown as StateMachineDefinition;
    const details = buildStateGraph(def)
      .root.nodes.filter((n) => n.kind === "state")
      .map((n) => n.detail);
    assert.deepEqual(details, ["DynamoDB PutItem: Results", "StartExecution (sync:2): child", "s3:listObjectsV2: b"]);
  });

  it("bill: nested executions are billed by type (STANDARD transitions)", () => {
    const bill = estimateBill({
      parent: { type: "STANDARD", executions: 1, stateTransitions: 4, billedDurationMs: 0 },
      nested: nestedUsage([
        { type: "STANDARD", stateTransitions: 6, durationMs: 10 },
        { type: "STANDARD", stateTransitions: 3, durationMs: 10 },
      ]),
      lambdas: [],
    });
    const nested = bill.lines.find((l) => l.item.startsWith("nested"));
    assert.equal(nested?.quantity, 9);
  });
});

describe("integrations: one module per integration (asl/integrations/define.ts), one runner per module (engine)", () => {
  it("every module names its AWS page and patterns; no optimized integration is both a module and OPTIMIZED_WITHOUT_ROW", () => {
    const ids = INTEGRATIONS.map((i) => i.id);
    assert.equal(new Set(ids).size, ids.length, "one module per id");
    for (const i of INTEGRATIONS) {
      assert.match(i.docs, /^https:\/\/docs\.aws\.amazon\.com\//, i.id);
      assert.ok(i.patterns.length > 0, i.id);
    }
    const both = ids.filter((id) => {
      const [service, action] = id.split(":") as [string, string];
      return OPTIMIZED_WITHOUT_ROW[service]?.actions[action] !== undefined;
    });
    assert.deepEqual(both, []);
  });

  it("every module has its local runner, keyed by id (a missing one is also a compile error: RUNNERS satisfies the IntegrationId record)", () => {
    assert.deepEqual(Object.keys(RUNNERS).sort(), INTEGRATIONS.map((i) => i.id).sort());
  });

  it("a builder checks its values with its module's parameter schema (the schema its parameter type is inferred from)", () => {
    assert.throws(
      () => sqsSendMessage("Send", { QueueUrl: 5 as unknown as string, MessageBody: "m" }),
      (e: Error) => e instanceof BuilderError && /state "Send": sqs:sendMessage parameters at QueueUrl/.test(e.message),
    );
    assert.throws(
      () => dynamoPutItem("Store", { TableName: "t" } as unknown as Parameters<typeof dynamoPutItem>[1]),
      /dynamodb:putItem parameters at Item/,
    );
    // path() and jsonata() are accepted wherever a literal is.
    assert.doesNotThrow(() => sqsSendMessage("Send", { QueueUrl: path("$.q"), MessageBody: path("$") }));
  });
});

describe("integrations: glue:startJobRun (https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html)", () => {
  it("renders request-response and .sync; the validator accepts both and refuses .waitForTaskToken", () => {
    const def = machine(
      glueStartJobRun("Job", { JobName: "etl", Arguments: { "--day": path("$.day") } }, { pattern: "sync" }),
    ).renderLocal();
    assert.deepEqual(def.States.Job, {
      Type: "Task",
      Resource: "arn:aws:states:::glue:startJobRun.sync",
      Parameters: { JobName: "etl", Arguments: { "--day.$": "$.day" } },
      End: true,
    });
    assert.deepEqual(errorsOf(def), []);
    assert.deepEqual(errorsOf(one({ Resource: "arn:aws:states:::glue:startJobRun", Parameters: { JobName: "etl" } })), []);
    assert.match(
      errorsOf(one({ Resource: "arn:aws:states:::glue:startJobRun.waitForTaskToken", Parameters: { JobName: "etl" } }))[0]!.message,
      /glue:startJobRun does not support the waitForTaskToken pattern/,
    );
  });

  it("IAM: StartJobRun on the job (.sync adds GetJobRun, GetJobRuns, BatchStopJobRun), never *; a run-time JobName needs glue:job declared", () => {
    const glue = (arn: string, params: Record<string, unknown>) => one({ Resource: arn, Parameters: params });
    assert.deepEqual(statementsOf(glue("arn:aws:states:::glue:startJobRun", { JobName: "etl" })), [
      { Action: ["glue:StartJobRun"], Resource: ["arn:aws:glue:eu-west-1:111122223333:job/etl"] },
    ]);
    assert.deepEqual(statementsOf(glue("arn:aws:states:::glue:startJobRun.sync", { JobName: "etl" })), [
      {
        Action: ["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"],
        Resource: ["arn:aws:glue:eu-west-1:111122223333:job/etl"],
      },
    ]);
    assert.throws(() => statementsOf(glue("arn:aws:states:::glue:startJobRun", { "JobName.$": "$.job" })), /glue:job/);
    assert.deepEqual(
      statementsOf(glue("arn:aws:states:::glue:startJobRun", { "JobName.$": "$.job" }), { dynamicResources: { "glue:job": ["a"] } }),
      [{ Action: ["glue:StartJobRun"], Resource: ["arn:aws:glue:eu-west-1:111122223333:job/a"] }],
    );
  });

  it("the graph labels it with the job", () => {
    const graph = buildStateGraph(machine(glueStartJobRun("Job", { JobName: "etl" })).renderLocal());
    assert.ok(JSON.stringify(graph).includes("Glue StartJobRun: etl"), JSON.stringify(graph));
  });
});
