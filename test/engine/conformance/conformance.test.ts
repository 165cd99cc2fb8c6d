/**
 * The engine conformance suite: every AWS-documented example in ./cases.ts gives the output (or
 * error) its page shows. `npm run bench -- conformance` prints the pass rate beside aws-local-stepfunctions.
 */
import { strict as assert } from "node:assert";
import { validateDefinition } from "../../../asl/validator";
import { runDef } from "../helpers";
import { CONFORMANCE_CASES } from "./cases";

describe("engine conformance: AWS-documented examples", () => {
  for (const c of CONFORMANCE_CASES) {
    it(`${c.name} (${c.source})`, async () => {
      // Each example is also a valid definition.
      assert.deepEqual(
        validateDefinition(c.definition).diagnostics.filter((d) => d.severity === "ERROR"),
        [],
      );
      const r = await runDef(c.definition, c.input);
      if ("output" in c.expected) {
        assert.equal(r.status, "SUCCEEDED", `${r.error}: ${r.cause}`);
        assert.deepEqual(r.output, c.expected.output);
      } else {
        assert.equal(r.status, "FAILED");
        assert.equal(r.error, c.expected.error);
      }
    });
  }
});
