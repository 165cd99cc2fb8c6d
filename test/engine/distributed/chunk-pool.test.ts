/** The spools' buffer pool: whole 1 MiB buffers only, reused last-in first-out, and a bounded number kept. */
import { strict as assert } from "node:assert";
import { CHUNK_BYTES, giveBackChunk, pooledChunks, takeChunk } from "../../../engine/distributed/chunk-pool";

describe("engine/distributed chunk pool", () => {
  const empty = () => {
    while (pooledChunks() > 0) takeChunk();
  };
  beforeEach(empty);
  afterEach(empty);

  it("a chunk given back (or the filled start of one) is the next one taken; other buffers are not kept", () => {
    const chunk = takeChunk();
    assert.equal(chunk.length, CHUNK_BYTES);
    giveBackChunk(chunk.subarray(0, 10));
    assert.equal(pooledChunks(), 1);
    assert.equal(takeChunk().buffer, chunk.buffer);
    giveBackChunk(Buffer.allocUnsafeSlow(2 * CHUNK_BYTES).subarray(CHUNK_BYTES));
    giveBackChunk(Buffer.allocUnsafeSlow(CHUNK_BYTES + 1).subarray(0, CHUNK_BYTES));
    giveBackChunk(Buffer.from("small"));
    assert.equal(pooledChunks(), 0);
  });

  it("keeps at most 64 (one spool memory budget)", () => {
    for (let i = 0; i < 70; i++) giveBackChunk(Buffer.allocUnsafeSlow(CHUNK_BYTES));
    assert.equal(pooledChunks(), 64);
  });
});
