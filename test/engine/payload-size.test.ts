/**
 * The output size check's shortcut (execution.ts `jsonSizeBound`): it may only skip
 * JSON.stringify when the value certainly fits, so the bound must never be under the real size.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB per payload)
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { JsonValue } from "../../asl/types";
import { checkPayloadSize, jsonSizeBound } from "../../engine/execution";
import { DataLimitExceededError } from "../../engine/model/errors";

const bytes = (v: JsonValue) => Buffer.byteLength(JSON.stringify(v), "utf8");

describe("payload size bound", () => {
  it("is never under the UTF-8 size of JSON.stringify (any JSON, any Unicode, lone surrogates and control characters)", () => {
    const text = fc.string({ unit: "binary" });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true }),
        fc.double({ min: -1e-5, max: -1e-6 }),
        fc.integer(),
        text,
        fc.array(tie("value")),
        fc.dictionary(text, tie("value")),
      ),
    })).value as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(json, (v) => jsonSizeBound(v, Number.MAX_SAFE_INTEGER) >= bytes(v)),
      { numRuns: 2000 },
    );
  });

  it("the longest numbers and escapes hit the bound's worst cases", () => {
    // The longest: decimal notation with 17 significant digits from 1e-6 on (25 characters; found by the property above).
    for (const v of [
      -0.0000010523638128410161,
      -1.7976931348623157e308,
      -2.2250738585072014e-308,
      "\u0000",
      "\ud800",
      "€",
      "😀",
      { "\u0001": [true, null] },
    ] as JsonValue[]) {
      assert.ok(jsonSizeBound(v, Number.MAX_SAFE_INTEGER) >= bytes(v), JSON.stringify(v));
    }
  });

  it("still fails a payload over 256 KiB by its exact size, and passes one exactly at it", () => {
    const limit = 262_144;
    const at = "x".repeat(limit - 2); // plus the two quotes: exactly 256 KiB
    assert.doesNotThrow(() => checkPayloadSize("S", at));
    assert.throws(() => checkPayloadSize("S", at + "x"), DataLimitExceededError);
    // Under the bound's shortcut (6 bytes per unit) but over by exact size in UTF-8: 3 bytes per €.
    assert.throws(() => checkPayloadSize("S", { k: "€".repeat(limit / 3) }), DataLimitExceededError);
    assert.doesNotThrow(() => checkPayloadSize("S", { k: "€".repeat(limit / 3 - 10) }));
  });
});
