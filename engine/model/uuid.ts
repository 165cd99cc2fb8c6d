/**
 * Version 4 UUIDs (RFC 9562, section 5.4), as `crypto.randomUUID` makes them, for the caller that
 * needs one per Map Run child (its execution name). Node 20's randomUUID joins 20 pieces per id:
 * about 590 bytes of garbage each (the sampling heap profiler, case (4) of `npm run bench`: 59 MB
 * per 100,000 children). Here the ids are written as ASCII in batches from the same CSPRNG, and
 * each is a 36-character slice of its batch's one string (a native `toString` per id was a twentieth of
 * a case-(4) run).
 */
import { randomFillSync } from "node:crypto";

const BATCH = 256;
const random = Buffer.allocUnsafe(16 * BATCH);
const text = Buffer.allocUnsafe(36 * BATCH);
const HEX = Buffer.from("0123456789abcdef", "latin1");
let next = BATCH;
/** The batch's ids as one string; each id is a slice of it (no copy). */
let batchText = "";

function refill(): void {
  randomFillSync(random);
  let at = 0;
  for (let id = 0; id < BATCH; id++) {
    const r = id * 16;
    random[r + 6] = (random[r + 6]! & 0x0f) | 0x40; // version 4
    random[r + 8] = (random[r + 8]! & 0x3f) | 0x80; // variant 10
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d; // "-"
      const byte = random[r + i]!;
      text[at++] = HEX[byte >> 4]!;
      text[at++] = HEX[byte & 15]!;
    }
  }
  batchText = text.toString("latin1");
  next = 0;
}

/** A random UUID, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`. */
export function randomUuid(): string {
  if (next === BATCH) refill();
  const at = 36 * next++;
  return batchText.slice(at, at + 36);
}
