/**
 * `StepFunctionsWorkflow`: deploys any builder `StateMachine` as an AWS Step Functions state machine
 * with its log group and a least-privilege role derived from the definition itself.
 *
 * Everything that goes into the definition and the policies is known before any resource exists:
 * function names (explicit, or planned by the provider's autonaming), bucket names, and the
 * account, region and partition from the provider's invokes. Nothing is built from a computed
 * `arn`, so the first `pulumi preview` shows the full definition and role policy, and a broken
 * definition fails the preview instead of `pulumi up`. The one value AWS generates that a grant
 * needs, a new KMS key's ARN, goes into a policy of its own (see infra/README.md).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LambdaUse, StateMachine } from "../asl/builders";
import { localLambdaArn } from "../asl/builders";
import { InvalidDefinitionError } from "../asl/diagnostics";
import {
  deriveStateMachinePolicy,
  diagnosticsReachingIam,
  lambdaFunctionArn,
  policyDocument,
  stateMachineTrustPolicy,
  type AwsEnvironment,
  type PolicyDocument,
  type S3Location,
} from "../asl/permissions";
import { stateMachineLogGroupName } from "./names";
import { claimPhysicalName } from "./physical-names";

export const WORKFLOW_TYPE_TOKEN = "sfn-distributed-map:index:StepFunctionsWorkflow";

/** A Lambda function the machine invokes: a Pulumi function resource, or any object with its name. */
export type WorkflowFunction = { readonly name: pulumi.Input<string> } | pulumi.Input<string>;

/** https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html */
export interface WorkflowLogging {
  /** Default ERROR. */
  level?: "ALL" | "ERROR" | "FATAL";
  /** Default false: execution input and output can hold data that should not reach the logs. */
  includeExecutionData?: boolean;
  /** Retention of the log group the component creates (a value CloudWatch Logs accepts). Default 14. */
  retentionInDays?: number;
}

export interface WorkflowS3Access {
  /**
   * The buckets (and key prefixes) that S3 locations chosen at run time (`Bucket.$`, `Key.$`,
   * JSONata) may address. Required when the machine has any; the derived grants cover exactly these.
   */
  dynamic?: ReadonlyArray<{ bucket: pulumi.Input<string>; prefix?: string }>;
  /**
   * The customer managed key of SSE-KMS buckets the machine reads or writes. Its grant goes into a
   * separate role policy, so the main policy stays known at preview when the key is new.
   */
  kmsKeyArn?: pulumi.Input<string>;
}

/**
 * A machine built from values that are Outputs (a bucket's name): `buildWith({ bucket: b.bucketName },
 * ({ bucket }) => machine(...))`. The component calls `build` once at once with placeholders, so a
 * broken machine fails before any resource is registered, and again with the real values.
 */
export interface DeferredMachine<K extends string = string> {
  readonly kind: "deferred-machine";
  readonly values: Readonly<Record<K, pulumi.Input<string>>>;
  readonly build: (values: Readonly<Record<K, string>>) => StateMachine;
}

export function buildWith<K extends string>(
  values: Readonly<Record<K, pulumi.Input<string>>>,
  build: (values: Readonly<Record<K, string>>) => StateMachine,
): DeferredMachine<K> {
  return { kind: "deferred-machine", values, build };
}

