import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonEntries, jsonEntryBatches, JsonStreamError, utf8Chunks } from "../../asl/json-stream";

async function* chunksOf(text: string, cuts: number[]): AsyncGenerator<string> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > at && cut < text.length) {
      yield text.slice(at, cut);
      at = cut;
    }
  }
  yield text.slice(at);
}

async function entries(text: string, cuts: number[] = [], format: "auto" | "json" | "jsonl" = "auto"): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of jsonEntries(chunksOf(text, cuts), "test", format)) out.push(JSON.parse(e));
  return out;
}

describe("asl/json-stream: entries of a JSON array or JSON Lines, streamed", () => {
  it("property: a JSON array cut anywhere yields its elements", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        fc.boolean(),
        async (values, cuts, pretty) => {
          const text = pretty ? JSON.stringify(values, null, 2) : JSON.stringify(values);
          assert.deepEqual(await entries(text, cuts), JSON.parse(text));
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });

  it("property: JSON Lines cut anywhere yields its lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        async (values, cuts) => {
          const text = values.map((v) => JSON.stringify(v)).join("\n") + "\n";
          assert.deepEqual(
            await entries(text, cuts, "jsonl"),
            values.map((v) => JSON.parse(JSON.stringify(v))),
          );
        },
      ),
      { numRuns: 200, seed: 16 },
    );
  });

  it("keeps strings with brackets, commas, quotes and backslashes whole, even cut after a backslash", async () => {
    const values = [{ a: 'x,]}["\\' }, '\\\\",', [1, [2, { b: "}" }]]];
    const text = JSON.stringify(values);
    for (let cut = 0; cut < text.length; cut++) assert.deepEqual(await entries(text, [cut]), values);
  });

  it("decodes UTF-8 split inside a character", async () => {
    const bytes = Buffer.from(JSON.stringify(["é€😀"]));
    async function* split(): AsyncGenerator<Uint8Array> {
      for (const b of bytes) yield Uint8Array.of(b);
    }
    const out: string[] = [];
    for await (const e of jsonEntries(utf8Chunks(split()), "t")) out.push(JSON.parse(e) as string);
    assert.deepEqual(out, ["é€😀"]);
  });

  it("names a truncated array and trailing text as errors", async () => {
    await assert.rejects(entries('[{"a":1},{"b":'), (e: unknown) => e instanceof JsonStreamError && /not closed/.test(e.message));
    await assert.rejects(entries("[1,2] x"), (e: unknown) => e instanceof JsonStreamError && /after the closing/.test(e.message));
    assert.deepEqual(await entries("[]"), []);
    assert.deepEqual(await entries("  "), []);
  });

  it("in batches: one array per chunk, the same entries; entries before an error in its chunk come first", async () => {
    const batches: string[][] = [];
    for await (const b of jsonEntryBatches(chunksOf('[1,{"a":[2,3]},"x"  ,4]', [5, 12]), "t", "json")) batches.push(b);
    assert.deepEqual(batches, [["1"], ['{"a":[2,3]}', '"x"', "4"]]);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of jsonEntryBatches(chunksOf("[1,2,,3]", []), "t", "json")) seen.push(...b);
      })(),
      (e: unknown) => e instanceof JsonStreamError && /empty entry/.test(e.message),
    );
    assert.deepEqual(seen, ["1", "2"]);
  });
});
