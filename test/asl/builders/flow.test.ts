import { strict as assert } from "node:assert";
import { fail, intrinsic, jsonata, parallel, pass, path, succeed, task, wait } from "../../../asl/builders";
import { FN_ARN, OTHER_ARN, fn, other, render, stateOf } from "./helpers";

describe("asl/builders pass()", () => {
  it("renders Result, Parameters and the JSONPath I/O fields", () => {
    const p = pass("P", {
      comment: "seed",
      inputPath: "$.in",
      parameters: { a: path("$.a") },
      result: { fixed: [1, 2] },
      resultPath: "$.r",
      outputPath: "$.r",
      assign: { x: 1 },
    });
    assert.deepStrictEqual(stateOf(p, "P"), {
      Type: "Pass",
      Comment: "seed",
      InputPath: "$.in",
      Parameters: { "a.$": "$.a" },
      Result: { fixed: [1, 2] },
      ResultPath: "$.r",
      OutputPath: "$.r",
      Assign: { x: 1 },
      End: true,
    });
    assert.deepStrictEqual(stateOf(pass("Q"), "Q"), { Type: "Pass", End: true });
  });

  it("copies Result into plain JSON (the definition shares nothing with the caller) and rejects non-JSON", () => {
    const result = { list: [1, { a: "b" }] };
    const def = render(pass("P", { result }));
    result.list.push(2);
    assert.deepStrictEqual((def.States.P as { Result: unknown }).Result, { list: [1, { a: "b" }] });
    assert.throws(() => render(pass("P", { result: { n: Number.NaN } })), /state "P" field Result\.n: NaN is not a JSON number/);
  });

  it("renders Output in JSONata and rejects Result there", () => {
    assert.deepStrictEqual(stateOf(pass("P", { queryLanguage: "JSONata", output: { v: jsonata("$states.input.v") } }), "P"), {
      Type: "Pass",
      QueryLanguage: "JSONata",
      Output: { v: "{% $states.input.v %}" },
      End: true,
    });
    assert.throws(() => render(pass("P", { result: 1 }), { queryLanguage: "JSONata" }), /state "P" field Result: only allowed in JSONPath/);
  });
});

describe("asl/builders wait()", () => {
  it("renders exactly one of Seconds, SecondsPath, Timestamp, TimestampPath", () => {
    assert.deepStrictEqual(stateOf(wait("W", { seconds: 10 }), "W"), { Type: "Wait", Seconds: 10, End: true });
    assert.deepStrictEqual(stateOf(wait("W", { seconds: path("$.delay") }), "W"), { Type: "Wait", SecondsPath: "$.delay", End: true });
    assert.deepStrictEqual(stateOf(wait("W", { timestamp: "2026-01-01T00:00:00Z" }), "W"), {
      Type: "Wait",
      Timestamp: "2026-01-01T00:00:00Z",
      End: true,
    });
    assert.deepStrictEqual(stateOf(wait("W", { timestamp: path("$.at") }), "W"), { Type: "Wait", TimestampPath: "$.at", End: true });
    assert.deepStrictEqual(stateOf(wait("W", { seconds: jsonata("$states.input.delay") }), "W", { queryLanguage: "JSONata" }), {
      Type: "Wait",
      Seconds: "{% $states.input.delay %}",
      End: true,
    });
  });

  it("rejects both or neither of seconds and timestamp", () => {
    assert.throws(() => wait("W", {} as never), /wait\("W"\): give exactly one of seconds and timestamp/);
    assert.throws(() => wait("W", { seconds: 1, timestamp: "2026-01-01T00:00:00Z" } as never), /exactly one of seconds and timestamp/);
  });
});

