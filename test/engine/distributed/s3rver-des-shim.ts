/**
 * Test-only shim for a bug in the embedded S3 server's dependency: s3rver encrypts ListObjectsV2
 * continuation tokens with single DES ('des'), which OpenSSL 3 (Node >= 17) no longer offers, so
 * any listing longer than one 1,000-key page answers 500 InternalError. Triple DES with the key
 * repeated three times (EDE with K1 = K2 = K3) *is* single DES, and OpenSSL 3 still provides it,
 * so mapping one onto the other keeps s3rver's tokens byte-for-byte the same.
 * The server runs in this process, so patching `crypto` here fixes it for these tests; the
 * proper home of this fix is local/s3/server.ts (reported to its owner).
 */
import crypto from "node:crypto";

type CipherFactory = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) => unknown;

function tripled(key: crypto.CipherKey): Buffer {
  const k = Buffer.from(key as Buffer);
  return Buffer.concat([k, k, k]);
}

let installed = false;
export function installS3rverDesShim(): void {
  if (installed) return;
  installed = true;
  const mod = crypto as unknown as Record<"createCipheriv" | "createDecipheriv", CipherFactory>;
  for (const name of ["createCipheriv", "createDecipheriv"] as const) {
    const original = mod[name].bind(crypto);
    mod[name] = (algorithm, key, iv, options) =>
      algorithm === "des" ? original("des-ede3-cbc", tripled(key), iv, options) : original(algorithm, key, iv, options);
  }
}
