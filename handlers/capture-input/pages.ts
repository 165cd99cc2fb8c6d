/**
 * The `{from, to}` pages of `[0, number)`, `to` exclusive, exactly as the seed's `paginate` makes
 * them; as an array (small inputs) or as a stream of serialized bytes (any size, constant memory).
 */
import type { PayloadFormat } from "../shared/payload-config";

export interface Page {
  readonly from: number;
  readonly to: number;
}

export function pageCount(number: number, chunk: number): number {
  return Math.ceil(number / chunk);
}

export function paginate(number: number, chunk: number): Page[] {
  const pages: Page[] = [];
  for (let from = 0; from < number; from += chunk) pages.push({ from, to: Math.min(from + chunk, number) });
  return pages;
}

/** Bytes per yielded buffer: large enough to amortize the stream machinery, small enough to be noise. */
const BUFFER_BYTES = 64 * 1024;

/**
 * The serialized pages, as a JSON array (`[{"from":0,"to":5},...]`) or JSON Lines (one object per
 * line, each line ended by `\n`), in buffers of about 64 KiB. The bytes equal
 * `JSON.stringify(paginate(...))` (resp. the JSONL of it) without ever holding more than one buffer.
 */
export function* serializedPages(number: number, chunk: number, format: PayloadFormat): Generator<Buffer> {
  const jsonl = format === "jsonl";
  let text = jsonl ? "" : "[";
  for (let from = 0; from < number; from += chunk) {
    const to = Math.min(from + chunk, number);
    if (jsonl) text += `{"from":${from},"to":${to}}\n`;
    else text += from === 0 ? `{"from":${from},"to":${to}}` : `,{"from":${from},"to":${to}}`;
    if (text.length >= BUFFER_BYTES) {
      yield Buffer.from(text, "latin1");
      text = "";
    }
  }
  if (!jsonl) text += "]";
  if (text.length > 0) yield Buffer.from(text, "latin1");
}
