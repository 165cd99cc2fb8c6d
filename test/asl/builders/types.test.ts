/**
 * Compile-time guarantees: each `@ts-expect-error` below must be an error, or `tsc --noEmit` (part of
 * `npm test`) fails. The function is never called; the mocha test only keeps the file in the suite.
 */
import { strict as assert } from "node:assert";
import {
  Condition,
  distributedMap,
  inlineMap,
  lambdaInvoke,
  path,
  pass,
  s3JsonReader,
  s3ManifestReader,
  s3ParquetReader,
  s3ResultWriter,
  succeed,
  task,
  wait,
} from "../../../asl/builders";
import { fn } from "./helpers";

function invalidCombinationsDoNotCompile(): void {
  const processor = pass("P");
  const reader = s3JsonReader({ bucket: "b", key: "k" });
  // Distributed-only fields on an inline map:
  // @ts-expect-error ItemReader is Distributed Map only
  inlineMap("M", { processor, reader });
  // @ts-expect-error ResultWriter is Distributed Map only
  inlineMap("M", { processor, resultWriter: s3ResultWriter({ bucket: "b" }) });
  // @ts-expect-error ItemBatcher is Distributed Map only
  inlineMap("M", { processor, batcher: { maxItemsPerBatch: 2 } });
  // @ts-expect-error tolerated failures are Distributed Map only
  inlineMap("M", { processor, toleratedFailurePercentage: 5 });
  // @ts-expect-error Label is Distributed Map only
  inlineMap("M", { processor, label: "x" });
  // @ts-expect-error child execution type is Distributed Map only
  inlineMap("M", { processor, childExecution: "EXPRESS" });
  // @ts-expect-error the legacy Iterator name is inline only
  distributedMap("D", { processor, legacyIterator: true });
  // Items from a reader or from the input, not both:
  // @ts-expect-error ItemsPath with an ItemReader
  distributedMap("D", { processor, reader, itemsPath: "$.items" });
  // @ts-expect-error ItemsPath (JSONPath) and Items (JSONata) together
  inlineMap("M", { processor, itemsPath: "$.items", items: [1] });
  // @ts-expect-error Wait takes exactly one of seconds and timestamp
  wait("W", { seconds: 1, timestamp: "2026-01-01T00:00:00Z" });
  // @ts-expect-error a Wait needs one of them
  wait("W", {});
  // @ts-expect-error a task target is a lambda(...) reference or an ARN, never a bare function name
  task("T", "ProcessData");
  // @ts-expect-error lambdaInvoke takes a reference, not a string
  lambdaInvoke("T", "arn:aws:lambda:us-east-1:123456789012:function:Fn");
  // @ts-expect-error a JSONPath must start with "$"
  path("bucket");
  // @ts-expect-error Parquet readers take no VersionId
  s3ParquetReader({ bucket: "b", key: "k", versionId: "v" });
  // @ts-expect-error ATHENA_DATA needs the data files' input type
  s3ManifestReader({ bucket: "b", key: "k", manifest: "ATHENA_DATA" });
  // @ts-expect-error WriterConfig needs OutputType
  s3ResultWriter({ bucket: "b", writerConfig: { transformation: "COMPACT" } });
  // @ts-expect-error numeric comparisons take numbers
  Condition.numberEquals("$.n", "1");
  // @ts-expect-error Succeed and Fail end a chain: they have no next()
  succeed("S").next(pass("P"));
  // @ts-expect-error a numeric field takes a number (or a path()/jsonata() value)
  distributedMap("D", { processor, maxConcurrency: "5" });
  // A field and its Path twin are one option, so both cannot be given:
  // @ts-expect-error there is no separate maxConcurrencyPath option
  inlineMap("M", { processor, maxConcurrency: 5, maxConcurrencyPath: "$.max" });
  task("T", fn, { timeoutSeconds: path("$.timeout") }); // …the twin is chosen by the value instead.
}

describe("asl/builders types", () => {
  it("rules out invalid combinations at compile time (checked by tsc; see the @ts-expect-error lines)", () => {
    assert.equal(typeof invalidCombinationsDoNotCompile, "function");
  });
});
