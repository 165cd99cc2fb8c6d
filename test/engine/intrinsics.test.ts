/**
 * Intrinsic functions. Rules quoted from
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../asl/types";
import { runDef, single } from "./helpers";

async function evalIntrinsic(expr: string, input: JsonValue = {}): Promise<{ value?: JsonValue; error?: string; cause?: string }> {
  const r = await runDef(single({ Type: "Pass", Parameters: { "v.$": expr } }), input);
  if (r.status === "SUCCEEDED") return { value: (r.output as { v: JsonValue }).v };
  return { error: r.error, cause: r.cause };
}

describe("engine: intrinsic functions", () => {
  it("States.Format fills {} in order; \\{ \\} are literal braces", async () => {
    // "States.Format ... constructs a string from both literal and interpolated values"; "{}" marks each argument.
    assert.equal(
      (await evalIntrinsic("States.Format('Hello, my name is {}.', $.name)", { name: "Arnav" })).value,
      "Hello, my name is Arnav.",
    );
    assert.equal((await evalIntrinsic("States.Format('{} and {}', 1, true)")).value, "1 and true");
    assert.equal((await evalIntrinsic("States.Format('brace \\{\\} {}', 'x')")).value, "brace {} x");
  });

  it("States.Format with a mismatched argument count is States.IntrinsicFailure", async () => {
    assert.equal((await evalIntrinsic("States.Format('{} {}', 'only-one')")).error, "States.IntrinsicFailure");
  });

  it("States.StringToJson and States.JsonToString round trip", async () => {
    // "States.StringToJson ... takes a reference path to an escaped JSON string"; "States.JsonToString ... takes only one argument, which is the Path"
    assert.deepEqual((await evalIntrinsic("States.StringToJson($.s)", { s: '{"a":[1,2]}' })).value, { a: [1, 2] });
    assert.equal((await evalIntrinsic("States.JsonToString($.o)", { o: { a: 1 } })).value, '{"a":1}');
    assert.equal((await evalIntrinsic("States.StringToJson('not json')")).error, "States.IntrinsicFailure");
  });

  it("States.Array builds an array of its arguments", async () => {
    assert.deepEqual((await evalIntrinsic("States.Array('Foo', 2020, $.x, null)", { x: { y: 1 } })).value, ["Foo", 2020, { y: 1 }, null]);
  });

  it("States.ArrayPartition chunks, the last chunk may be shorter", async () => {
    // example: "inputArray": [1,2,3,4,5,6,7,8,9], chunkSize 4 → [[1,2,3,4],[5,6,7,8],[9]]
    assert.deepEqual((await evalIntrinsic("States.ArrayPartition($.a, 4)", { a: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).value, [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
    assert.equal((await evalIntrinsic("States.ArrayPartition($.a, 0)", { a: [1] })).error, "States.IntrinsicFailure");
  });

  it("States.ArrayContains compares by value", async () => {
    assert.equal((await evalIntrinsic("States.ArrayContains($.a, $.v)", { a: [1, { k: [2] }], v: { k: [2] } })).value, true);
    assert.equal((await evalIntrinsic("States.ArrayContains($.a, 3)", { a: [1, 2] })).value, false);
  });

  it("States.ArrayRange is inclusive of end and capped at 1000 items", async () => {
    // example: States.ArrayRange(1, 9, 2) → [1,3,5,7,9]; "The array ... can contain a maximum of 1000 elements."
    assert.deepEqual((await evalIntrinsic("States.ArrayRange(1, 9, 2)")).value, [1, 3, 5, 7, 9]);
    assert.deepEqual((await evalIntrinsic("States.ArrayRange(5, 1, -2)")).value, [5, 3, 1]);
    assert.equal((await evalIntrinsic("States.ArrayRange(0, 1000, 1)")).error, "States.IntrinsicFailure");
    assert.equal((await evalIntrinsic("States.ArrayRange(0, 999, 1)")).value instanceof Array, true);
  });

  it("States.ArrayGetItem, States.ArrayLength, States.ArrayUnique", async () => {
    assert.equal((await evalIntrinsic("States.ArrayGetItem($.a, 1)", { a: ["x", "y"] })).value, "y");
    assert.equal((await evalIntrinsic("States.ArrayGetItem($.a, 5)", { a: ["x"] })).error, "States.IntrinsicFailure");
    assert.equal((await evalIntrinsic("States.ArrayLength($.a)", { a: [1, 2, 3] })).value, 3);
    // example: [1,2,3,3,3,3,3,3,4] → [1,2,3,4]
    assert.deepEqual((await evalIntrinsic("States.ArrayUnique($.a)", { a: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).value, [1, 2, 3, 4]);
  });

  it("States.Base64Encode / Base64Decode", async () => {
    // example: "Data to encode" → "RGF0YSB0byBlbmNvZGU="
    assert.equal((await evalIntrinsic("States.Base64Encode('Data to encode')")).value, "RGF0YSB0byBlbmNvZGU=");
    assert.equal((await evalIntrinsic("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).value, "Data to encode");
    // "the input string ... can contain up to 10,000 characters"
    assert.equal((await evalIntrinsic("States.Base64Encode($.s)", { s: "x".repeat(10_001) })).error, "States.IntrinsicFailure");
  });

  it("States.Hash supports MD5, SHA-1, SHA-256, SHA-384, SHA-512", async () => {
    assert.equal((await evalIntrinsic("States.Hash('input data', 'SHA-1')")).value, "aaff4a450a104cd177d28d18d74485e8cae074b7");
    assert.equal((await evalIntrinsic("States.Hash('x', 'SHA-3')")).error, "States.IntrinsicFailure");
  });

  it("States.JsonMerge merges shallowly and refuses deep merge", async () => {
    // "the deep merging mode ... set the boolean value to false" — only shallow merge is supported.
    assert.deepEqual((await evalIntrinsic("States.JsonMerge($.a, $.b, false)", { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } })).value, {
      x: { q: 2 },
      y: 1,
    });
    assert.equal((await evalIntrinsic("States.JsonMerge($.a, $.b, true)", { a: {}, b: {} })).error, "States.IntrinsicFailure");
  });

  it("States.MathRandom stays within range and is reproducible with a seed; States.MathAdd adds integers", async () => {
    const a = (await evalIntrinsic("States.MathRandom(1, 999, 7)")).value as number;
    const b = (await evalIntrinsic("States.MathRandom(1, 999, 7)")).value as number;
    assert.equal(a, b);
    assert.ok(a >= 1 && a <= 999);
    assert.equal((await evalIntrinsic("States.MathAdd($.v, -1)", { v: 111 })).value, 110);
    // Changed for issue 14: AWS rounds decimal arguments first (see intrinsics-aws.test.ts).
    assert.equal((await evalIntrinsic("States.MathAdd(1.5, 1)")).value, 3);
  });

  it("States.MathRandom accepts decimal bounds, as AWS does (an execution recorded on AWS: MathRandom(12.50, 44.51) succeeded)", async () => {
    // intrinsic-functions.html: "a random number between the specified start and end number".
    const r = await evalIntrinsic("States.MathRandom($.a, $.b)", { a: 12.5, b: 44.51 });
    assert.equal(r.error, undefined);
    assert.ok(Number.isInteger(r.value) && (r.value as number) >= 12 && (r.value as number) <= 44, String(r.value));
  });

  it("States.StringSplit splits on every delimiter character", async () => {
    // example: "This.is+a,test=string" with ".+,=" → ["This","is","a","test","string"]
    assert.deepEqual((await evalIntrinsic("States.StringSplit($.s, '.+,=')", { s: "This.is+a,test=string" })).value, [
      "This",
      "is",
      "a",
      "test",
      "string",
    ]);
    assert.deepEqual((await evalIntrinsic("States.StringSplit('1,2,3,4,5', ',')")).value, ["1", "2", "3", "4", "5"]);
  });

  it("States.UUID returns a v4 UUID", async () => {
    assert.match(
      (await evalIntrinsic("States.UUID()")).value as string,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("nested intrinsics evaluate inside out", async () => {
    assert.equal((await evalIntrinsic("States.ArrayLength(States.StringSplit($.s, ','))", { s: "a,b,c" })).value, 3);
  });

  it("States.IntrinsicFailure is catchable", async () => {
    const def = {
      StartAt: "T",
      States: {
        T: {
          Type: "Parallel",
          Branches: [{ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "v.$": "States.ArrayGetItem($.a, 9)" }, End: true } } }],
          Catch: [{ ErrorEquals: ["States.IntrinsicFailure"], Next: "C" }],
          End: true,
        },
        C: { Type: "Pass", End: true },
      },
    };
    const r = await runDef(def, { a: [] });
    assert.equal(r.status, "SUCCEEDED");
    assert.equal((r.output as { Error: string }).Error, "States.IntrinsicFailure");
  });
});
