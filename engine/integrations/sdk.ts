/**
 * S3 and DynamoDB calls through the AWS SDK for JavaScript v3, against the embedded S3 server and
 * dynalite: the command is the API action (`getObject` → GetObjectCommand), the Parameters are its
 * input (Step Functions passes them PascalCase, as the SDK takes them). The response as Step
 * Functions returns it: JSON (dates as ISO strings), without the SDK's `$metadata`, and an S3
 * object's Body as text.
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import { RuntimeError, TaskFailedError } from "../model/errors";

type Client = { send(command: unknown): Promise<unknown> };
type CommandClass = new (input: unknown) => unknown;

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * "the resulting Error field will be composed of the service name and error name, separated by a
 * period character: ServiceName.ErrorName. Both are in Pascal case ... always add the Exception
 * suffix" (supported-services-awssdk). Optimized DynamoDB reports `DynamoDB.<Exception>` (connect-ddb).
 */
export function sdkErrorName(service: "S3" | "DynamoDb" | "DynamoDB", thrown: unknown): TaskFailedError {
  const e = thrown as { name?: string; message?: string };
  const name = typeof e?.name === "string" && e.name !== "Error" ? e.name : "UnknownError";
  const error = `${service}.${name.endsWith("Exception") ? name : `${name}Exception`}`;
  return new TaskFailedError(
    error,
    `${e?.message ?? String(thrown)} (Service: ${service === "S3" ? "S3" : "DynamoDb"}, Error Code: ${name})`,
  );
}

async function toJson(value: unknown): Promise<JsonObject> {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  delete out.$metadata;
  const body = out.Body as { transformToString?: () => Promise<string> } | undefined;
  if (body && typeof body.transformToString === "function") out.Body = await body.transformToString();
  return JSON.parse(
    JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v)),
  ) as JsonObject;
}

export async function callSdk(
  module: Record<string, unknown>,
  client: Client,
  action: string,
  params: JsonValue,
  errorService: "S3" | "DynamoDb" | "DynamoDB",
): Promise<JsonObject> {
  const Command = module[`${pascal(action)}Command`] as CommandClass | undefined;
  if (typeof Command !== "function") throw new RuntimeError(`the local ${errorService} client has no ${pascal(action)} API action`);
  if (params === null || typeof params !== "object" || Array.isArray(params))
    throw new RuntimeError(`the ${action} parameters must be an object`);
  let response: unknown;
  try {
    response = await client.send(new Command(params));
  } catch (e) {
    throw sdkErrorName(errorService, e);
  }
  return toJson(response);
}
