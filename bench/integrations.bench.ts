/**
 * Service integrations: children per second of a Distributed Map whose child writes its result to
 * DynamoDB (a no-op Lambda, then `dynamodb:putItem` on the embedded dynalite over HTTP) next to the
 * Lambda-only map, same item count, side by side, best of RUNS after a warm-up. The engine is given
 * the dynalite's endpoint, so its putItems go over DynamoDB's JSON protocol
 * (engine/integrations/dynamodb-json.ts), as Step Functions sends them on AWS.
 * The lines under the two maps, each the same N putItems 100 at a time, no engine:
 *   - emulator, engine's client: DynamoDbJsonClient straight to the dynalite: the most the map can reach;
 *   - emulator, SDK: the same through the AWS SDK's DynamoDBClient (how the engine called it before);
 *   - bare floor, engine's client / SDK: the same two clients to a bare node:http server answering
 *     PutItem's `{}`: what the client and HTTP cost on this machine with no DynamoDB behind them.
 * What the maps' difference is: one real DynamoDB API round trip per child (signing, HTTP on
 * 127.0.0.1, the SigV4 gate, dynalite's LevelDB in memory), which AWS would also spend, at network latency.
 *
 * `npm run bench -- integrations`. `BENCH_INTEGRATIONS_ITEMS` (default 2,000), `BENCH_INTEGRATIONS_RUNS` (default 3).
 * `BENCH_JSON=FILE` also writes the rates there (bench/scale.bench.ts reads `dynamoDbMapPerS`,
 * `emulatorPutsPerS` (the engine's client) and `bareFloorPutsPerS` (the engine's client); the SDK's
 * rates are `emulatorSdkPutsPerS` and `bareFloorSdkPutsPerS`).
 */
import type { JsonValue, StateMachineDefinition } from "../asl/types";
import { run, type LambdaHandler } from "../engine";
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbJsonClient } from "../engine/integrations/dynamodb-json";
import { startServers } from "../emulators/servers";
import { embeddedDynamoDb } from "../emulators/servers/dynamodb";

const N = Number(process.env.BENCH_INTEGRATIONS_ITEMS ?? 2_000);
const RUNS = Number(process.env.BENCH_INTEGRATIONS_RUNS ?? 3);
/** The target for the DynamoDB-writing map. */
const TARGET_CHILDREN_PER_S = 3_000;
const FN = "arn:aws:lambda:us-east-1:123456789012:function:NoOp";
const handlers: Record<string, LambdaHandler> = { NoOp: async (event: unknown) => event };

const map = (states: Record<string, unknown>, startAt: string): StateMachineDefinition =>
  ({
    StartAt: "Each",
    States: {
      Each: {
        Type: "Map",
        ItemsPath: "$.items",
        MaxConcurrency: 100,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: startAt, States: states },
        ResultPath: null,
        End: true,
      },
    },
  }) as unknown as StateMachineDefinition;

const lambdaOnly = map({ NoOp: { Type: "Task", Resource: FN, End: true } }, "NoOp");
const lambdaThenPut = map(
  {
    NoOp: { Type: "Task", Resource: FN, Next: "Store" },
    Store: {
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:putItem",
      Parameters: { TableName: "BenchResults", Item: { id: { "S.$": "$.id" }, v: { "N.$": "States.Format('{}', $.v)" } } },
      End: true,
    },
  },
  "NoOp",
);

