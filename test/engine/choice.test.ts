/**
 * Choice rules. https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../asl/types";
import { runDef } from "./helpers";

/** Runs a Choice with one rule; returns "yes" when it matched, "no" for the Default. */
async function decide(rule: Record<string, unknown>, input: JsonValue): Promise<string> {
  const def = {
    StartAt: "C",
    States: {
      C: { Type: "Choice", Choices: [{ ...rule, Next: "Yes" }], Default: "No" },
      Yes: { Type: "Pass", Result: "yes", End: true },
      No: { Type: "Pass", Result: "no", End: true },
    },
  };
  const r = await runDef(def, input);
  if (r.status !== "SUCCEEDED") return `${r.error}`;
  return r.output as string;
}

describe("engine: Choice", () => {
  it("string, numeric, boolean and timestamp comparisons", async () => {
    const input = { s: "b", n: 5, t: true, ts: "2024-03-01T10:00:00Z", ts2: "2024-03-01T11:00:00+01:00" };
    assert.equal(await decide({ Variable: "$.s", StringEquals: "b" }, input), "yes");
    assert.equal(await decide({ Variable: "$.s", StringLessThan: "c" }, input), "yes");
    assert.equal(await decide({ Variable: "$.s", StringGreaterThanEquals: "c" }, input), "no");
    assert.equal(await decide({ Variable: "$.n", NumericEquals: 5 }, input), "yes");
    assert.equal(await decide({ Variable: "$.n", NumericLessThanEquals: 4 }, input), "no");
    assert.equal(await decide({ Variable: "$.n", NumericGreaterThan: 4.5 }, input), "yes");
    assert.equal(await decide({ Variable: "$.t", BooleanEquals: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.ts", TimestampEquals: "2024-03-01T10:00:00Z" }, input), "yes");
    // same instant written with an offset
    assert.equal(await decide({ Variable: "$.ts2", TimestampEquals: "2024-03-01T10:00:00Z" }, input), "yes");
    assert.equal(await decide({ Variable: "$.ts", TimestampGreaterThan: "2024-01-01T00:00:00Z" }, input), "yes");
  });

  it("a comparison on a value of another type is false, not an error", async () => {
    assert.equal(await decide({ Variable: "$.n", StringEquals: "5" }, { n: 5 }), "no");
    assert.equal(await decide({ Variable: "$.s", NumericEquals: 5 }, { s: "5" }), "no");
  });

  it("...Path variants compare against another field of the input", async () => {
    // "...Path: compare to a value selected from the state input"
    assert.equal(await decide({ Variable: "$.a", NumericLessThanPath: "$.b" }, { a: 1, b: 2 }), "yes");
    assert.equal(await decide({ Variable: "$.a", StringEqualsPath: "$.b" }, { a: "x", b: "y" }), "no");
    assert.equal(
      await decide({ Variable: "$.a", TimestampLessThanEqualsPath: "$.b" }, { a: "2024-01-01T00:00:00Z", b: "2024-01-01T00:00:00Z" }),
      "yes",
    );
    assert.equal(await decide({ Variable: "$.a", BooleanEqualsPath: "$.b" }, { a: false, b: false }), "yes");
  });

  it("StringMatches: * is a wildcard, \\* a literal star, \\\\ a literal backslash", async () => {
    // "StringMatches ... Matches against a string ... with wildcards (*); to match a literal * or \, escape it with a backslash"
    assert.equal(await decide({ Variable: "$.f", StringMatches: "log-*.txt" }, { f: "log-2024-01.txt" }), "yes");
    assert.equal(await decide({ Variable: "$.f", StringMatches: "*.csv" }, { f: "data.txt" }), "no");
    assert.equal(await decide({ Variable: "$.f", StringMatches: "a\\*b" }, { f: "a*b" }), "yes");
    assert.equal(await decide({ Variable: "$.f", StringMatches: "a\\*b" }, { f: "axxb" }), "no");
    assert.equal(await decide({ Variable: "$.f", StringMatches: "c:\\\\dir" }, { f: "c:\\dir" }), "yes");
  });

  it("Is* tests: IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp", async () => {
    const input = { z: null, n: 1, s: "x", b: false, ts: "2024-01-01T00:00:00Z" };
    assert.equal(await decide({ Variable: "$.z", IsNull: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.missing", IsPresent: false }, input), "yes");
    assert.equal(await decide({ Variable: "$.n", IsPresent: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.n", IsNumeric: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.s", IsString: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.b", IsBoolean: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.ts", IsTimestamp: true }, input), "yes");
    assert.equal(await decide({ Variable: "$.s", IsTimestamp: true }, input), "no");
  });

  it("And, Or, Not combine rules", async () => {
    const input = { a: 1, b: "x" };
    assert.equal(
      await decide(
        {
          And: [
            { Variable: "$.a", NumericEquals: 1 },
            { Variable: "$.b", StringEquals: "x" },
          ],
        },
        input,
      ),
      "yes",
    );
    assert.equal(
      await decide(
        {
          Or: [
            { Variable: "$.a", NumericEquals: 2 },
            { Variable: "$.b", StringEquals: "y" },
          ],
        },
        input,
      ),
      "no",
    );
    assert.equal(await decide({ Not: { Variable: "$.a", NumericEquals: 2 } }, input), "yes");
  });

  it("rules are tried in order; the first match wins", async () => {
    const def = {
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [
            { Variable: "$.a", NumericGreaterThan: 0, Next: "First" },
            { Variable: "$.a", NumericGreaterThan: 0, Next: "Second" },
          ],
        },
        First: { Type: "Pass", Result: 1, End: true },
        Second: { Type: "Pass", Result: 2, End: true },
      },
    };
    assert.equal((await runDef(def, { a: 1 })).output, 1);
  });

  it("no match and no Default fails with States.NoChoiceMatched", async () => {
    // "If no Choice Rule matches and no Default is specified, the state machine fails with States.NoChoiceMatched"
    const def = {
      StartAt: "C",
      States: { C: { Type: "Choice", Choices: [{ Variable: "$.a", NumericEquals: 2, Next: "X" }] }, X: { Type: "Succeed" } },
    };
    const r = await runDef(def, { a: 1 });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.NoChoiceMatched");
  });

  it("a Variable that is not in the input is a runtime error (except IsPresent)", async () => {
    assert.equal(await decide({ Variable: "$.missing", StringEquals: "x" }, {}), "States.Runtime");
  });

  it("Choice applies InputPath and OutputPath but passes its input through", async () => {
    const def = {
      StartAt: "C",
      States: {
        C: { Type: "Choice", InputPath: "$.in", OutputPath: "$.v", Choices: [{ Variable: "$.v", NumericEquals: 1, Next: "E" }] },
        E: { Type: "Succeed" },
      },
    };
    assert.equal((await runDef(def, { in: { v: 1 } })).output, 1);
  });
});
