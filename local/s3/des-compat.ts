/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES ('des'), which OpenSSL 3
 * (Node >= 17) no longer provides, so any listing longer than one 1,000-key page fails with 500
 * InternalError, and a Distributed Map over listObjectsV2 could never read its second page.
 * Triple DES with the key repeated three times (EDE, K1 = K2 = K3) is single DES and OpenSSL 3 still
 * has it, so mapping one onto the other keeps s3rver's tokens byte for byte.
 *
 * The embedded server runs in this process, so startEmbeddedS3 installs this before the server
 * starts. Only the "des" algorithm, which would otherwise throw, is redirected.
 */
import crypto from "node:crypto";

type CipherFactory = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) => unknown;

let installed = false;

export function installS3rverDesCompat(): void {
  if (installed) return;
  installed = true;
  let desWorks = true;
  try {
    crypto.createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    desWorks = false;
  }
  if (desWorks) return;
  const mod = crypto as unknown as Record<"createCipheriv" | "createDecipheriv", CipherFactory>;
  for (const name of ["createCipheriv", "createDecipheriv"] as const) {
    const original = mod[name].bind(crypto);
    mod[name] = (algorithm, key, iv, options) => {
      if (algorithm !== "des") return original(algorithm, key, iv, options);
      const k = Buffer.from(key as Buffer);
      return original("des-ede3-cbc", Buffer.concat([k, k, k]), iv, options);
    };
  }
}
