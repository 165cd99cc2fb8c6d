/** Hand-written ASL definitions for the graph tests (independent of the builders). */
import type { StateMachineDefinition } from "../../asl/types";
import { seedDistributedAsl } from "../fixtures/seed-asl";

const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The seed's Distributed Map workflow, as the seed article deploys it. */
export const seedDistributed = seedDistributedAsl({ captureInputArn: fn("captureInput"), processDataArn: fn("processOutput"), keyPath: "$.path" });

/** Every kind of edge and nesting: Choice, Catch, Parallel branches, an inline Map inside a branch. */
export const everything: StateMachineDefinition = {
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [
        { Variable: "$.count", NumericGreaterThan: 10, Next: "FanOut" },
        { And: [{ Variable: "$.mode", StringEquals: "skip" }, { Variable: "$.force", BooleanEquals: false }], Next: "Done" },
      ],
      Default: "Wait5",
    },
    Wait5: { Type: "Wait", Seconds: 5, Next: "Check" },
    FanOut: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Left <A>",
          States: { "Left <A>": { Type: "Pass", End: true } },
        },
        {
          StartAt: "Items",
          States: {
            Items: {
              Type: "Map",
              ItemsPath: "$.items",
              ItemProcessor: {
                StartAt: "Square",
                States: { Square: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: fn("square"), "Payload.$": "$" }, End: true } },
              },
              End: true,
            },
          },
        },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Broken" }],
      Next: "Done",
    },
    Broken: { Type: "Fail", Error: "FanOutFailed", Cause: "a branch failed" },
    Done: { Type: "Succeed" },
  },
};
