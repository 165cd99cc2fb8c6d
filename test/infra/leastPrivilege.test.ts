/**
 * Least privilege, proven by simulation (see test/permissions/simulator.ts for the method): the
 * roles AS RENDERED by the Pulumi program (the mock's recorded RolePolicy inputs), for the dev stack
 * and for the dev stack with KMS on.
 */
import { strict as assert } from "node:assert";
import { WORKFLOWS } from "../../app/catalog";
import type { PolicyDocument } from "../../asl/permissions";
import { loadStackConfig } from "../../config/load";
import { denyInsecureTransportPolicy } from "../../infra/bucket";
import { ambiguity, decide, sweepService, unexpected, type SimRequest, type Universe } from "../permissions/simulator";
import { MOCK_ACCOUNT, MOCK_REGION, valueOf } from "./mocks";
import { devStackViaIndex, stackWith, type MockedStack } from "./stacks";

const PREFIX = "sfn-distributed-map-dev";
const MACHINE = `${PREFIX}-seed`;
const FOREIGN_ACCOUNT = "999988887777";
const SERVICES = ["s3", "lambda", "states", "kms", "logs", "xray"];
const arn = (service: string, rest: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${rest}`;

interface Deployment {
  label: string;
  bucket: string;
  keyId: string | undefined;
  /** Every RolePolicy the program rendered, by resource name (`seed-sfn-policy`, `CaptureInput-policy`, ...). */
  policies: Record<string, PolicyDocument>;
}

async function deploymentOf(label: string, stack: MockedStack): Promise<Deployment> {
  const keyArn = stack.outputs.kmsKeyArn ? await valueOf(stack.outputs.kmsKeyArn) : undefined;
  return {
    label,
    bucket: await valueOf(stack.outputs.bucketName),
    keyId: keyArn?.split("/")[1],
    policies: policiesByRole(stack),
  };
}

/**
 * Each role's permissions, named by its main policy: a role's SSE-KMS grant is a policy of its own
 * (`<name>-kms-policy`, so the main one stays known at the first preview); the role gets both.
 */
function policiesByRole(stack: MockedStack): Record<string, PolicyDocument> {
  const all = stack.recorder.ofType("aws:iam/rolePolicy:RolePolicy");
  const out: Record<string, PolicyDocument> = {};
  for (const main of all.filter((p) => !p.name.endsWith("-kms-policy"))) {
    const doc = JSON.parse(main.inputs.policy) as PolicyDocument;
    for (const extra of all.filter((p) => p !== main && p.inputs.role === main.inputs.role)) {
      doc.Statement.push(...(JSON.parse(extra.inputs.policy) as PolicyDocument).Statement);
    }
    out[main.name] = doc;
  }
  return out;
}

const MACHINES = { seed: `${PREFIX}-seed`, mapReduce: `${PREFIX}-map-reduce` };
/** Every catalog workflow's state machine, and what each one does at run time (declared by hand in its module). */
const DEV_CONFIG = loadStackConfig({ stack: "dev" }).config;
const CATALOG = WORKFLOWS.map((w) => {
  if (!w.runtimeAccess)
    throw new Error(`catalog workflow ${w.name} declares no runtimeAccess: the least-privilege proof needs what it does at run time`);
  return { name: w.name, machine: `${PREFIX}-${w.name}`, access: w.runtimeAccess(DEV_CONFIG) };
});

function universeOf(d: Deployment): Universe {
  const defaultKeyPolicy = {
    // What aws.kms.Key gets without a `policy`: the account's IAM policies decide.
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
  const machines = CATALOG.map((c) => c.machine);
  return {
    region: MOCK_REGION,
    accountId: MOCK_ACCOUNT,
    foreignAccountId: FOREIGN_ACCOUNT,
    resourcePolicies: [{ arnPrefix: arn("kms", "key/"), policy: defaultKeyPolicy }],
    values: {
      BucketName: [d.bucket, "foreign-bucket"],
      ObjectName: [
        ...new Set([
          PAYLOAD_KEY,
          "payloads/seed/exec-2.json",
          MR_INPUT_KEY,
          RESULT_KEY,
          MR_RESULT_KEY,
          ...CATALOG.flatMap((c) => [...c.access.reads, ...(c.access.resultWriterKey ? [c.access.resultWriterKey] : [])]),
          "payloads/other.json",
          "other/file.json",
        ]),
      ],
      FunctionName: [...LAMBDA_NAMES.map((n) => `${PREFIX}-${n}`), "foreign-function"],
      Version: ["1"],
      Alias: ["live"],
      StateMachineName: [...machines, ...machines.map((m) => `${m}/Label`), "foreign-machine"],
      ExecutionId: ["exec-1"],
      MapRunLabel: ["Label"],
      KeyId: [d.keyId ?? "no-project-key", "foreign-key"],
      LogGroupName: [
        ...LAMBDA_NAMES.map((n) => `/aws/lambda/${PREFIX}-${n}`),
        ...machines.map((m) => `/aws/vendedlogs/states/${m}`),
        "/aws/lambda/foreign-function",
      ],
      LogStreamName: ["stream-1"],
    },
  };
}

const LAMBDA_NAMES = ["CaptureInput", "ProcessData", "CountWords", "ReduceCounts"];
const PAYLOAD_KEY = "payloads/seed/exec-1.json";
const MR_INPUT_KEY = "payloads/map-reduce/book.txt";
const RESULT_KEY = "results/seed/run-1/manifest.json";
const MR_RESULT_KEY = "results/map-reduce/run-1/SUCCEEDED_0.json";

/**
 * Every request each role makes when its workflow runs, written by hand from what the workflows do
 * (not from the derivation, which would make the proof circular). A role without a list fails.
 */
function requestsOf(d: Deployment): Record<string, SimRequest[]> {
  const tls = { "aws:SecureTransport": "true" };
  const viaS3 = { "kms:ViaService": `s3.${MOCK_REGION}.amazonaws.com`, ...tls };
  const key = d.keyId ? arn("kms", `key/${d.keyId}`) : undefined;
  const obj = (k: string) => `arn:aws:s3:::${d.bucket}/${k}`;
  const kms = (who: string, actions: string[]): SimRequest[] =>
    key ? actions.map((action) => ({ why: `${who}: SSE-KMS ${action} through S3`, action, resource: key, context: viaS3 })) : [];
  const ownLogs = (fn: string): SimRequest[] => {
    const stream = arn("logs", `log-group:/aws/lambda/${PREFIX}-${fn}:log-stream:stream-1`);
    // Both actions are authorized on the log-stream ARN (iam-data: resource type "log-stream").
    return [
      { why: `${fn}: create its log stream`, action: "logs:CreateLogStream", resource: stream },
      { why: `${fn}: write its logs`, action: "logs:PutLogEvents", resource: stream },
    ];
  };
  const lambdaXRay = (fn: string): SimRequest[] =>
    ["xray:PutTraceSegments", "xray:PutTelemetryRecords"].map((action) => ({ why: `${fn}: send traces`, action, resource: "*" }));
  const invoke = (fns: string[]): SimRequest[] =>
    fns
      .map((f) => arn("lambda", `function:${PREFIX}-${f}`))
      .flatMap((f) => [
        { why: "Task: invoke the function", action: "lambda:InvokeFunction", resource: f },
        { why: "Task: invoke a version", action: "lambda:InvokeFunction", resource: `${f}:1` },
        { why: "Task: invoke an alias", action: "lambda:InvokeFunction", resource: `${f}:live` },
      ]);
  const resultWriter = (k: string): SimRequest[] =>
    ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"].map((action) => ({
      why: "ResultWriter: write the Map Run results",
      action,
      resource: obj(k),
      context: tls,
    }));
  const distributedMap = (machine: string): SimRequest[] => [
    {
      why: "Distributed Map: start child executions of itself",
      action: "states:StartExecution",
      resource: arn("states", `stateMachine:${machine}`),
    },
    // A Map Run child's ARN: `execution:<machine>/<mapRunLabel>:<id>` (the label after a `/`).
    {
      why: "Distributed Map: describe a child execution",
      action: "states:DescribeExecution",
      resource: arn("states", `execution:${machine}/Label:exec-1`),
    },
    {
      why: "Distributed Map: stop a child execution",
      action: "states:StopExecution",
      resource: arn("states", `execution:${machine}/Label:exec-1`),
    },
    {
      why: "Map Run redrive: redrive a STANDARD child",
      action: "states:RedriveExecution",
      resource: arn("states", `execution:${machine}/Label:exec-1`),
    },
  ];
  const machineLogsAndTraces: SimRequest[] = [
    ...[
      "CreateLogDelivery",
      "GetLogDelivery",
      "UpdateLogDelivery",
      "DeleteLogDelivery",
      "ListLogDeliveries",
      "PutResourcePolicy",
      "DescribeResourcePolicies",
      "DescribeLogGroups",
    ].map((a) => ({
      why: "logging: deliver execution logs",
      action: `logs:${a}`,
      resource: "*",
    })),
    ...["PutTraceSegments", "PutTelemetryRecords", "GetSamplingRules", "GetSamplingTargets"].map((a) => ({
      why: "tracing: X-Ray",
      action: `xray:${a}`,
      resource: "*",
    })),
  ];
  return {
    // One list per catalog workflow, from what its module declares it does (runtimeAccess).
    ...Object.fromEntries(
      CATALOG.map((c) => [
        `${c.name}-sfn-policy`,
        [
          ...invoke(c.access.invokes),
          ...c.access.reads.map((k): SimRequest => ({
            why: "ItemReader: read the items object",
            action: "s3:GetObject",
            resource: obj(k),
            context: tls,
          })),
          ...c.access.lists.map((prefix): SimRequest => ({
            why: "ItemReader: list the input prefix",
            action: "s3:ListBucket",
            resource: `arn:aws:s3:::${d.bucket}`,
            context: { ...tls, "s3:prefix": prefix },
          })),
          ...(c.access.resultWriterKey ? resultWriter(c.access.resultWriterKey) : []),
          ...(c.access.distributedMap ? distributedMap(c.machine) : []),
          ...machineLogsAndTraces,
          ...(c.access.reads.length + c.access.lists.length > 0 || c.access.resultWriterKey
            ? kms(`${c.name} reader/writer`, ["kms:Decrypt", "kms:GenerateDataKey"])
            : []),
        ],
      ]),
    ),
    "CaptureInput-policy": [
      ...ownLogs("CaptureInput"),
      {
        why: "CaptureInput: write the payload (PutObject also authorizes multipart create/upload/complete)",
        action: "s3:PutObject",
        resource: obj(PAYLOAD_KEY),
        context: tls,
      },
      { why: "CaptureInput: abort a failed multipart upload", action: "s3:AbortMultipartUpload", resource: obj(PAYLOAD_KEY), context: tls },
      ...kms("CaptureInput", ["kms:GenerateDataKey", "kms:Decrypt"]),
      ...lambdaXRay("CaptureInput"),
    ],
    "ProcessData-policy": [...ownLogs("ProcessData"), ...lambdaXRay("ProcessData")],
    "CountWords-policy": [
      ...ownLogs("CountWords"),
      { why: "CountWords: read an input object", action: "s3:GetObject", resource: obj(MR_INPUT_KEY), context: tls },
      ...kms("CountWords", ["kms:Decrypt"]),
      ...lambdaXRay("CountWords"),
    ],
    "ReduceCounts-policy": [
      ...ownLogs("ReduceCounts"),
      { why: "ReduceCounts: read the manifest and result files", action: "s3:GetObject", resource: obj(MR_RESULT_KEY), context: tls },
      ...kms("ReduceCounts", ["kms:Decrypt"]),
      ...lambdaXRay("ReduceCounts"),
    ],
  };
}

/**
 * Allowed by the sweep but not a request: acceptable only when it is the same grant at another
 * concrete name the sweep happens to try (the role may read ANY key under its prefix, not just the
 * one the request list names). Everything else fails the test.
 */
function withinRequestedScope(a: { action: string; resource: string }, requests: ReadonlyArray<SimRequest>, d: Deployment): boolean {
  const sameArea = (x: string, y: string) => {
    // An area is a workflow's folder: `payloads/seed`, `results/map-reduce`, ...
    const area = (r: string) => r.replace(`arn:aws:s3:::${d.bucket}/`, "").split("/").slice(0, 2).join("/");
    return x.startsWith(`arn:aws:s3:::${d.bucket}/`) && y.startsWith(`arn:aws:s3:::${d.bucket}/`) && area(x) === area(y);
  };
  return requests.some((r) => r.action === a.action && sameArea(r.resource, a.resource));
}

const sweepTable: string[] = [];

describe("least privilege by simulation (roles as rendered by the program)", function () {
  this.timeout(300_000);
  let dev: Deployment;
  let kms: Deployment;

  before(async () => {
    dev = await deploymentOf("dev", await devStackViaIndex());
    kms = await deploymentOf("dev+kms", await stackWith({ kms: "true" }));
  });

  it("every rendered role has a request list here (a new workflow or Lambda must add its own)", () => {
    for (const d of [dev, kms]) assert.deepEqual(Object.keys(d.policies).sort(), Object.keys(requestsOf(d)).sort(), d.label);
  });

  it("with kms: false each role's policy is a subset of its kms: true policy (so the kms: true sweep covers both)", () => {
    for (const [name, policy] of Object.entries(dev.policies)) {
      const withKms = JSON.stringify(kms.policies[name]!.Statement);
      for (const s of policy.Statement) assert.ok(withKms.includes(JSON.stringify(s)), `${name} ${s.Sid}`);
    }
  });

  for (const variant of ["dev", "dev+kms"] as const) {
    it(`${variant}: every request each workflow makes is Allowed (Strict mode, the bucket's TLS-only policy attached)`, async () => {
      const d = variant === "dev" ? dev : kms;
      const u: Universe = {
        ...universeOf(d),
        resourcePolicies: [
          ...(universeOf(d).resourcePolicies ?? []),
          { arnPrefix: `arn:aws:s3:::${d.bucket}`, policy: denyInsecureTransportPolicy(`arn:aws:s3:::${d.bucket}`) },
        ],
      };
      const denied: string[] = [];
      let count = 0;
      for (const [role, requests] of Object.entries(requestsOf(d))) {
        for (const r of requests) {
          count++;
          if ((await decide(d.policies[role]!, r, u)) !== "Allowed") denied.push(`${role}: ${r.action} on ${r.resource} (${r.why})`);
        }
      }
      assert.deepEqual(denied, []);
      sweepTable.push(`${variant.padEnd(8)} requests Allowed: ${count}`);
    });
  }

  it(`dev+kms: a sweep over every action of ${SERVICES.join(", ")}, on project and foreign resources, allows nothing but the requests`, async () => {
    const universe = universeOf(kms);
    const requests = requestsOf(kms);
    const problems: string[] = [];
    for (const [role, policy] of Object.entries(kms.policies)) {
      let simulations = 0;
      let actions = 0;
      const allowed: Array<{ action: string; resource: string }> = [];
      for (const service of SERVICES) {
        const result = await sweepService(policy, service, universe);
        simulations += result.simulations;
        actions += result.actions;
        allowed.push(...result.allowed);
      }
      const extra = unexpected(allowed, requests[role]!).filter((a) => !withinRequestedScope(a, requests[role]!, kms));
      problems.push(...extra.map((a) => `${role}: ${a.action} on ${a.resource}`));
      sweepTable.push(`dev+kms  ${role.padEnd(22)} actions ${actions}  simulations ${simulations}  allowed ${allowed.length}`);
      assert.ok(allowed.length > 0 && simulations > 1000, `the sweep ran for ${role}`);
    }
    assert.deepEqual(problems, []);
  });

  it("the conditions hold: non-TLS denied by the bucket policy; KMS only through S3; ListBucket only under the prefix; foreign resources denied", async () => {
    const d = kms;
    const u: Universe = {
      ...universeOf(d),
      resourcePolicies: [
        ...(universeOf(d).resourcePolicies ?? []),
        { arnPrefix: `arn:aws:s3:::${d.bucket}`, policy: denyInsecureTransportPolicy(`arn:aws:s3:::${d.bucket}`) },
      ],
    };
    const seed = d.policies["seed-sfn-policy"]!;
    const tls = { "aws:SecureTransport": "true" };
    assert.equal(
      await decide(
        seed,
        { action: "s3:GetObject", resource: `arn:aws:s3:::${d.bucket}/${PAYLOAD_KEY}`, context: { "aws:SecureTransport": "false" } },
        u,
      ),
      "ExplicitlyDenied",
    );
    assert.equal(
      await decide(seed, { action: "s3:GetObject", resource: `arn:aws:s3:::${d.bucket}/other/file.json`, context: tls }, u),
      "ImplicitlyDenied",
    );
    assert.equal(
      await decide(seed, { action: "lambda:InvokeFunction", resource: arn("lambda", "function:foreign-function") }, u),
      "ImplicitlyDenied",
    );
    assert.equal(
      await decide(seed, { action: "lambda:InvokeFunction", resource: arn("lambda", `function:${PREFIX}-CountWords`) }, u),
      "ImplicitlyDenied",
      "seed may not invoke map-reduce's functions",
    );
    assert.equal(
      await decide(seed, { action: "states:StartExecution", resource: arn("states", `stateMachine:${MACHINES.mapReduce}`) }, u),
      "ImplicitlyDenied",
      "nor start the other machine",
    );
    assert.equal(
      await decide(
        d.policies["CaptureInput-policy"]!,
        { action: "s3:PutObject", resource: `arn:aws:s3:::${d.bucket}/${RESULT_KEY}`, context: tls },
        u,
      ),
      "ImplicitlyDenied",
    );
    const mr = d.policies["map-reduce-sfn-policy"];
    if (mr) {
      assert.equal(
        await decide(
          mr,
          { action: "s3:ListBucket", resource: `arn:aws:s3:::${d.bucket}`, context: { ...tls, "s3:prefix": "results/" } },
          u,
        ),
        "ImplicitlyDenied",
      );
      assert.equal(
        await decide(mr, { action: "s3:ListBucket", resource: `arn:aws:s3:::${d.bucket}`, context: tls }, u),
        "ImplicitlyDenied",
        "no listing without a prefix",
      );
    }
    const key = arn("kms", `key/${d.keyId}`);
    assert.equal(
      await decide(seed, { action: "kms:Decrypt", resource: key }, u),
      "ImplicitlyDenied",
      "KMS directly (not via S3) is denied",
    );
    assert.equal(
      await decide(seed, { action: "kms:Decrypt", resource: key, context: { "kms:ViaService": `s3.${MOCK_REGION}.amazonaws.com` } }, u),
      "Allowed",
    );
    assert.equal(
      await decide(
        seed,
        {
          action: "kms:Decrypt",
          resource: arn("kms", "key/foreign-key"),
          context: { "kms:ViaService": `s3.${MOCK_REGION}.amazonaws.com` },
        },
        u,
      ),
      "ImplicitlyDenied",
    );
  });
});

after(() => {
  if (sweepTable.length > 0) {
    console.log(
      `\n  least-privilege simulation (sweep in Discovery mode; ${ambiguity.count} ambiguous-type ARNs decided unvalidated):\n  ` +
        sweepTable.join("\n  "),
    );
  }
});
