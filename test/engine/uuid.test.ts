/** The engine's UUIDs for child executions: the version 4 format, and no repeats across batches. */
import { strict as assert } from "node:assert";
import { randomUuid } from "../../engine/model/uuid";

describe("engine/model/uuid", () => {
  it("ids are lowercase version 4 UUIDs (RFC 9562 variant), all distinct over many batches", () => {
    const seen = new Set<string>();
    const nibbles = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = randomUuid();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
      nibbles.add(id[0]!);
    }
    assert.equal(seen.size, 5_000);
    assert.equal(nibbles.size, 16, "every hex digit shows up in the first position");
  });
});