/** Stands in for a deferred value in the check that runs before any resource: a valid bucket name. */
const placeholderFor = (key: string) => `placeholder-${key.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 63);

export interface StepFunctionsWorkflowArgs {
  /**
   * The builder machine; `buildWith(...)` when it needs Output values (checked before any resource
   * either way); or an Output of one (checked only once its values resolve).
   */
  machine: StateMachine | DeferredMachine | pulumi.Output<StateMachine>;
  /** Each Lambda reference the machine uses, by the reference's name → the function to invoke. */
  functions: Readonly<Record<string, WorkflowFunction>>;
  /** The state machine's name. Default `<project>-<stack>-<component name>`; set explicitly so the role can name it. */
  stateMachineName?: string;
  /** Default: the machine's own `type` option, else STANDARD. */
  type?: "STANDARD" | "EXPRESS";
  s3?: WorkflowS3Access;
  /**
   * The resources a path-addressed integration field may name at run time, by kind (`dynamodb:table`,
   * `sqs:queue`, `sns:topic`, `events:event-bus`, `states:stateMachine`, `lambda:function`, or
   * `aws-sdk:<service>:<action>`): names or ARNs. Required for each such field; the grant is exactly these.
   */
  resources?: Readonly<Record<string, ReadonlyArray<pulumi.Input<string>>>>;
  /**
   * IAM actions of SDK calls (`aws-sdk:<service>:<action>` → actions) where IAM authorizes the
   * operation by an action of another name that the derivation does not know (it warns until declared).
   */
  sdkIamActions?: Readonly<Record<string, readonly string[]>>;
  /** `false` turns logging off (no log group). Default: level ERROR, no execution data, 14 days. */
  logging?: WorkflowLogging | false;
  /** X-Ray tracing. Default false. */
  tracing?: boolean;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What a render produced, all of it derived from values known at the first preview. */
interface Rendered {
  definition: string;
  policy: string;
  /** The SSE-KMS statements, the key's ARN still a placeholder (undefined without a key, or when nothing touches S3). */
  kms: PolicyDocument | undefined;
  type: "STANDARD" | "EXPRESS";
}

const KMS_PLACEHOLDER = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000";
const PLACEHOLDER_ENV: AwsEnvironment = { region: "us-east-1", accountId: "000000000000", partition: "aws" };

/** The error a missing function gets: it names every state that uses the reference. */
export class WorkflowFunctionsError extends Error {
  override readonly name = "WorkflowFunctionsError";
}

export class StepFunctionsWorkflow extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup | undefined;
  /** The deployed ASL JSON (known at the first preview). */
  readonly definition: pulumi.Output<string>;
  /** The derived role policy JSON (known at the first preview). */
  readonly policy: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly stateMachineName: string;
  readonly consoleUrl: pulumi.Output<string>;

  constructor(name: string, args: StepFunctionsWorkflowArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const machineName = args.stateMachineName ?? defaultStateMachineName(name);
    // Checked before anything is registered: a broken definition, a reference without a function
    // or an undeclared run-time S3 location fails the program here, with the validator's diagnostics.
    const machineArg = args.machine;
    if (isDeferred(machineArg)) {
      const placeholders: Record<string, string> = Object.fromEntries(Object.keys(machineArg.values).map((k) => [k, placeholderFor(k)]));
      // A declared location given as the same Output as a deferred value stands in as its placeholder.
      const standIn = (bucket: pulumi.Input<string>) => Object.entries(machineArg.values).find(([, v]) => v === bucket)?.[0];
      const dynamic = args.s3?.dynamic?.map((l) => ({
        bucket: typeof l.bucket === "string" ? l.bucket : (placeholders[standIn(l.bucket) ?? ""] ?? l.bucket),
        prefix: l.prefix,
      }));
      precheckMachine(
        machineArg.build(placeholders),
        { functions: args.functions, s3: { dynamic }, resources: args.resources },
        machineName,
      );
    } else if (!pulumi.Output.isInstance(machineArg)) {
      precheckMachine(machineArg, args, machineName);
    }
    // Before anything is registered, like the checks above: a second component with the same
    // machine name (and so the same log group name, derived from it) fails the preview naming
    // both, not the second `pulumi up`.
    claimPhysicalName("state machine", machineName, name);
    super(WORKFLOW_TYPE_TOKEN, name, {}, opts);
    this.stateMachineName = machineName;
    const parent = { parent: this };

    const env: pulumi.Output<AwsEnvironment> = pulumi
      .all([
        aws.getCallerIdentityOutput({}, parent).accountId,
        aws.getRegionOutput({}, parent).region,
        aws.getPartitionOutput({}, parent).partition,
      ])
      .apply(([accountId, region, partition]) => ({ accountId, region, partition }));
    const functionNames = pulumi.output(
      Object.fromEntries(
        Object.entries(args.functions).map(([ref, fn]) => [ref, typeof fn === "object" && fn !== null && "name" in fn ? fn.name : fn]),
      ),
    ) as pulumi.Output<Record<string, string>>;
    const declared = pulumi.output(
      (args.s3?.dynamic ?? []).map((l) => pulumi.output(l.bucket).apply((bucket) => ({ bucket, prefix: l.prefix }))),
    ) as pulumi.Output<S3Location[]>;
    const declaredResources = pulumi.output(args.resources ?? {}) as pulumi.Output<Record<string, string[]>>;
    const logging =
      args.logging === false ? undefined : { level: "ERROR" as const, includeExecutionData: false, retentionInDays: 14, ...args.logging };
    const tracing = args.tracing ?? false;
    // Never through pulumi.output()/all(): they copy class instances into plain objects.
    const machineOutput: pulumi.Output<StateMachine> | StateMachine = isDeferred(machineArg)
      ? (pulumi.output(machineArg.values) as pulumi.Output<Record<string, string>>).apply((v) => machineArg.build(v))
      : machineArg;
    const withMachine = <T>(f: (m: StateMachine) => T): pulumi.Output<T> =>
      pulumi.Output.isInstance(machineOutput) ? machineOutput.apply(f) : (pulumi.output(f(machineOutput)) as pulumi.Output<T>);

    // Render, validate and derive together: the policy is a function of exactly the deployed definition.
    const rendered: pulumi.Output<Rendered> = pulumi
      .all([env, functionNames, declared, declaredResources])
      .apply(([e, fns, locations, resources]) =>
        withMachine((m): Rendered =>
          reported(this, () => {
            checkFunctions(m, args.functions, this);
            const { definition, diagnostics } = m.renderChecked((ref) => functionArn(e, fns[ref.name]!));
            failOnIamWarnings(diagnostics);
            for (const d of diagnostics) pulumi.log.warn(`${d.code} at ${d.location || "/"}: ${d.message}`, this);
            const derived = deriveStateMachinePolicy(definition, {
              ...e,
              stateMachineName: machineName,
              logging: logging !== undefined,
              tracing,
              dynamicS3: locations,
              dynamicResources: resources,
              sdkIamActions: args.sdkIamActions,
              onWarning: (w) => pulumi.log.warn(`IAM policy at ${w.location || "/"}: ${w.message}`, this),
              kms: args.s3?.kmsKeyArn !== undefined ? { keyArn: KMS_PLACEHOLDER } : undefined,
            });
            // One derivation, two documents: the KMS grant (naming a key AWS may not have made yet) apart.
            const usesKey = (st: PolicyDocument["Statement"][number]) => st.Resource.includes(KMS_PLACEHOLDER);
            const policy = policyDocument(derived.Statement.filter((st) => !usesKey(st)));
            const kms = derived.Statement.filter(usesKey);
            return {
              definition: JSON.stringify(definition, null, 2),
              policy: JSON.stringify(policy, null, 2),
              kms: kms.length > 0 ? policyDocument(kms) : undefined,
              type: args.type ?? m.type ?? "STANDARD",
            };
          }),
        ),
      );

    this.role = new aws.iam.Role(
      `${name}-sfn-role`,
      {
        description: `Role of state machine ${machineName}, derived from its definition`,
        assumeRolePolicy: env.apply((e) => JSON.stringify(stateMachineTrustPolicy(e, machineName))),
        tags: args.tags,
      },
      parent,
    );
    this.policy = rendered.apply((r) => r.policy);
    this.rolePolicy = new aws.iam.RolePolicy(`${name}-sfn-policy`, { role: this.role.id, policy: this.policy }, parent);

    const policies: pulumi.Resource[] = [this.rolePolicy];
    if (args.s3?.kmsKeyArn !== undefined) {
      // The derived KMS statement, with the key's ARN put in: its own policy, so that only this
      // document waits for a new key's ARN on the first preview.
      const kmsPolicy = pulumi.all([rendered, args.s3.kmsKeyArn]).apply(([r, keyArn]) =>
        JSON.stringify(r.kms ?? unusedKeyPolicy(KMS_PLACEHOLDER), null, 2)
          .split(KMS_PLACEHOLDER)
          .join(keyArn),
      );
      policies.push(new aws.iam.RolePolicy(`${name}-sfn-kms-policy`, { role: this.role.id, policy: kmsPolicy }, parent));
    }

    this.logGroup = logging
      ? new aws.cloudwatch.LogGroup(
          `${name}-sfn-logs`,
          { name: stateMachineLogGroupName(machineName), retentionInDays: logging.retentionInDays, tags: args.tags },
          // A fixed name cannot exist twice: a replacement must delete the old group before it
          // creates the new one (Pulumi's default, create-then-delete, would fail with
          // ResourceAlreadyExistsException).
          { ...parent, deleteBeforeReplace: true },
        )
      : undefined;

    this.definition = rendered.apply((r) => r.definition);
    this.stateMachine = new aws.sfn.StateMachine(
      name,
      {
        // Named explicitly: the role's grants name the machine's ARN (no role↔machine cycle, AWS CDK #28820).
        name: machineName,
        type: rendered.apply((r) => r.type),
        roleArn: this.role.arn,
        definition: this.definition,
        loggingConfiguration:
          logging && this.logGroup
            ? {
                level: logging.level,
                includeExecutionData: logging.includeExecutionData,
                // CloudWatch Logs destinations must be the group ARN with `:*`.
                logDestination: pulumi.interpolate`${this.logGroup.arn}:*`,
              }
            : { level: "OFF" },
        tracingConfiguration: { enabled: tracing },
        tags: args.tags,
      },
      // CreateStateMachine checks the role can deliver logs: the policies must be attached first.
      // The name is fixed (see above), so a replacement (a new name or type) deletes the old machine
      // first: creating the new one first would fail with StateMachineAlreadyExists.
      { parent: this, dependsOn: policies, deleteBeforeReplace: true },
    );
    this.arn = this.stateMachine.arn;
    this.consoleUrl = pulumi.interpolate`https://${env.region}.console.aws.amazon.com/states/home?region=${env.region}#/statemachines/view/${this.stateMachine.arn}`;

    this.registerOutputs({
      stateMachine: this.stateMachine,
      role: this.role,
      definition: this.definition,
      policy: this.policy,
      arn: this.arn,
      consoleUrl: this.consoleUrl,
    });
  }
}