async function main(): Promise<void> {
  const servers = await startServers({
    dynamodb: embeddedDynamoDb({ tables: [{ name: "BenchResults", partitionKey: "id" }] }),
    setProcessEnv: false,
  });
  try {
    const items: JsonValue[] = Array.from({ length: N }, (_, i) => ({ id: `item-${i}`, v: i }));
    const endpoint = await servers.dynamodbEndpoint();
    const options = { handlers, keepHistory: false, integrations: { dynamodb: endpoint } };
    const variants = [
      { name: "Lambda-only map (no-op Lambda per child)", def: lambdaOnly },
      { name: "DynamoDB-writing map (no-op Lambda + putItem per child)", def: lambdaThenPut },
    ];
    const best = variants.map(() => Infinity);
    for (const v of variants) await run(v.def, { items: items.slice(0, 200) }, options); // warm-up: modules, JIT, connections
    for (let round = 0; round < RUNS; round++) {
      for (const [i, v] of variants.entries()) {
        const t0 = performance.now();
        const r = await run(v.def, { items }, options);
        const ms = performance.now() - t0;
        if (r.status !== "SUCCEEDED") throw new Error(`${v.name}: ${r.status} ${r.error ?? ""} ${r.cause ?? ""}`);
        best[i] = Math.min(best[i]!, ms);
      }
    }
    console.log(`  ${N.toLocaleString("en-US")} children per run, EXPRESS children, MaxConcurrency 100, best of ${RUNS}:`);
    const LINES = {
      emulator: "emulator, engine's client: the putItems alone, 100 at a time",
      emulatorSdk: "emulator, SDK's DynamoDBClient: the same",
      bare: "bare node:http server, engine's client",
      bareSdk: "bare node:http server, SDK's DynamoDBClient",
    };
    const w = Math.max(...Object.values(LINES).map((l) => l.length), ...variants.map((v) => v.name.length));
    variants.forEach((v, i) => {
      const perSecond = (N / best[i]!) * 1000;
      console.log(
        `  ${v.name.padEnd(w)}  ${(best[i]! / 1000).toFixed(3).padStart(7)} s  ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} children/s`,
      );
    });
    // The same putItems 100 at a time, with no engine: `put(i)` sends the i-th.
    const timed = async (put: (i: number) => Promise<unknown>) => {
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          while (next < N) await put(next++);
        }),
      );
      return performance.now() - t0;
    };
    const item = (tag: string, i: number) => ({ TableName: "BenchResults", Item: { id: { S: `${tag}-${i}` }, v: { N: String(i) } } });
    const viaJson = (client: DynamoDbJsonClient, tag: string) => timed((i) => client.call("PutItem", item(tag, i)));
    const viaSdk = (client: DynamoDBClient, tag: string) => timed((i) => client.send(new PutItemCommand(item(tag, i))));
    const line = (label: string, ms: number, note = "") =>
      console.log(
        `  ${label.padEnd(w)}  ${(ms / 1000).toFixed(3).padStart(7)} s  ${Math.round((N / ms) * 1000)
          .toLocaleString("en-US")
          .padStart(9)} puts/s${note}`,
      );
    const floorMs = await viaJson(new DynamoDbJsonClient(endpoint.endpoint, endpoint.credentials, "us-east-1"), "floor");
    line(LINES.emulator, floorMs);
    const sdkClient = await servers.dynamodb();
    await viaSdk(sdkClient, "warm"); // the SDK's first calls load its modules
    const floorSdkMs = await viaSdk(sdkClient, "floor-sdk");
    line(LINES.emulatorSdk, floorSdkMs);
    // The machine's floor: the same putItems to a bare node:http server answering PutItem's `{}`.
    const bare = createServer((req, res) => {
      req.resume();
      req.once("end", () => res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": 2 }).end("{}"));
    });
    await new Promise<void>((ok) => bare.listen(0, "127.0.0.1", ok));
    const bareEndpoint = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    const benchKeys = { accessKeyId: "bench", secretAccessKey: "bench" };
    const bareMs = await viaJson(new DynamoDbJsonClient(bareEndpoint, benchKeys, "us-east-1"), "bare");
    line(LINES.bare, bareMs, `  (the emulator at ${(floorMs / bareMs).toFixed(1)}x its time)`);
    const bareClient = new DynamoDBClient({ endpoint: bareEndpoint, region: "us-east-1", credentials: benchKeys });
    const bareSdkMs = await viaSdk(bareClient, "bare-sdk");
    line(LINES.bareSdk, bareSdkMs, `  (the engine's client at ${(bareMs / bareSdkMs).toFixed(2)}x its time)`);
    bareClient.destroy();
    bare.closeAllConnections();
    bare.close();
    const rate = (N / best[1]!) * 1000;
    if (process.env.BENCH_JSON)
      writeFileSync(
        process.env.BENCH_JSON,
        JSON.stringify({
          children: N,
          lambdaOnlyPerS: (N / best[0]!) * 1000,
          dynamoDbMapPerS: rate,
          emulatorPutsPerS: (N / floorMs) * 1000,
          emulatorSdkPutsPerS: (N / floorSdkMs) * 1000,
          bareFloorPutsPerS: (N / bareMs) * 1000,
          bareFloorSdkPutsPerS: (N / bareSdkMs) * 1000,
        }),
      );
    console.log(
      `  DynamoDB-writing map >= ${TARGET_CHILDREN_PER_S.toLocaleString("en-US")} children/s: ${Math.round(rate).toLocaleString("en-US")} — ${rate >= TARGET_CHILDREN_PER_S ? "MET" : "MISSED"} (under this machine's load)`,
    );
    console.log(
      `  the DynamoDB-writing map runs at ${((best[0]! / best[1]!) * 100).toFixed(1)}% of the Lambda-only rate: ${((best[1]! - best[0]!) / N).toFixed(3)} ms more per child of wall time,` +
        ` the putItem round trip to dynalite (HTTP on 127.0.0.1, signing, LevelDB in memory; on AWS a putItem is a network round trip too)`,
    );
  } finally {
    await servers.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
