/**
 * One DynamoDB API action over DynamoDB's own wire protocol (JSON 1.0), the way Step Functions calls
 * DynamoDB on AWS: no JS SDK. The Task's resolved Parameters are the request body as they are
 * (PascalCase members, AttributeValues with N as strings and B as base64), and the response body is
 * the result as it is. POST / with `X-Amz-Target: DynamoDB_20120810.<Action>` and
 * `Content-Type: application/x-amz-json-1.0`, signed with SigV4:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
 * Errors answer `{"__type": "<namespace>#<Name>", "message": "..."}` (some `Message`):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 *
 * Why not the SDK's DynamoDBClient: its middleware (endpoint rules, schema serde, retry, user agent)
 * costs most of a putItem's CPU here, which a Distributed Map writing each child pays once per child.
 * What this keeps of the SDK: its signer (`@smithy/signature-v4`), keep-alive connections (up to 50
 * per endpoint, the SDK's NodeHttpHandler default), and the SDK's error name and message rules
 * (`serviceError` below), so a run fails with the same `DynamoDB.<Name>` either way.
 *
 * No timeout, as the SDK's default (NodeHttpHandler's requestTimeout 0): the run's clock does not move
 * while the request is in flight, and a server that never answers is stopped by the user (Ctrl-C).
 * A refused or dropped connection fails at once (DynamoDbConnectionError). No retries either: on AWS
 * a DynamoDB error reaches the Task, whose Retry decides; the one exception is the keep-alive race
 * Node documents (a pooled socket the server closed as the request left on it), which never reached
 * the server and is sent once more on a new connection:
 * https://nodejs.org/docs/latest-v20.x/api/http.html#requestreusedsocket
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../model/sha256";
import type { JsonObject } from "../../asl/types";

/** DynamoDB's largest answers are far below this (a Query/Scan page holds 1 MB of data, BatchGetItem 16 MB). */
export const MAX_DYNAMODB_BODY_BYTES = 32 << 20;

export interface DynamoDbCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An error DynamoDB answered: `name` and `message` as the SDK's exception has them (sdk.ts `sdkErrorName` reads both). */
export class DynamoDbServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** No answer from the endpoint (refused, reset, closed mid-response) or one this client will not read. */
export class DynamoDbConnectionError extends Error {}

/** One keep-alive pool per endpoint, shared by the runs of this process (idle sockets do not hold the process open). */
const agents = new Map<string, HttpAgent>();
function agentFor(url: URL): HttpAgent {
  let agent = agents.get(url.origin);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 50 };
    agents.set(url.origin, (agent = url.protocol === "https:" ? new HttpsAgent(options) : new HttpAgent(options)));
  }
  return agent;
}

/**
 * The SDK's reading of an error body (JSON 1.0, @smithy/core `loadJsonRpcErrorCode`): the code from
 * `__type`, else `code`, else the `x-amzn-errortype` header, cut to the name after `#` and before
 * `:`; the message from `message`, else `Message`, else "UnknownError".
 */
function serviceError(res: IncomingMessage, text: string): DynamoDbServiceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the header, else "Unknown", as the SDK names it.
  }
  const codeKey = Object.keys(body).find((k) => k.toLowerCase() === "code");
  const header = res.headers["x-amzn-errortype"];
  const raw = body.__type ?? (codeKey === undefined ? undefined : body[codeKey]) ?? header;
  let name = raw === undefined || raw === null ? "Unknown" : String(raw);
  name = name.split(",")[0]!.split(":")[0]!;
  if (name.includes("#")) name = name.split("#")[1]!;
  const message = body.message ?? body.Message;
  return new DynamoDbServiceError(name || "Unknown", typeof message === "string" ? message : "UnknownError", res.statusCode ?? 0);
}

/** A DynamoDB endpoint with the keys and region the SDK client would have been given. */
export class DynamoDbJsonClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly signer: SignatureV4;
  private readonly send: typeof httpRequest;

  constructor(
    readonly endpoint: string,
    credentials: DynamoDbCredentials,
    readonly region: string,
  ) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== "http:" && this.url.protocol !== "https:")
      throw new DynamoDbConnectionError(`the DynamoDB endpoint ${endpoint} is not an http or https URL`);
    this.agent = agentFor(this.url);
    this.send = this.url.protocol === "https:" ? httpsRequest : httpRequest;
    // DynamoDB signs the body's hash but wants no x-amz-content-sha256 header (the SDK sends none).
    this.signer = new SignatureV4({ credentials, region, service: "dynamodb", sha256: Sha256, applyChecksum: false });
  }

  /** Performs `action` (PascalCase: `PutItem`) with `input` as its body; resolves to DynamoDB's JSON answer. */
  async call(action: string, input: JsonObject): Promise<JsonObject> {
    const body = JSON.stringify(input);
    const length = Buffer.byteLength(body);
    if (length > MAX_DYNAMODB_BODY_BYTES)
      throw new DynamoDbConnectionError(
        `the ${action} request is ${length} bytes, over ${MAX_DYNAMODB_BODY_BYTES} (DynamoDB's requests are at most 16 MB)`,
      );
    const path = this.url.pathname || "/";
    const signed = await this.signer.sign({
      method: "POST",
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path,
      query: {},
      headers: {
        host: this.url.host,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDB_20120810.${action}`,
        "content-length": String(length),
      },
      body,
    });
    return this.post(path, signed.headers, body, true);
  }

  private post(path: string, headers: Record<string, string>, body: string, mayResend: boolean): Promise<JsonObject> {
    return new Promise<JsonObject>((resolve, reject) => {
      const req = this.send(
        { agent: this.agent, method: "POST", hostname: this.url.hostname, port: this.url.port, path, headers },
        (res) => {
          const declared = Number(res.headers["content-length"]);
          if (declared > MAX_DYNAMODB_BODY_BYTES) {
            res.destroy();
            return reject(new DynamoDbConnectionError(`its answer is ${declared} bytes, over ${MAX_DYNAMODB_BODY_BYTES}`));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_DYNAMODB_BODY_BYTES) {
              res.destroy();
              return reject(new DynamoDbConnectionError(`its answer is over ${MAX_DYNAMODB_BODY_BYTES} bytes`));
            }
            chunks.push(chunk);
          });
          res.on("error", (e: NodeJS.ErrnoException) =>
            reject(new DynamoDbConnectionError(`the connection broke mid-answer (${e.code ?? e.message})`)),
          );
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) return reject(serviceError(res, text));
            try {
              const parsed: unknown = text === "" ? {} : JSON.parse(text);
              if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
              resolve(parsed as JsonObject);
            } catch {
              reject(new DynamoDbConnectionError(`its answer is not a JSON object: ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (mayResend && req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE"))
          return void this.post(path, headers, body, false).then(resolve, reject);
        reject(new DynamoDbConnectionError(e.code ? `${e.code}: ${e.message}` : e.message));
      });
      req.end(body);
    });
  }
}
