/**
 * Physical names, set explicitly so they are known before the resources exist: the state machine's
 * ARN (its role's Distributed Map grants name it, see asl/permissions/stateMachine.ts) and the log
 * group names (created up front with retention, and the only groups each role may write).
 */
export interface Naming {
  /** `<project>-<stack>`, the prefix of every physical name. */
  prefix: string;
}

export function naming(project: string, stack: string): Naming {
  return { prefix: `${project}-${stack}` };
}

/** https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html — a function name is at most 64 characters. */
export function functionName(n: Naming, lambdaName: string): string {
  return limited(`${n.prefix}-${lambdaName}`, 64, "Lambda function name");
}

/** https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html — name: 1-80 characters. */
export function stateMachineName(n: Naming, workflow: string): string {
  return limited(`${n.prefix}-${workflow}`, 80, "state machine name");
}

/** Lambda's default group name, so the console's "View logs" links still work. */
export const lambdaLogGroupName = (fn: string): string => `/aws/lambda/${fn}`;

/**
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html — groups under `/aws/vendedlogs/`
 * avoid the CloudWatch Logs resource-policy size limit that log delivery otherwise runs into.
 */
export const stateMachineLogGroupName = (machine: string): string => `/aws/vendedlogs/states/${machine}`;

/** S3 bucket names are lowercase; Pulumi appends a random suffix (autonaming) to this. */
export function bucketLogicalName(n: Naming): string {
  return `${n.prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-payloads`;
}

function limited(name: string, max: number, what: string): string {
  if (name.length > max)
    throw new Error(`${what} "${name}" is ${name.length} characters; AWS allows ${max}: use a shorter project or stack name`);
  return name;
}
