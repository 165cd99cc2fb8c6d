/**
 * The performance harness (bench/engine15) compares equal work: at tiny sizes, each case's three
 * ways (our engine, aws-local-stepfunctions, the bare loop) must produce the same output. No timing
 * here: figures are the bench's business.
 */
import { strict as assert } from "node:assert";
import { buildCases, startBenchServers, type BenchCase } from "../../bench/engine15/cases";
import type { JsonValue } from "../../asl/types";
import type { LocalServers } from "../../local/servers";

describe("bench/engine15 cases: ours, aws-local-stepfunctions and the bare loop do the same work", function () {
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

  it("case 2's output is the ResultSelector's: the count and the first child's OutputPath value", async () => {
    assert.deepEqual(await cases[1]!.ours(), { count: 9, first: 2 });
  });
});
