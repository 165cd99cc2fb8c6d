/**
 * The embedded DynamoDB-API server: dynalite (a DynamoDB implementation on LevelDB, in memory here)
 * on 127.0.0.1 with an ephemeral port, for the local engine's `dynamodb:*` and
 * `aws-sdk:dynamodb:*` tasks. Tables are created by the caller (`ensureTable`), as on AWS where the
 * workflow's tables exist before it runs.
 */
import type { AddressInfo, Socket } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

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
  /** A client for this server (destroyed by `stop()`). */
  client(): Promise<DynamoDBClient>;
  /** Creates the table if it does not exist (ACTIVE at once: dynalite's create delay is 0 here). */
  ensureTable(spec: TableSpec): Promise<void>;
  /** Stops listening and drops open connections. Safe to call twice. */
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

const keyOf = (k: TableSpec["partitionKey"]) => (typeof k === "string" ? { name: k, type: "S" as const } : k);

export async function startEmbeddedDynamoDb(options: { region?: string; tables?: readonly TableSpec[] } = {}): Promise<EmbeddedDynamoDb> {
  const { default: dynalite } = await import("dynalite");
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
    const c = new Client({ endpoint, region, credentials: LOCAL_CREDENTIALS });
    clients.push(c);
    return c;
  };
  let admin: DynamoDBClient | undefined;
  const db: EmbeddedDynamoDb = {
    endpoint,
    region,
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
            KeySchema: [{ AttributeName: pk.name, KeyType: "HASH" }, ...(sk ? [{ AttributeName: sk.name, KeyType: "RANGE" as const }] : [])],
            AttributeDefinitions: [{ AttributeName: pk.name, AttributeType: pk.type }, ...(sk ? [{ AttributeName: sk.name, AttributeType: sk.type }] : [])],
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
