import { strict as assert } from "node:assert";
import { BuilderError, jsonata, lambda, lambdaInvoke, machine, path, StatesErrors, succeed, task } from "../../../asl/builders";
import { FN_ARN, fn, render, stateOf } from "./helpers";

describe("asl/builders lambda()", () => {
  it("makes a frozen typed reference with a name and the handler", async () => {
    const ref = lambda("Double", async (e: { n: number }) => e.n * 2);
    assert.equal(ref.kind, "lambda");
    assert.equal(ref.name, "Double");
    assert.equal(await ref.handler({ n: 21 }), 42);
    assert.ok(Object.isFrozen(ref));
  });

  it("rejects names Lambda would reject and non-function handlers", () => {
    assert.throws(() => lambda("", async () => 1), /name must not be empty/);
    assert.throws(() => lambda("has space", async () => 1), /only letters, digits, hyphens and underscores/);
    assert.throws(() => lambda("x".repeat(65), async () => 1), /at most 64 characters/);
    assert.throws(() => lambda("Ok", "handler" as unknown as () => Promise<void>), /handler must be a function/);
  });
});

describe("asl/builders task()", () => {
  it("invokes a Lambda by its direct function ARN (the seeds' form)", () => {
    assert.deepStrictEqual(stateOf(task("T", fn), "T"), { Type: "Task", Resource: FN_ARN, End: true });
  });

  it("renders every JSONPath field in ASL order", () => {
    const t = task("T", fn, {
      comment: "doubles",
      inputPath: "$.in",
      parameters: { n: path("$.n"), fixed: 1 },
      resultSelector: { d: path("$.doubled") },
      resultPath: "$.out",
      outputPath: "$.out",
      assign: { last: path("$.n") },
      timeoutSeconds: 30,
      heartbeatSeconds: path("$.hb"),
      retry: [
        {
          errors: [StatesErrors.TaskFailed],
          intervalSeconds: 2,
          maxAttempts: 3,
          backoffRate: 2,
          maxDelaySeconds: 10,
          jitterStrategy: "FULL",
        },
      ],
    });
    const state = stateOf(t, "T");
    assert.deepStrictEqual(state, {
      Type: "Task",
      Comment: "doubles",
      Resource: FN_ARN,
      InputPath: "$.in",
      Parameters: { "n.$": "$.n", fixed: 1 },
      ResultSelector: { "d.$": "$.doubled" },
      ResultPath: "$.out",
      OutputPath: "$.out",
      Assign: { "last.$": "$.n" },
      TimeoutSeconds: 30,
      HeartbeatSecondsPath: "$.hb",
      Retry: [
        {
          ErrorEquals: ["States.TaskFailed"],
          IntervalSeconds: 2,
          MaxAttempts: 3,
          BackoffRate: 2,
          MaxDelaySeconds: 10,
          JitterStrategy: "FULL",
        },
      ],
      End: true,
    });
    assert.deepStrictEqual(Object.keys(state), [
      "Type",
      "Comment",
      "Resource",
      "InputPath",
      "Parameters",
      "ResultSelector",
      "ResultPath",
      "OutputPath",
      "Assign",
      "TimeoutSeconds",
      "HeartbeatSecondsPath",
      "Retry",
      "End",
    ]);
  });

  it("renders null paths (discard) as null", () => {
    assert.deepStrictEqual(stateOf(task("T", fn, { resultPath: null, outputPath: null }), "T"), {
      Type: "Task",
      Resource: FN_ARN,
      ResultPath: null,
      OutputPath: null,
      End: true,
    });
  });

  it("renders JSONata fields in a JSONata state (per state or per machine)", () => {
    const t = task("T", fn, {
      queryLanguage: "JSONata",
      arguments: { n: jsonata("$states.input.n") },
      output: jsonata("$states.result.doubled"),
      assign: { seen: jsonata("$states.input.n") },
      timeoutSeconds: jsonata("$states.input.timeout"),
    });
    assert.deepStrictEqual(stateOf(t, "T"), {
      Type: "Task",
      QueryLanguage: "JSONata",
      Resource: FN_ARN,
      Arguments: { n: "{% $states.input.n %}" },
      Output: "{% $states.result.doubled %}",
      Assign: { seen: "{% $states.input.n %}" },
      TimeoutSeconds: "{% $states.input.timeout %}",
      End: true,
    });
    const inherited = stateOf(task("U", fn, { output: { d: jsonata("$states.result.doubled") } }), "U", { queryLanguage: "JSONata" });
    assert.deepStrictEqual(inherited, { Type: "Task", Resource: FN_ARN, Output: { d: "{% $states.result.doubled %}" }, End: true });
  });

  it("calls any other service integration by its plain ARN", () => {
    const t = task("Put", "arn:aws:states:::dynamodb:putItem", { parameters: { TableName: "t", Item: { id: { "S.$": "$.id" } } } });
    assert.deepStrictEqual(stateOf(t, "Put"), {
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:putItem",
      Parameters: { TableName: "t", Item: { id: { "S.$": "$.id" } } },
      End: true,
    });
  });

  it("adds Catch rules whose targets are states, not names (default ErrorEquals States.ALL)", () => {
    const failed = succeed("Recovered");
    const t = task("T", fn)
      .addRetry({ errors: ["Lambda.TooManyRequestsException"], maxAttempts: 6 })
      .addCatch(failed, { resultPath: "$.error" });
    const def = render(t);
    assert.deepStrictEqual(def.States.T, {
      Type: "Task",
      Resource: FN_ARN,
      Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], MaxAttempts: 6 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recovered", ResultPath: "$.error" }],
      End: true,
    });
    assert.deepStrictEqual(def.States.Recovered, { Type: "Succeed" });
  });

  it("renders a JSONata Catch with Output and Assign", () => {
    const t = task("T", fn, { queryLanguage: "JSONata" }).addCatch(succeed("Done"), {
      errors: ["States.Timeout"],
      output: { error: jsonata("$states.errorOutput") },
      assign: { failed: true },
      comment: "timeouts",
    });
    assert.deepStrictEqual(stateOf(t, "T").Catch, [
      {
        ErrorEquals: ["States.Timeout"],
        Next: "Done",
        Output: { error: "{% $states.errorOutput %}" },
        Assign: { failed: true },
        Comment: "timeouts",
      },
    ]);
  });

  it("rejects fields of the other query language, naming the state and field", () => {
    assert.throws(
      () => render(task("T", fn, { queryLanguage: "JSONata", inputPath: "$.x" })),
      /state "T" field InputPath: only allowed in JSONPath states; this state uses JSONata/,
    );
    assert.throws(
      () => render(task("T", fn, { queryLanguage: "JSONata", parameters: { a: 1 } })),
      /field Parameters: only allowed in JSONPath/,
    );
    assert.throws(
      () => render(task("T", fn, { resultPath: "$.r" }), { queryLanguage: "JSONata" }),
      /field ResultPath: only allowed in JSONPath/,
    );
    assert.throws(
      () => render(task("T", fn, { arguments: { a: 1 } })),
      /state "T" field Arguments: only allowed in JSONata states; this state uses JSONPath/,
    );
    assert.throws(() => render(task("T", fn, { output: 1 })), /field Output: only allowed in JSONata/);
    assert.throws(() => render(task("T", fn).addCatch(succeed("S"), { output: 1 })), /field Catch\[0\]\.Output: only allowed in JSONata/);
    assert.throws(
      () => render(task("T", fn, { queryLanguage: "JSONata" }).addCatch(succeed("S"), { resultPath: "$.e" })),
      /Catch\[0\]\.ResultPath: only allowed in JSONPath/,
    );
  });

  it("rejects a malformed reference path, empty error lists, and a Lambda ARN given as a string", () => {
    assert.throws(
      () => render(task("T", fn, { inputPath: "in" as `$${string}` })),
      /field InputPath: must be a JSONPath starting with "\$" or null/,
    );
    assert.throws(() => render(task("T", fn, { retry: [{ errors: [] }] })), /Retry\[0\]: errors must list at least one error name/);
    assert.throws(
      () => render(task("T", fn).addCatch(succeed("S"), { errors: [] })),
      /Catch\[0\]: errors must list at least one error name/,
    );
    assert.throws(
      () => task("T", "arn:aws:lambda:us-east-1:123456789012:function:Fn"),
      (e: unknown) =>
        e instanceof BuilderError && /is a Lambda function ARN; reference the function with lambda\(name, handler\)/.test(e.message),
    );
    assert.throws(() => task("T", "not-an-arn" as `arn:${string}`), /must be a lambda\(\.\.\.\) reference or a resource ARN/);
    assert.throws(() => task("", fn), /A state needs a non-empty name/);
  });
});

