/**
 * Lambda tasks run in-process.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 */
import { strict as assert } from "node:assert";
import { eventsOf, fnArn, plainHistory, runDef, single } from "./helpers";

describe("engine: Lambda tasks", () => {
  it("resolves direct, qualified and lambda:invoke FunctionName forms (name, partial ARN, full ARN) to the handler by name", async () => {
    const seen: string[] = [];
    const handlers = {
      fn: async (_e: unknown, ctx: { functionName: string }) => {
        seen.push(ctx.functionName);
        return 1;
      },
    };
    const resources = [
      { Resource: fnArn("fn") },
      { Resource: fnArn("fn") + ":live" },
      { Resource: fnArn("fn") + ":$LATEST" },
      { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "fn" } },
      { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "fn:alias" } },
      { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "123456789012:function:fn" } },
      { Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: fnArn("fn") + ":3" } },
    ];
    for (const r of resources) {
      const res = await runDef(single({ Type: "Task", ...r }), {}, handlers);
      assert.equal(res.status, "SUCCEEDED", JSON.stringify(r));
    }
    assert.equal(seen.length, resources.length);
  });

  it("a direct ARN's result is the handler's return value; undefined becomes null", async () => {
    assert.deepEqual((await runDef(single({ Type: "Task", Resource: fnArn("f") }), {}, { f: async () => ({ a: [1] }) })).output, {
      a: [1],
    });
    assert.equal((await runDef(single({ Type: "Task", Resource: fnArn("f") }), {}, { f: async () => undefined })).output, null);
  });

  it("lambda:invoke returns the Invoke API response: ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode", async () => {
    // connect-lambda.html: the optimized integration's output wraps the function's response in "Payload".
    const r = await runDef(
      single({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f", "Payload.$": "$" } }),
      { x: 1 },
      { f: async (e) => ({ got: e }) },
    );
    const out = r.output as Record<string, any>;
    assert.deepEqual(Object.keys(out), ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"]);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.deepEqual(out.Payload, { got: { x: 1 } });
    assert.equal(out.StatusCode, 200);
    assert.equal(out.SdkHttpMetadata.HttpStatusCode, 200);
    assert.equal(out.SdkHttpMetadata.HttpHeaders["X-Amz-Executed-Version"], "$LATEST");
    assert.deepEqual(out.SdkHttpMetadata.AllHttpHeaders["Content-Type"], ["application/json"]);
    assert.equal(out.SdkResponseMetadata.RequestId, out.SdkHttpMetadata.HttpHeaders["x-amzn-RequestId"]);
    assert.equal(eventsOf(r, "TaskScheduled").length, 1);
    const scheduled = plainHistory(r).find((e) => e.type === "TaskScheduled")!.taskScheduledEventDetails as Record<string, string>;
    assert.equal(scheduled.resourceType, "lambda");
    assert.equal(scheduled.resource, "invoke");
    assert.deepEqual(JSON.parse(scheduled.parameters), { FunctionName: "f", Payload: { x: 1 } });
  });

  it("the handler gets a deep copy, serialized as Lambda would (JSON round trip)", async () => {
    let received: any;
    const input = { nested: { n: 1 } };
    const r = await runDef(single({ Type: "Task", Resource: fnArn("f"), ResultPath: "$.r" }), input, {
      f: async (e: any) => {
        received = e;
        e.nested.n = 99; // mutating the event must not leak into the state machine's data
        return { when: new Date(Date.UTC(2024, 0, 1)), fn: () => 1, undef: undefined };
      },
    });
    assert.equal(received.nested.n, 99);
    assert.deepEqual(r.output, { nested: { n: 1 }, r: { when: "2024-01-01T00:00:00.000Z" } });
  });

  it("a thrown error becomes Error = its name and Cause = the Lambda error JSON {errorType, errorMessage, trace}", async () => {
    // nodejs-exceptions.html: the runtime reports { "errorType": ..., "errorMessage": ..., "trace": [...] }
    class ValidationError extends Error {
      override name = "ValidationError";
    }
    for (const resource of [fnArn("f"), "arn:aws:states:::lambda:invoke"]) {
      const r = await runDef(
        single({ Type: "Task", Resource: resource, Parameters: { FunctionName: "f", Payload: {} } }),
        {},
        {
          f: async () => {
            throw new ValidationError("bad input");
          },
        },
      );
      assert.equal(r.status, "FAILED");
      assert.equal(r.error, "ValidationError");
      const cause = JSON.parse(r.cause!);
      assert.deepEqual(Object.keys(cause), ["errorType", "errorMessage", "trace"]);
      assert.equal(cause.errorType, "ValidationError");
      assert.equal(cause.errorMessage, "bad input");
      assert.match(cause.trace[0], /ValidationError: bad input/);
    }
  });

  it('a plain Error reports errorType "Error"', async () => {
    const r = await runDef(
      single({ Type: "Task", Resource: fnArn("f") }),
      {},
      {
        f: async () => {
          throw new Error("x");
        },
      },
    );
    assert.equal(r.error, "Error");
    assert.equal(eventsOf(r, "LambdaFunctionFailed").length, 1);
  });

  it("a function without a handler fails with Lambda.ResourceNotFoundException naming the function", async () => {
    const r = await runDef(single({ Type: "Task", Resource: fnArn("missing") }), {}, { other: async () => 1 });
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "Lambda.ResourceNotFoundException");
    assert.match(r.cause!, /function:missing/);
  });

  it("an unsupported resource fails with States.Runtime naming the resource (no crash)", async () => {
    const r = await runDef(single({ Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "t" } }), {});
    assert.equal(r.status, "FAILED");
    assert.equal(r.error, "States.Runtime");
    assert.match(r.cause!, /arn:aws:states:::dynamodb:putItem/);
  });

  it("the handler context carries the function name, ARN and a request id", async () => {
    let ctx: any;
    await runDef(
      single({ Type: "Task", Resource: fnArn("f") }),
      {},
      {
        f: async (_e, c) => {
          ctx = c;
          return null;
        },
      },
    );
    assert.equal(ctx.functionName, "f");
    assert.equal(ctx.invokedFunctionArn, fnArn("f"));
    assert.match(ctx.awsRequestId, /^[0-9a-f-]{36}$/);
    assert.equal(typeof ctx.getRemainingTimeInMillis(), "number");
  });
});
