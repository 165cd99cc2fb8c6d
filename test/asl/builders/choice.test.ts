import { strict as assert } from "node:assert";
import { choice, Condition, jsonata, pass, path, succeed, task, wait } from "../../../asl/builders";
import { fn, render, stateOf } from "./helpers";

describe("asl/builders choice() and Condition", () => {
  it("renders JSONPath rules, literal and Path comparisons, Default", () => {
    const c = choice("Route", { comment: "by size", inputPath: "$.in", outputPath: "$.out" })
      .when(Condition.numberGreaterThan("$.count", 100), pass("Big"), { comment: "large", assign: { size: "big" } })
      .when(Condition.stringEquals("$.a", path("$.b")), pass("Same"))
      .otherwise(pass("Small"));
    assert.deepStrictEqual(stateOf(c, "Route"), {
      Type: "Choice",
      Comment: "by size",
      InputPath: "$.in",
      Choices: [
        { Variable: "$.count", NumericGreaterThan: 100, Next: "Big", Assign: { size: "big" }, Comment: "large" },
        { Variable: "$.a", StringEqualsPath: "$.b", Next: "Same" },
      ],
      Default: "Small",
      OutputPath: "$.out",
    });
  });

  it("has a helper for every comparison operator, and a Path twin when the value is a path()", () => {
    const cases: Array<[ReturnType<typeof Condition.isNull>, Record<string, unknown>]> = [
      [Condition.stringEquals("$.s", "x"), { Variable: "$.s", StringEquals: "x" }],
      [Condition.stringEquals("$.s", path("$.t")), { Variable: "$.s", StringEqualsPath: "$.t" }],
      [Condition.stringLessThan("$.s", "x"), { Variable: "$.s", StringLessThan: "x" }],
      [Condition.stringGreaterThan("$.s", "x"), { Variable: "$.s", StringGreaterThan: "x" }],
      [Condition.stringLessThanEquals("$.s", "x"), { Variable: "$.s", StringLessThanEquals: "x" }],
      [Condition.stringGreaterThanEquals("$.s", path("$.t")), { Variable: "$.s", StringGreaterThanEqualsPath: "$.t" }],
      [Condition.stringMatches("$.s", "log-*.txt"), { Variable: "$.s", StringMatches: "log-*.txt" }],
      [Condition.numberEquals("$.n", 1), { Variable: "$.n", NumericEquals: 1 }],
      [Condition.numberLessThan("$.n", 1), { Variable: "$.n", NumericLessThan: 1 }],
      [Condition.numberGreaterThan("$.n", path("$.m")), { Variable: "$.n", NumericGreaterThanPath: "$.m" }],
      [Condition.numberLessThanEquals("$.n", 1), { Variable: "$.n", NumericLessThanEquals: 1 }],
      [Condition.numberGreaterThanEquals("$.n", 1), { Variable: "$.n", NumericGreaterThanEquals: 1 }],
      [Condition.booleanEquals("$.b", false), { Variable: "$.b", BooleanEquals: false }],
      [Condition.booleanEquals("$.b", path("$.c")), { Variable: "$.b", BooleanEqualsPath: "$.c" }],
      [Condition.timestampEquals("$.t", "2026-01-01T00:00:00Z"), { Variable: "$.t", TimestampEquals: "2026-01-01T00:00:00Z" }],
      [Condition.timestampLessThan("$.t", "2026-01-01T00:00:00Z"), { Variable: "$.t", TimestampLessThan: "2026-01-01T00:00:00Z" }],
      [Condition.timestampGreaterThan("$.t", path("$.u")), { Variable: "$.t", TimestampGreaterThanPath: "$.u" }],
      [
        Condition.timestampLessThanEquals("$.t", "2026-01-01T00:00:00Z"),
        { Variable: "$.t", TimestampLessThanEquals: "2026-01-01T00:00:00Z" },
      ],
      [
        Condition.timestampGreaterThanEquals("$.t", "2026-01-01T00:00:00Z"),
        { Variable: "$.t", TimestampGreaterThanEquals: "2026-01-01T00:00:00Z" },
      ],
      [Condition.isNull("$.x"), { Variable: "$.x", IsNull: true }],
      [Condition.isPresent("$.x", false), { Variable: "$.x", IsPresent: false }],
      [Condition.isNumeric("$.x"), { Variable: "$.x", IsNumeric: true }],
      [Condition.isString("$.x"), { Variable: "$.x", IsString: true }],
      [Condition.isBoolean("$.x"), { Variable: "$.x", IsBoolean: true }],
      [Condition.isTimestamp("$.x"), { Variable: "$.x", IsTimestamp: true }],
      [
        Condition.and(Condition.isPresent("$.a"), Condition.or(Condition.numberEquals("$.a", 1), Condition.not(Condition.isNull("$.b")))),
        {
          And: [
            { Variable: "$.a", IsPresent: true },
            { Or: [{ Variable: "$.a", NumericEquals: 1 }, { Not: { Variable: "$.b", IsNull: true } }] },
          ],
        },
      ],
    ];
    for (const [rule, expected] of cases) {
      assert.deepStrictEqual(rule.toJSON(), expected);
      // Every one renders and validates inside a machine.
      const rendered = render(choice("C").when(rule, succeed("Yes")).otherwise(succeed("No")));
      assert.deepStrictEqual((rendered.States.C as { Choices: unknown[] }).Choices[0], { ...expected, Next: "Yes" });
    }
  });

  it("renders JSONata Conditions with per-rule Output and Assign", () => {
    const c = choice("C")
      .when(Condition.jsonata("$states.input.n > 0"), succeed("Pos"), { output: { n: jsonata("$states.input.n") }, assign: { sign: 1 } })
      .when(Condition.jsonata(true), succeed("Always"))
      .otherwise(succeed("Never"));
    assert.deepStrictEqual(stateOf(c, "C", { queryLanguage: "JSONata" }), {
      Type: "Choice",
      Choices: [
        { Condition: "{% $states.input.n > 0 %}", Next: "Pos", Output: { n: "{% $states.input.n %}" }, Assign: { sign: 1 } },
        { Condition: true, Next: "Always" },
      ],
      Default: "Never",
    });
  });

  it("afterwards() continues every branch's open ends with one state", () => {
    const c = choice("C").when(Condition.isPresent("$.a"), pass("A")).otherwise(pass("B"));
    const def = render(c.afterwards().next(pass("Join")));
    assert.equal((def.States.A as { Next?: string }).Next, "Join");
    assert.equal((def.States.B as { Next?: string }).Next, "Join");
    assert.deepStrictEqual(def.States.Join, { Type: "Pass", End: true });
  });

  it("closes loops by reusing a state object", () => {
    const poll = task("Poll", fn, { resultPath: "$.status" });
    const pause = wait("Pause", { seconds: 5 });
    const done = succeed("Done");
    poll.next(choice("Ready").when(Condition.booleanEquals("$.status.ready", true), done).otherwise(pause));
    pause.next(poll);
    const def = render(poll);
    assert.deepStrictEqual(Object.keys(def.States), ["Poll", "Ready", "Done", "Pause"]);
    assert.equal((def.States.Pause as { Next?: string }).Next, "Poll");
  });

  it("rejects rules of the other query language, empty combinators, bad variables and values", () => {
    assert.throws(
      () => render(choice("C").when(Condition.jsonata("$x"), succeed("S"))),
      /state "C" Choices\[0\]: a JSONata Condition in a JSONPath state/,
    );
    assert.throws(
      () => render(choice("C").when(Condition.isNull("$.x"), succeed("S")), { queryLanguage: "JSONata" }),
      /a JSONPath rule in a JSONata state; use Condition\.jsonata/,
    );
    assert.throws(
      () => render(choice("C").when(Condition.isNull("$.x"), succeed("S"), { output: 1 })),
      /Choices\[0\]\.Output: only allowed in JSONata/,
    );
    assert.throws(() => render(choice("C")), /choice\("C"\): add at least one rule/);
    assert.throws(() => Condition.and(), /Condition\.and: give at least one rule/);
    assert.throws(() => Condition.or(Condition.jsonata("$x")), /combine JSONPath rules only/);
    assert.throws(() => Condition.not(Condition.jsonata("$x")), /Condition\.not: negate a JSONPath rule/);
    assert.throws(
      () => Condition.stringEquals("x" as `$${string}`, "a"),
      /Condition\.stringEquals: the variable must be a JSONPath starting with "\$"/,
    );
    assert.throws(
      () => Condition.numberEquals("$.n", "1" as unknown as number),
      /Condition\.numberEquals: the value must be a number or a path\(\)/,
    );
    assert.throws(() => Condition.numberEquals("$.n", jsonata("1") as never), /cannot compare with jsonata\(\)/);
    assert.throws(() => Condition.jsonata(" "), /Condition\.jsonata: the expression is empty/);
    assert.throws(() => choice("C").when({} as never, succeed("S")), /build the rule with Condition/);
    assert.throws(() => choice("C").when(Condition.isNull("$.x"), {} as never), /the target must be a state or a chain/);
    assert.throws(() => choice("C").otherwise(succeed("A")).otherwise(succeed("B")), /already has a default \("A"\)/);
  });
});