function isDeferred(m: StepFunctionsWorkflowArgs["machine"]): m is DeferredMachine {
  return !pulumi.Output.isInstance(m) && (m as Partial<DeferredMachine>).kind === "deferred-machine";
}

/**
 * Runs a check inside an apply, logging its error on the component first: an exception in an apply
 * fails the deployment, but its message would otherwise surface late or, under test mocks, never.
 */
function reported<T>(on: pulumi.Resource, f: () => T): T {
  try {
    return f();
  } catch (e) {
    void pulumi.log.error(e instanceof Error ? e.message : String(e), on);
    throw e;
  }
}

/** `<project>-<stack>-<name>`, at most 80 characters (CreateStateMachine's `name` limit). */
export function defaultStateMachineName(name: string): string {
  const full = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html — name: 1-80 characters.
  if (full.length > 80) throw new Error(`state machine name "${full}" is ${full.length} characters; AWS allows 80: pass stateMachineName`);
  return full;
}

function functionArn(env: AwsEnvironment, nameOrArn: string): string {
  // A full ARN is taken as given (a function in another account or region).
  return nameOrArn.startsWith("arn:") ? nameOrArn : lambdaFunctionArn(env, nameOrArn);
}

/** Every reference has a function (error naming the states that use it); a function no state uses is a warning. */
function checkFunctions(machine: StateMachine, functions: StepFunctionsWorkflowArgs["functions"], warnOn?: pulumi.Resource): void {
  const missing = new Map<string, LambdaUse[]>();
  for (const use of machine.lambdaUses) {
    if (!(use.ref.name in functions)) missing.set(use.ref.name, [...(missing.get(use.ref.name) ?? []), use]);
  }
  if (missing.size > 0) {
    const lines = [...missing].map(
      ([ref, uses]) => `  reference "${ref}" used by ${uses.map((u) => `state "${u.state}" (${u.location})`).join(", ")}`,
    );
    throw new WorkflowFunctionsError(
      `StepFunctionsWorkflow: no function for ${missing.size === 1 ? "a Lambda reference" : "Lambda references"} the machine uses; add them to \`functions\`:\n${lines.join("\n")}\n  functions given: ${Object.keys(functions).join(", ") || "(none)"}`,
    );
  }
  if (warnOn) {
    const used = new Set(machine.lambdas.map((r) => r.name));
    for (const name of Object.keys(functions)) {
      if (!used.has(name)) pulumi.log.warn(`function "${name}" is given but no state of the machine invokes it; it gets no grant`, warnOn);
    }
  }
}

