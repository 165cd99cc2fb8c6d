/**
 * The embedded S3's MD5 for large streamed bodies (emulators/s3/md5-offload.ts): the same digest as
 * hashing in place on either side of the offload threshold, bodies hashed at the same time kept
 * apart, and no worker keeping the process alive once no digest is owed (also after a body is
 * abandoned).
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Md5Digester, OFFLOAD_FROM_BYTES } from "../../emulators/s3/md5-offload";

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** The body cut in pieces of the given sizes (cycled), as a socket would deliver it. */
function pieces(body: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(body.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** The worker holds the event loop (a MessagePort resource) only while a digest is owed. */
const workerHeld = () => process.getActiveResourcesInfo().includes("MessagePort");

describe("embedded S3: MD5 of large bodies on a worker thread", function () {
  this.timeout(20_000);

  for (const size of [0, 1, OFFLOAD_FROM_BYTES - 1, OFFLOAD_FROM_BYTES, OFFLOAD_FROM_BYTES + 1, 3 * OFFLOAD_FROM_BYTES + 12_345]) {
    it(`a body of ${size} bytes in socket-sized pieces has its MD5`, async () => {
      const body = randomBytes(size);
      const digester = new Md5Digester();
      for (const piece of pieces(body, [65_536, 1, 300_000, 7])) digester.update(piece);
      assert.equal(await digester.hex(), md5(body));
      assert.equal(workerHeld(), false);
    });
  }

  it("bodies hashed at the same time, their pieces interleaved, keep their own digests", async () => {
    const bodies = [randomBytes(2.5 * OFFLOAD_FROM_BYTES), randomBytes(4 * OFFLOAD_FROM_BYTES + 3), randomBytes(100)];
    const digesters = bodies.map(() => new Md5Digester());
    const cut = bodies.map((b) => pieces(b, [65_536, 10_000]));
    for (let i = 0; cut.some((c) => i < c.length); i++) cut.forEach((c, k) => i < c.length && digesters[k].update(c[i]));
    assert.deepEqual(await Promise.all(digesters.map((d) => d.hex())), bodies.map(md5));
    assert.equal(workerHeld(), false);
  });

  it("an abandoned body (a failed request) leaves nothing holding the process, and later bodies still hash", async () => {
    const abandoned = new Md5Digester();
    abandoned.update(randomBytes(2 * OFFLOAD_FROM_BYTES));
    assert.equal(workerHeld(), true);
    abandoned.abandon();
    assert.equal(workerHeld(), false);
    const body = randomBytes(2 * OFFLOAD_FROM_BYTES);
    const next = new Md5Digester();
    next.update(body);
    assert.equal(await next.hex(), md5(body));
  });
});
