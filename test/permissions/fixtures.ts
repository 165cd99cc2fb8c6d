/** Hand-written ASL fixtures for the permissions derivation (independent of the builders). */
import type { StateMachineDefinition } from "../../asl/types";
import { seedDistributedAsl } from "../fixtures/seed-asl";

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";
export const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** The seed's distributed workflow, as the article wrote it (dynamic reader) plus a ResultWriter. */
export const seedDistributed = seedDistributedAsl({
  captureInputArn: fn("dev-CaptureInput"),
  processDataArn: fn("dev-ProcessData"),
  keyPath: "$.key",
  map: { ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "payload-bucket", Prefix: "results/" } } },
});

/** Map-reduce: list a static prefix, load and flatten, reduce with lambda:invoke (name + alias). */
export const mapReduce: StateMachineDefinition = {
  StartAt: "Map",
  States: {
    Map: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:listObjectsV2",
        ReaderConfig: { InputType: "JSON", Transformation: "LOAD_AND_FLATTEN" },
        Parameters: { Bucket: "data-bucket", Prefix: "input/2024/" },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        StartAt: "Count",
        States: {
          Count: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: "Count:live", "Payload.$": "$" },
            End: true,
          },
        },
      },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "data-bucket", Prefix: "output" } },
      Next: "Reduce",
    },
    Reduce: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: fn("Reduce"), "Payload.$": "$" },
      End: true,
    },
  },
};

/** Lambdas hidden in a Parallel branch and an inline Map (legacy Iterator) inside it; JSONata Arguments. */
export const nested: StateMachineDefinition = {
  QueryLanguage: "JSONata",
  StartAt: "Fan",
  States: {
    Fan: {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "A",
          States: {
            A: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
              Arguments: { FunctionName: `${ACCOUNT}:function:Alpha`, Payload: "{% $states.input %}" },
              End: true,
            },
          },
        },
        {
          StartAt: "Each",
          States: {
            Each: {
              Type: "Map",
              Iterator: { StartAt: "B", States: { B: { Type: "Task", Resource: `${fn("Beta")}:3`, End: true } } },
              End: true,
            },
          },
        },
      ],
      Next: "Wait",
    },
    Wait: { Type: "Wait", Seconds: 1, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

/** A static getObject reader: narrowed to the key. */
export const staticReader: StateMachineDefinition = {
  StartAt: "Map",
  States: {
    Map: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
        Arguments: { Bucket: "fixed", Key: "in/items.csv" },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "P",
        States: { P: { Type: "Pass", End: true } },
      },
      End: true,
    },
  },
};

export const withTask = (resource: string, extra: Record<string, unknown> = {}): StateMachineDefinition =>
  ({ StartAt: "T", States: { T: { Type: "Task", Resource: resource, End: true, ...extra } } }) as StateMachineDefinition;
