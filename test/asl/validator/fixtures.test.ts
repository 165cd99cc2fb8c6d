/**
 * The fixture corpus: definitions modelled on AWS documentation examples and sample workflows
 * (Distributed Map over CSV/JSON/JSONL/listObjectsV2/manifests, ItemBatcher, ResultWriter, JSONata,
 * Parallel, Choice, Wait, Retry/Catch) must validate without a single ERROR; each invalid fixture must
 * produce exactly the ERRORs listed in invalid/expected.json (code and JSON-pointer location).
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateDefinition } from "../../../asl/validator";
import { errors } from "./helpers";

const root = join(__dirname, "..", "..", "fixtures", "asl");

describe("validator: fixture corpus", () => {
  describe("valid definitions produce no ERROR", () => {
    for (const file of readdirSync(join(root, "valid"))
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      it(file, () => {
        const r = validateDefinition(readFileSync(join(root, "valid", file), "utf8"));
        assert.deepEqual(
          r.diagnostics.filter((d) => d.severity === "ERROR"),
          [],
        );
        assert.equal(r.valid, true);
      });
    }
  });

  describe("invalid definitions produce exactly the expected ERRORs", () => {
    const expected = JSON.parse(readFileSync(join(root, "invalid", "expected.json"), "utf8")) as Record<
      string,
      { errors: Array<[string, string]>; stateMachineType?: "STANDARD" | "EXPRESS" }
    >;
    const files = readdirSync(join(root, "invalid"))
      .filter((f) => f.endsWith(".asl.json"))
      .sort();
    it("every invalid fixture has an expectation", () => assert.deepEqual(files, Object.keys(expected).sort()));
    for (const file of files) {
      it(file, () => {
        const e = expected[file]!;
        const text = readFileSync(join(root, "invalid", file), "utf8");
        const opts = e.stateMachineType ? { stateMachineType: e.stateMachineType } : undefined;
        assert.deepEqual(
          errors(text, opts),
          [...e.errors].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1)),
        );
        assert.equal(validateDefinition(text, opts).valid, false);
      });
    }
  });
});
