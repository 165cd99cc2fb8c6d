/**
 * The AWS SDK's S3 commands, loaded on the first S3 call: the interpreter links the Map Run
 * statically, and runs without a Distributed Map (or the CLI's start) must not pay for the SDK.
 */
import type * as S3 from "@aws-sdk/client-s3";

let sdk: Promise<typeof S3> | undefined;

export function s3Sdk(): Promise<typeof S3> {
  return (sdk ??= import("@aws-sdk/client-s3"));
}
