/**
 * Service integrations (issue 13): children per second of a Distributed Map whose child writes its
 * result to DynamoDB (a no-op Lambda, then `dynamodb:putItem` on the embedded dynalite over HTTP)
 * next to the Lambda-only map, same item count, side by side, best of RUNS after a warm-up.
 * What the difference is: one real DynamoDB API round trip per child (SDK signing, HTTP on
 * 127.0.0.1, dynalite's LevelDB in memory), which AWS would also spend, at network latency. The
 * floor printed under it is the same putItems sent straight through the SDK: dynalite's own rate.
 *
 * `npm run bench -- integrations`. `BENCH_INTEGRATIONS_ITEMS` (default 2,000), `BENCH_INTEGRATIONS_RUNS` (default 3).
 * `BENCH_JSON=FILE` also writes the rates there (bench/scale.bench.ts reads them).
 */
import type { JsonValue, StateMachineDefinition } from "../asl/types";
import { run, type LambdaHandler } from "../engine";
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startServers } from "../emulators/servers";
import { embeddedDynamoDb } from "../emulators/servers/dynamodb";

const N = Number(process.env.BENCH_INTEGRATIONS_ITEMS ?? 2_000);
const RUNS = Number(process.env.BENCH_INTEGRATIONS_RUNS ?? 3);
/** Issue 31's target for the DynamoDB-writing map. */
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
  const db = { client: () => servers.dynamodb() };
  try {
    const items: JsonValue[] = Array.from({ length: N }, (_, i) => ({ id: `item-${i}`, v: i }));
    const options = { handlers, keepHistory: false, integrations: { dynamodb: await db.client() } };
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
    const FLOOR = "floor: the same putItems straight through the SDK (100 at a time)";
    const w = Math.max(FLOOR.length, ...variants.map((v) => v.name.length));
    variants.forEach((v, i) => {
      const perSecond = (N / best[i]!) * 1000;
      console.log(
        `  ${v.name.padEnd(w)}  ${(best[i]! / 1000).toFixed(3).padStart(7)} s  ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} children/s`,
      );
    });
    // The floor under the second figure: the same putItems straight through the SDK, 100 at a time.
    const puts = async (client: DynamoDBClient, tag: string) => {
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          while (next < N) {
            const i = next++;
            await client.send(new PutItemCommand({ TableName: "BenchResults", Item: { id: { S: `${tag}-${i}` }, v: { N: String(i) } } }));
          }
        }),
      );
      return performance.now() - t0;
    };
    const floorMs = await puts(await db.client(), "floor");
    console.log(
      `  ${FLOOR.padEnd(w)}  ${(floorMs / 1000).toFixed(3).padStart(7)} s  ${Math.round((N / floorMs) * 1000)
        .toLocaleString("en-US")
        .padStart(9)} puts/s`,
    );
    // The machine's floor: the same SDK putItems to a bare node:http server answering PutItem's `{}`.
    const bare = createServer((req, res) => {
      req.resume();
      req.once("end", () => res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": 2 }).end("{}"));
    });
    await new Promise<void>((ok) => bare.listen(0, "127.0.0.1", ok));
    const bareClient = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    });
    const bareMs = await puts(bareClient, "bare");
    bareClient.destroy();
    bare.closeAllConnections();
    bare.close();
    const BARE = "machine floor: the same putItems to a bare node:http server";
    console.log(
      `  ${BARE.padEnd(w)}  ${(bareMs / 1000).toFixed(3).padStart(7)} s  ${Math.round((N / bareMs) * 1000)
        .toLocaleString("en-US")
        .padStart(9)} puts/s  (the emulator at ${(floorMs / bareMs).toFixed(1)}x its time)`,
    );
    const rate = (N / best[1]!) * 1000;
    if (process.env.BENCH_JSON)
      writeFileSync(
        process.env.BENCH_JSON,
        JSON.stringify({
          children: N,
          lambdaOnlyPerS: (N / best[0]!) * 1000,
          dynamoDbMapPerS: rate,
          emulatorPutsPerS: (N / floorMs) * 1000,
          bareFloorPutsPerS: (N / bareMs) * 1000,
        }),
      );
    console.log(
      `  DynamoDB-writing map >= ${TARGET_CHILDREN_PER_S.toLocaleString("en-US")} children/s: ${Math.round(rate).toLocaleString("en-US")} — ${rate >= TARGET_CHILDREN_PER_S ? "MET" : "MISSED"} (under this machine's load)`,
    );
    console.log(
      `  the DynamoDB-writing map runs at ${((best[0]! / best[1]!) * 100).toFixed(1)}% of the Lambda-only rate: ${((best[1]! - best[0]!) / N).toFixed(3)} ms more per child of wall time,` +
        ` the putItem round trip to dynalite (HTTP on 127.0.0.1, SDK signing, LevelDB in memory; on AWS a putItem is a network round trip too)`,
    );
  } finally {
    await servers.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
