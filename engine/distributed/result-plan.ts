/**
 * Where a Map Run's results go, from the ResultWriter field: S3 (bucket and prefix), the output
 * type and the transformation, with the defaults AWS documents.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import { z } from "zod";
import type { JsonValue, MapState, ResultWriterOutputType, ResultWriterTransformation } from "../../asl/types";
import { S3_PUT_OBJECT } from "../../asl/types";
import { StatesError, STATES_ERRORS } from "../model/errors";
import type { DistributedMapContext } from "./map-run-interface";
import { formatIssue } from "../../asl/zod-issues";

export interface WriterPlan {
  /** Set when results go to S3 (Resource + Parameters/Arguments). */
  target?: { bucket: string; prefix: string };
  outputType: ResultWriterOutputType;
  transformation: ResultWriterTransformation;
}

const writerParams = z
  .object({
    Bucket: z.string().min(1, "Bucket must be a non-empty string"),
    Prefix: z.string().optional(),
  })
  .passthrough();

export function planWriter(state: MapState, input: JsonValue, ctx: DistributedMapContext): WriterPlan {
  const rw = state.ResultWriter;
  // "COMPACT - returns the output of the child workflow executions. Default when ResultWriter is
  // not specified." / "NONE - ... Default when exporting the child workflow execution results to
  // Amazon S3 and WriterConfig is not specified." (ResultWriter page)
  if (!rw) return { outputType: "JSON", transformation: "COMPACT" };
  const template = rw.Parameters ?? rw.Arguments;
  const toS3 = rw.Resource !== undefined || template !== undefined;
  const plan: WriterPlan = {
    outputType: rw.WriterConfig?.OutputType ?? "JSON",
    transformation: rw.WriterConfig?.Transformation ?? (toS3 ? "NONE" : "COMPACT"),
  };
  if (!toS3) return plan;
  if (rw.Resource !== S3_PUT_OBJECT) {
    throw new StatesError(STATES_ERRORS.Runtime, `ResultWriter.Resource must be ${S3_PUT_OBJECT} (got ${JSON.stringify(rw.Resource)})`);
  }
  if (template === undefined) {
    throw new StatesError(STATES_ERRORS.Runtime, "ResultWriter: Parameters (JSONPath) or Arguments (JSONata) are required with Resource");
  }
  const parsed = writerParams.safeParse(ctx.evaluateTemplate(template, input));
  if (!parsed.success) {
    const field = `ResultWriter.${rw.Parameters ? "Parameters" : "Arguments"}.`;
    throw new StatesError(STATES_ERRORS.Runtime, formatIssue(parsed.error.issues[0]!, { pathPrefix: field, root: `${field}(root)` }));
  }
  plan.target = { bucket: parsed.data.Bucket, prefix: parsed.data.Prefix ?? "" };
  return plan;
}
