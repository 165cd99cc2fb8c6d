/**
 * The performance harness (bench/engine-vs-peer) compares equal work: at tiny sizes, each case's three
 * ways (our engine, aws-local-stepfunctions, the bare loop) must produce the same output. No timing
 * here: figures are the bench's business.
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { buildCases, startBenchServers, type BenchCase } from "../../bench/engine-vs-peer/cases";
import type { JsonValue } from "../../asl/types";
import type { LocalServers } from "../../emulators/servers";

describe("bench/engine-vs-peer cases: ours, aws-local-stepfunctions and the bare loop do the same work", function () {
  this.timeout(60_000);
  let servers: LocalServers;
  let cases: BenchCase[];

  before(async () => {
    servers = await startBenchServers();
    cases = await buildCases({ inline: 7, distributed: 9, seedNumber: 23, large: 11 }, servers);
  });
  after(() => servers?.stop());

  const expected = [
    { name: "(1) INLINE", items: 7 },
    { name: "(2) DISTRIBUTED", items: 9 },
    { name: "(3) seed", items: 5 },
    { name: "(4) DISTRIBUTED", items: 11 },
  ];
  for (const [i, want] of expected.entries()) {
    it(`case ${i + 1}: ${want.name}, ${want.items} items: the three outputs are equal and non-trivial`, async () => {
      const c = cases[i]!;
      assert.ok(c.name.startsWith(want.name), c.name);
      assert.equal(c.items, want.items);
      const comparable = c.comparable ?? (async (_way: string, output: JsonValue) => output);
      const ours = await comparable("ours", await c.ours());
      assert.ok(ours !== null && typeof ours === "object" && Object.keys(ours).length > 0, JSON.stringify(ours));
      assert.deepEqual(await comparable("awsLocal", await c.awsLocal()), ours);
      assert.deepEqual(await comparable("bare", await c.bare()), ours);
    });
  }

  it("case 4's context floor writes what ours writes: one record per child, AWS's fields in AWS's order", async () => {
    const c = cases[3]!;
    assert.equal(await c.bareRecords!(), 11);
    const s3 = servers.s3Client!;
    const read = async (key: string) =>
      JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: "bench-large", Key: key }))).Body!.transformToString()) as Array<
        Record<string, unknown>
      >;
    const theirs = await read("bare/records.json");
    const out = (await c.ours()) as { ResultWriterDetails: { Key: string } };
    const manifest = (await read(out.ResultWriterDetails.Key)) as unknown as { ResultFiles: { SUCCEEDED: Array<{ Key: string }> } };
    const ours = await read(manifest.ResultFiles.SUCCEEDED[0]!.Key);
    assert.equal(theirs.length, ours.length);
    assert.deepEqual(Object.keys(theirs[0]!), Object.keys(ours[0]!));
    const outputs = (records: Array<Record<string, unknown>>) =>
      records.map((r) => Number(JSON.parse(r.Output as string))).sort((a, b) => a - b);
    assert.deepEqual(outputs(theirs), outputs(ours));
  });

  it("case 2's output is the ResultSelector's: the count and the first child's OutputPath value", async () => {
    assert.deepEqual(await cases[1]!.ours(), { count: 9, first: 2 });
  });
});
