import assert from "node:assert/strict";
import fc from "fast-check";
import { captureInput } from "../../handlers/capture-input";
import { paginate } from "../../handlers/capture-input/pages";
import {
  checkExactlyOnce,
  InvalidItemError,
  processData,
  rangeStats,
  type ProcessDataResult,
  type RangeItem,
} from "../../handlers/process-data";
import { readText, useEmbeddedS3 } from "./helpers";

/** Batches of `size` items, shaped as an ItemBatcher passes them to the child workflow. */
function batches(items: readonly RangeItem[], size: number): Array<{ Items: RangeItem[]; BatchInput?: unknown }> {
  const out: Array<{ Items: RangeItem[]; BatchInput?: unknown }> = [];
  for (let i = 0; i < items.length; i += size) out.push({ Items: items.slice(i, i + size), BatchInput: { run: "t" } });
  return out;
}

describe("handlers/process-data", () => {
  it("returns the count and sum of the integers in [from, to) for one item", async () => {
    assert.deepEqual(await processData({ from: 5, to: 10 }), { from: 5, to: 10, count: 5, sum: 35 });
    assert.deepEqual(await processData({ from: 0, to: 1 }), { from: 0, to: 1, count: 1, sum: 0 });
  });

  it("matches a brute-force count and sum for any range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 2_000 }), (from, length) => {
        let sum = 0;
        for (let n = from; n < from + length; n++) sum += n;
        assert.deepEqual(rangeStats(from, from + length), { from, to: from + length, count: length, sum });
      }),
    );
  });

  it("processes an ItemBatcher batch {Items, BatchInput} into totals and the ranges it covered", async () => {
    const result = await processData({
      Items: [
        { from: 0, to: 5 },
        { from: 5, to: 10 },
      ],
      BatchInput: { anything: true },
    });
    assert.deepEqual(result, {
      count: 10,
      sum: 45,
      ranges: [
        { from: 0, to: 5 },
        { from: 5, to: 10 },
      ],
    });
    assert.deepEqual(await processData({ Items: [{ from: 3, to: 4 }] }), { count: 1, sum: 3, ranges: [{ from: 3, to: 4 }] });
  });

  describe("fails a bad item with InvalidItemError (the name Step Functions matches), naming the field", () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["to not above from", { from: 5, to: 5 }, /to: must be greater than from/],
      ["to below from", { from: 9, to: 2 }, /to: must be greater than from/],
      ["from missing", { to: 3 }, /from: required/],
      ["from as a string", { from: "0", to: 3 }, /from: must be a number, got "0"/],
      ["fractional bound", { from: 0, to: 2.5 }, /to: must be an integer/],
      ["negative from", { from: -1, to: 3 }, /from: must be >= 0/],
      ["bound above the maximum", { from: 0, to: 100_000_001 }, /to: must be <= 100000000/],
      ["null", null, /expected an object/],
      ["a number", 42, /expected an object/],
      ["a batch with no items", { Items: [] }, /Items: must not be empty/],
      ["a batch whose Items is not an array", { Items: { from: 0, to: 1 } }, /Items: must be an array/],
      [
        "a bad item inside a batch",
        {
          Items: [
            { from: 0, to: 1 },
            { from: 1, to: "2" },
          ],
        },
        /Items\.1\.to: must be a number/,
      ],
    ];
    for (const [title, input, message] of cases) {
      it(title, async () => {
        await assert.rejects(processData(input), (error: unknown) => {
          assert.ok(error instanceof InvalidItemError);
          assert.equal(error.name, "InvalidItemError");
          assert.match(error.message, message);
          return true;
        });
      });
    }
  });
});