function failOnIamWarnings(diagnostics: Parameters<typeof diagnosticsReachingIam>[0]): void {
  const reaching = diagnosticsReachingIam(diagnostics);
  if (reaching.length > 0) throw new InvalidDefinitionError(reaching);
}

/**
 * The synchronous check of a plain machine, before any resource is registered: every reference has
 * a function, the definition renders and validates (with placeholder ARNs), no warning reaches IAM,
 * and the policy derives (with placeholder account values) when every declared location is a plain
 * string. Throws InvalidDefinitionError, WorkflowFunctionsError or PermissionDerivationError.
 */
export function precheckMachine(
  machine: StateMachine,
  args: Pick<StepFunctionsWorkflowArgs, "functions" | "s3" | "resources">,
  machineName: string,
): void {
  checkFunctions(machine, args.functions);
  const { definition, diagnostics } = machine.renderChecked(localLambdaArn);
  failOnIamWarnings(diagnostics);
  const locations = args.s3?.dynamic ?? [];
  const resources = Object.values(args.resources ?? {}).flat();
  if (locations.every((l) => typeof l.bucket === "string") && resources.every((r) => typeof r === "string")) {
    deriveStateMachinePolicy(definition, {
      ...PLACEHOLDER_ENV,
      stateMachineName: machineName,
      logging: false,
      tracing: false,
      dynamicS3: locations.map((l) => ({ bucket: l.bucket as string, prefix: l.prefix })),
      dynamicResources: args.resources as Record<string, string[]> | undefined,
      // The deployment's own derivation reports these; the precheck stays quiet about them.
      onWarning: () => undefined,
    });
  }
}

/**
 * A machine that touches no S3 needs no key. IAM refuses a policy without statements, and whether the
 * policy exists must not depend on a value known only inside an apply: a statement that denies what
 * the role was never granted keeps the resource and allows nothing.
 */
function unusedKeyPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "KeyNotUsed", Effect: "Deny", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] }],
  };
}