describe("asl/builders succeed() and fail()", () => {
  it("renders Succeed with its I/O fields and no transition", () => {
    assert.deepStrictEqual(stateOf(succeed("S", { comment: "ok", inputPath: "$.a", outputPath: "$.b" }), "S"), {
      Type: "Succeed",
      Comment: "ok",
      InputPath: "$.a",
      OutputPath: "$.b",
    });
    assert.deepStrictEqual(stateOf(succeed("S", { output: jsonata("$states.input.x") }), "S", { queryLanguage: "JSONata" }), {
      Type: "Succeed",
      Output: "{% $states.input.x %}",
    });
  });

  it("renders Fail with Error/Cause literals, paths or JSONata", () => {
    assert.deepStrictEqual(stateOf(fail("F", { error: "Bad", cause: "because" }), "F"), { Type: "Fail", Error: "Bad", Cause: "because" });
    assert.deepStrictEqual(stateOf(fail("F", { error: path("$.e"), cause: path("$.c") }), "F"), {
      Type: "Fail",
      ErrorPath: "$.e",
      CausePath: "$.c",
    });
    assert.deepStrictEqual(stateOf(fail("F", { error: jsonata("$states.input.e") }), "F", { queryLanguage: "JSONata" }), {
      Type: "Fail",
      Error: "{% $states.input.e %}",
    });
    assert.deepStrictEqual(stateOf(fail("F"), "F"), { Type: "Fail" });
    // state-fail.html: CausePath may be an intrinsic function.
    assert.deepStrictEqual(stateOf(fail("F", { error: "Bad", cause: intrinsic("States.Format('item {} failed', $.id)") }), "F"), {
      Type: "Fail",
      Error: "Bad",
      CausePath: "States.Format('item {} failed', $.id)",
    });
    assert.throws(
      () => render(fail("F", { cause: intrinsic("States.Format('x')") }), { queryLanguage: "JSONata" }),
      /state "F" field Cause: only allowed in JSONPath/,
    );
  });

  it("cannot be continued: a chain ending in them has no open ends", () => {
    const chain = task("T", fn).next(succeed("S"));
    assert.throws(() => chain.next(pass("After")), /Cannot continue the chain starting at "T" with "After": it has no open ends/);
    assert.equal((succeed("S") as unknown as { next?: unknown }).next, undefined);
  });
});

describe("asl/builders parallel()", () => {
  it("renders each branch as a nested state machine, with I/O, Retry and Catch", () => {
    const p = parallel("P", [task("A", fn), task("B", other).next(pass("B2"))], {
      parameters: { x: path("$.x") },
      resultSelector: { first: path("$[0]") },
      resultPath: "$.both",
      retry: [{ errors: ["States.BranchFailed"], maxAttempts: 2 }],
    }).addCatch(fail("Broken", { error: "ParallelFailed" }));
    const def = render(p);
    assert.deepStrictEqual(def.States.P, {
      Type: "Parallel",
      Parameters: { "x.$": "$.x" },
      Branches: [
        { StartAt: "A", States: { A: { Type: "Task", Resource: FN_ARN, End: true } } },
        { StartAt: "B", States: { B: { Type: "Task", Resource: OTHER_ARN, Next: "B2" }, B2: { Type: "Pass", End: true } } },
      ],
      ResultSelector: { "first.$": "$[0]" },
      ResultPath: "$.both",
      Retry: [{ ErrorEquals: ["States.BranchFailed"], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Broken" }],
      End: true,
    });
    assert.deepStrictEqual(def.States.Broken, { Type: "Fail", Error: "ParallelFailed" });
  });

  it("renders Arguments and Output in JSONata", () => {
    const p = parallel("P", [pass("A")], { arguments: { x: jsonata("$states.input.x") }, output: jsonata("$states.result[0]") });
    assert.deepStrictEqual(stateOf(p, "P", { queryLanguage: "JSONata" }), {
      Type: "Parallel",
      Arguments: { x: "{% $states.input.x %}" },
      Branches: [{ StartAt: "A", States: { A: { Type: "Pass", End: true } } }],
      Output: "{% $states.result[0] %}",
      End: true,
    });
  });

  it("needs at least one branch, each a state or chain", () => {
    assert.throws(() => parallel("P", []), /parallel\("P"\): give at least one branch/);
    assert.throws(() => parallel("P", [{} as never]), /parallel\("P"\): branch 0 is not a state or a chain/);
  });
});
