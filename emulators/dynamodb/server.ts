/**
 * The embedded DynamoDB-API server: dynalite (a DynamoDB implementation on LevelDB, in memory here)
 * on 127.0.0.1 with an ephemeral port, for the local engine's `dynamodb:*` and
 * `aws-sdk:dynamodb:*` tasks. Tables are created by the caller (`ensureTable`), as on AWS where the
 * workflow's tables exist before it runs.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Credentials } from "../s3/guard";
import { DynamoRequestError, MAX_BODY_BYTES, sendDynamoError, verifyDynamoSignature } from "./gate";

export interface TableSpec {
  name: string;
  /** Partition key name and type (S, N or B); default type S. */
  partitionKey: string | { name: string; type: "S" | "N" | "B" };
  sortKey?: string | { name: string; type: "S" | "N" | "B" };
}

export interface EmbeddedDynamoDb {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly region: string;
  /** The credentials every request must be signed with (SigV4, ./gate.ts). */
  readonly credentials: Credentials;
  /** A client for this server (destroyed by `stop()`). */
  client(): Promise<DynamoDBClient>;
  /** Creates the table if it does not exist (ACTIVE at once: dynalite's create delay is 0 here). */
  ensureTable(spec: TableSpec): Promise<void>;
  /** Stops listening and drops open connections. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The key a server started without `credentials` accepts: tests that start one alone and hand its
 * endpoint to the engine, whose client then signs with `local`/`local`. A run's servers
 * (../servers/index.ts) are given the run's random credentials instead, so another process cannot
 * sign for them.
 */
const LOCAL_CREDENTIALS: Credentials = { accessKeyId: "local", secretAccessKey: "local" };

/** Reads a request body whole (DynamoDB's are JSON documents), refusing one over MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new DynamoRequestError("SerializationException", "The request body is too large."));
      } else chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

/**
 * dynalite's own request handler, given the request only once its signature holds: the body read
 * here is replayed to it as the request stream it reads.
 */
function gated(inner: (req: IncomingMessage, res: ServerResponse) => void, credentials: Credentials) {
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      await verifyDynamoSignature(req, body, credentials);
      const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
        headers: req.headers,
        url: req.url,
        method: req.method,
        socket: req.socket,
        connection: req.socket,
      });
      inner(replay as unknown as IncomingMessage, res);
    })().catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendDynamoError(
        res,
        error instanceof DynamoRequestError
          ? error
          : new DynamoRequestError("InternalFailure", error instanceof Error ? error.message : String(error)),
      );
    });
  };
}

const keyOf = (k: TableSpec["partitionKey"]) => (typeof k === "string" ? { name: k, type: "S" as const } : k);

export async function startEmbeddedDynamoDb(
  options: { region?: string; tables?: readonly TableSpec[]; credentials?: Credentials } = {},
): Promise<EmbeddedDynamoDb> {
  const { default: dynalite } = await import("dynalite");
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Every request through the signature check first (./gate.ts).
  const [inner] = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", gated(inner!, credentials));
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const region = options.region ?? "us-east-1";
  const clients: DynamoDBClient[] = [];
  let stopped: Promise<void> | undefined;
  const { DynamoDBClient: Client, CreateTableCommand, ResourceInUseException } = await import("@aws-sdk/client-dynamodb");
  const client = async () => {
    const c = new Client({ endpoint, region, credentials });
    clients.push(c);
    return c;
  };
  let admin: DynamoDBClient | undefined;
  const db: EmbeddedDynamoDb = {
    endpoint,
    region,
    credentials,
    client,
    async ensureTable(spec) {
      admin ??= await client();
      const pk = keyOf(spec.partitionKey);
      const sk = spec.sortKey ? keyOf(spec.sortKey) : undefined;
      try {
        await admin.send(
          new CreateTableCommand({
            TableName: spec.name,
            BillingMode: "PAY_PER_REQUEST",
            KeySchema: [
              { AttributeName: pk.name, KeyType: "HASH" },
              ...(sk ? [{ AttributeName: sk.name, KeyType: "RANGE" as const }] : []),
            ],
            AttributeDefinitions: [
              { AttributeName: pk.name, AttributeType: pk.type },
              ...(sk ? [{ AttributeName: sk.name, AttributeType: sk.type }] : []),
            ],
          }),
        );
      } catch (e) {
        if (!(e instanceof ResourceInUseException)) throw e;
      }
    },
    stop() {
      stopped ??= (async () => {
        for (const c of clients) c.destroy();
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
  // A table that cannot be created (a bad name) leaves no server listening behind.
  try {
    for (const t of options.tables ?? []) await db.ensureTable(t);
  } catch (e) {
    await db.stop();
    throw e;
  }
  return db;
}
