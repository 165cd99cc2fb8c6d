/**
 * Plain-words explanations of the failures a new user meets first, with the AWS page that states the
 * rule. The engine says what happened (error and cause); this says why and what to do.
 */
import { LIMITS } from "../../asl/types";

export interface FailureContext {
  state?: string;
  /** The demo variant's own advice for this error (DemoVariant.advice), in place of the general one. */
  advice?: string;
}

export function explainFailure(error: string | undefined, cause: string | undefined, context: FailureContext = {}): string | undefined {
  const { state, advice } = context;
  const at = state ? ` at ${state}` : "";
  switch (error) {
    case "States.DataLimitExceeded":
      return (
        `The execution failed${at} because a state's input or output exceeded ${LIMITS.payloadBytes.toLocaleString("en-US")} bytes (256 KiB), ` +
        `the Step Functions payload quota (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). ` +
        (advice ?? `Keep large data in S3 and pass its location instead (an ItemReader for Map items, a ResultWriter for Map results).`)
      );
    case "States.ExceedToleratedFailureThreshold":
      return `More child executions failed${at} than the Map's ToleratedFailurePercentage/Count allows; the FAILED_n.json result files hold each failure's error and cause.`;
    case "States.Runtime":
      return cause ? `A runtime error${at}: ${cause}` : undefined;
    default:
      return undefined;
  }
}
