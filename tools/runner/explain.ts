/**
 * Plain-words explanations of the failures a new user meets first, with the AWS page that states the
 * rule. The engine says what happened (error and cause); this says why and what to do.
 */
import { LIMITS } from "../../asl/types";

export interface FailureContext {
  state?: string;
  variant: "distributed" | "inline";
  /** Inline variant: how many items CaptureInput returned and their size as JSON. */
  inlineItems?: { count: number; bytes: number };
}

export function explainFailure(error: string | undefined, cause: string | undefined, context: FailureContext): string | undefined {
  const { state, variant } = context;
  const at = state ? ` at ${state}` : "";
  switch (error) {
    case "States.DataLimitExceeded":
      return (
        `The execution failed${at} because a state's input or output exceeded ${LIMITS.payloadBytes.toLocaleString("en-US")} bytes (256 KiB), ` +
        `the Step Functions payload quota (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). ` +
        (variant === "inline"
          ? `An Inline Map must receive its whole item array in its input, so CaptureInput's list of {from, to} pages has to fit in 256 KiB: ` +
            (context.inlineItems
              ? `this input makes ${context.inlineItems.count.toLocaleString("en-US")} pages, ${context.inlineItems.bytes.toLocaleString("en-US")} bytes of JSON. `
              : "") +
            `The Distributed Map variant (run without --inline) writes the pages to S3 ` +
            `and its ItemReader reads them from there, so no payload carries the whole list.`
          : `Keep large data in S3 and pass its location instead (an ItemReader for Map items, a ResultWriter for Map results).`)
      );
    case "States.ExceedToleratedFailureThreshold":
      return `More child executions failed${at} than the Map's ToleratedFailurePercentage/Count allows; the FAILED_n.json result files hold each failure's error and cause.`;
    case "States.Runtime":
      return cause ? `A runtime error${at}: ${cause}` : undefined;
    default:
      return undefined;
  }
}
