/** The same job as csv-map.asl.json, written with the builders: `npm run exec -- examples/exec/workflow.ts`. */
import { distributedMap, lambda, machine, path, s3CsvReader, s3ResultWriter, task } from "../../asl/builders";
import { Double } from "./handlers";

export const doubleRows = machine(
  distributedMap("Rows", {
    reader: s3CsvReader({ bucket: "my-data", key: path("$.key") }),
    childExecution: "EXPRESS",
    toleratedFailurePercentage: 50,
    resultWriter: s3ResultWriter({ bucket: "my-results", prefix: "doubled" }),
    processor: task("Double", lambda("Double", Double)),
  }),
);
