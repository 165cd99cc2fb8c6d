/**
 * A `.waitForTaskToken` task must send its task token in what it passes to the service: AWS
 * "pass[es] a task token" through the Parameters, and an answerer can only use a token it received.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
import { strict as assert } from "node:assert";
import { localLambdaArn, machine, path, sqsSendMessage } from "../../../asl/builders";
import { validateDefinition } from "../../../asl/validator";

const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/q";
const one = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...extra,
  StartAt: "Ask",
  States: { Ask: { Type: "Task", End: true, ...state } },
});
const codes = (def: unknown) => validateDefinition(def).diagnostics.map((d) => `${d.severity} ${d.code} ${d.location}`);

describe("validator: a callback task sends its task token", () => {
  it("warns (TASK_TOKEN_NOT_SENT) when the Parameters or Arguments do not carry it, or are missing", () => {
    assert.deepEqual(
      codes(one({ Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { QueueUrl: queue, MessageBody: "hello" } })),
      ["WARNING TASK_TOKEN_NOT_SENT /States/Ask/Parameters"],
    );
    assert.deepEqual(codes(one({ Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", Parameters: { FunctionName: "F" } })), [
      "WARNING TASK_TOKEN_NOT_SENT /States/Ask/Parameters",
    ]);
    assert.deepEqual(
      codes(
        one(
          {
            Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Arguments: { QueueUrl: queue, MessageBody: "{% $states.input %}" },
          },
          { QueryLanguage: "JSONata" },
        ),
      ),
      ["WARNING TASK_TOKEN_NOT_SENT /States/Ask/Arguments"],
    );
  });

  it("accepts the token as a path, inside an intrinsic, or in JSONata", () => {
    assert.deepEqual(
      codes(
        one({
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: queue, MessageBody: { "token.$": "$$.Task.Token" } },
        }),
      ),
      [],
    );
    assert.deepEqual(
      codes(
        one({
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: queue, "MessageBody.$": "States.Format('t={}', $$.Task.Token)" },
        }),
      ),
      [],
    );
    assert.deepEqual(
      codes(
        one(
          {
            Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Arguments: { QueueUrl: queue, MessageBody: { token: "{% $states.context.Task.Token %}" } },
          },
          { QueryLanguage: "JSONata" },
        ),
      ),
      [],
    );
    assert.deepEqual(
      codes(one({ Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: queue, MessageBody: "hello" } })),
      [],
      "request-response needs no token",
    );
  });

  it("the builders report it with the render's warnings", () => {
    const silent = machine(
      sqsSendMessage(
        "Ask",
        { QueueUrl: queue, MessageBody: { note: path("$.note") } },
        { pattern: "waitForTaskToken", heartbeatSeconds: 60 },
      ),
    );
    assert.deepEqual(
      silent.renderChecked(localLambdaArn).diagnostics.map((d) => d.code),
      ["TASK_TOKEN_NOT_SENT"],
    );
    const sending = machine(
      sqsSendMessage("Ask", { QueueUrl: queue, MessageBody: { token: path("$$.Task.Token") } }, { pattern: "waitForTaskToken" }),
    );
    assert.deepEqual(sending.renderChecked(localLambdaArn).diagnostics, []);
  });
});