describe("handlers/process-data: checkExactlyOnce", () => {
  const itemResults = (number: number, chunk: number) => paginate(number, chunk).map((p) => rangeStats(p.from, p.to));

  it("accepts results that tile [0, number) exactly once, in any order, items or batches", async () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (number, chunk, batchSize, batched) => {
          const pages = paginate(number, chunk);
          const results: ProcessDataResult[] = batched
            ? batches(pages, batchSize).map((b) => {
                const stats = b.Items.map((i) => rangeStats(i.from, i.to));
                return {
                  count: stats.reduce((a, s) => a + s.count, 0),
                  sum: stats.reduce((a, s) => a + s.sum, 0),
                  ranges: b.Items,
                };
              })
            : pages.map((p) => rangeStats(p.from, p.to));
          const report = checkExactlyOnce(results.reverse(), number);
          assert.deepEqual(report.problems, []);
          assert.equal(report.ok, true);
        },
      ),
    );
  });

  it("detects a gap (a range never processed)", () => {
    const results = itemResults(20, 5).filter((r) => r.from !== 10);
    const report = checkExactlyOnce(results, 20);
    assert.equal(report.ok, false);
    assert.deepEqual(report.gaps, [{ from: 10, to: 15 }]);
    assert.match(report.problems.join("\n"), /not processed: \[10, 15\)/);
    assert.match(report.problems.join("\n"), /reported count 15, expected 20/);
  });

  it("detects a missing tail", () => {
    const report = checkExactlyOnce(itemResults(20, 5).slice(0, 3), 20);
    assert.deepEqual(report.gaps, [{ from: 15, to: 20 }]);
  });

  it("detects an overlap (a range processed twice)", () => {
    const results = itemResults(20, 5);
    const report = checkExactlyOnce([...results, results[1]!], 20);
    assert.equal(report.ok, false);
    assert.deepEqual(report.overlaps, [{ from: 5, to: 10 }]);
    assert.match(report.problems.join("\n"), /processed more than once: \[5, 10\)/);
  });

  it("detects a partial overlap and the gap it hides, even when the totals add up", () => {
    // [0,6) and [4,10) overlap on [4,6); [10,12) is missing; counts: 6 + 6 + 8 = 20
    const results = [rangeStats(0, 6), rangeStats(4, 10), rangeStats(12, 20)];
    const report = checkExactlyOnce(results, 20);
    assert.deepEqual(report.overlaps, [{ from: 4, to: 6 }]);
    assert.deepEqual(report.gaps, [{ from: 10, to: 12 }]);
    assert.equal(report.reported.count, 20);
    assert.equal(report.ok, false);
  });

  it("detects ranges outside [0, number) and results whose count or sum lie about their range", () => {
    const outside = checkExactlyOnce([...itemResults(10, 5), rangeStats(10, 12)], 10);
    assert.deepEqual(outside.invalid, [{ from: 10, to: 12 }]);
    const lying = checkExactlyOnce([{ from: 0, to: 5, count: 5, sum: 11 }, rangeStats(5, 10)], 10);
    assert.equal(lying.invalidCount, 1);
    assert.match(lying.problems.join("\n"), /reported sum 46, expected 45/);
    const lyingBatch = checkExactlyOnce([{ count: 10, sum: 44, ranges: [{ from: 0, to: 10 }] }], 10);
    assert.equal(lyingBatch.ok, false);
  });

  it("lists the first problems and counts the rest", () => {
    const results = itemResults(1_000, 1).filter((r) => r.from % 2 === 0);
    const report = checkExactlyOnce(results, 1_000);
    assert.equal(report.gapCount, 500);
    assert.equal(report.gaps.length, 20);
    assert.match(report.problems[0]!, /\(500 in all\)/);
  });

  it("accepts the empty run of number 0", () => {
    assert.equal(checkExactlyOnce([], 0).ok, true);
    assert.equal(checkExactlyOnce([], 1).ok, false);
  });
});

describe("handlers: capture → process in batches → proof, over the embedded S3", () => {
  const fx = useEmbeddedS3();

  it("processes every number of [0, number) exactly once", async () => {
    const number = 10_007;
    const out = await captureInput({ number, chunk: 7 });
    const items = JSON.parse(await readText(fx.client, out.key)) as RangeItem[];
    assert.equal(items.length, out.count);
    const results = await Promise.all(batches(items, 50).map((b) => processData(b)));
    const report = checkExactlyOnce(results, number);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.reported, { count: number, sum: (number * (number - 1)) / 2 });
  });
});