describe("asl/builders lambdaInvoke()", () => {
  it("wraps the input as Payload: Parameters {FunctionName, Payload.$: $} by default", () => {
    assert.deepStrictEqual(stateOf(lambdaInvoke("T", fn), "T"), {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: FN_ARN, "Payload.$": "$" },
      End: true,
    });
  });

  it("takes a payload template, a qualifier, an invocation type and the usual I/O fields", () => {
    const t = lambdaInvoke("T", fn, {
      payload: { n: path("$.n") },
      qualifier: "live",
      invocationType: "Event",
      resultSelector: { r: path("$.Payload") },
    });
    assert.deepStrictEqual(stateOf(t, "T"), {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: `${FN_ARN}:live`, Payload: { "n.$": "$.n" }, InvocationType: "Event" },
      ResultSelector: { "r.$": "$.Payload" },
      End: true,
    });
    assert.deepStrictEqual(stateOf(lambdaInvoke("U", fn, { payload: path("$.item") }), "U").Parameters, {
      FunctionName: FN_ARN,
      "Payload.$": "$.item",
    });
  });

  it("renders Arguments {FunctionName, Payload: {% $states.input %}} in JSONata", () => {
    assert.deepStrictEqual(
      stateOf(lambdaInvoke("T", fn, { output: jsonata("$states.result.Payload") }), "T", { queryLanguage: "JSONata" }),
      {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Arguments: { FunctionName: FN_ARN, Payload: "{% $states.input %}" },
        Output: "{% $states.result.Payload %}",
        End: true,
      },
    );
  });

  it("refuses hand-written Parameters/Arguments (the payload option says it) and non-references", () => {
    assert.throws(() => render(lambdaInvoke("T", fn, { parameters: { a: 1 } })), /builds its own Parameters; use the payload option/);
    assert.throws(
      () => render(lambdaInvoke("T", fn, { arguments: { a: 1 } }), { queryLanguage: "JSONata" }),
      /builds its own Arguments; use the payload option/,
    );
    assert.throws(() => lambdaInvoke("T", "Fn" as unknown as typeof fn), /must be a lambda\(\.\.\.\) reference/);
  });

  it("counts its function among the machine's lambdas", () => {
    assert.deepStrictEqual(machine(lambdaInvoke("T", fn)).lambdas, [fn]);
  });
});
