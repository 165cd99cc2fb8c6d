/**
 * Where the handlers write payload objects, read from the Lambda environment. Read on every
 * invocation (it is cheap) so that one process can run handlers against different buckets.
 */
import { z } from "zod";
import { issuesOf, PayloadConfigError } from "./errors";

/**
 * General purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const PAYLOAD_FORMATS = ["json", "jsonl"] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

export const PayloadEnvSchema = z.object({
  PAYLOAD_BUCKET: z
    .string({ error: "required: the name of the bucket the payload objects are written to" })
    .regex(BUCKET_NAME, "must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)"),
  PAYLOAD_PREFIX: z
    .string()
    .max(512, "must be at most 512 characters")
    .refine((p) => !p.startsWith("/"), "must not start with '/' (S3 keys have no leading slash)")
    .default("payloads/"),
  PAYLOAD_FORMAT: z.enum(PAYLOAD_FORMATS, { error: `must be one of ${PAYLOAD_FORMATS.join(", ")}` }).default("json"),
});

export interface PayloadConfig {
  readonly bucket: string;
  readonly prefix: string;
  readonly format: PayloadFormat;
}

export function readPayloadConfig(env: NodeJS.ProcessEnv = process.env): PayloadConfig {
  // An empty variable is as good as unset: `PAYLOAD_PREFIX=` must not mean "no prefix" by accident.
  const present = Object.fromEntries(
    ["PAYLOAD_BUCKET", "PAYLOAD_PREFIX", "PAYLOAD_FORMAT"]
      .filter((name) => env[name] !== undefined && env[name] !== "")
      .map((name) => [name, env[name]]),
  );
  const parsed = PayloadEnvSchema.safeParse(present);
  if (!parsed.success) throw new PayloadConfigError(issuesOf(parsed.error));
  return {
    bucket: parsed.data.PAYLOAD_BUCKET,
    prefix: parsed.data.PAYLOAD_PREFIX,
    format: parsed.data.PAYLOAD_FORMAT,
  };
}
