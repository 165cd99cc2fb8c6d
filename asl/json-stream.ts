/**
 * The entries of a JSON array or JSON Lines text, one at a time, from a stream of chunks: what a
 * ResultWriter file holds, read in memory bounded by the largest entry instead of the file (a
 * Map Run of millions of children writes files of gigabytes; one V8 string holds at most ~512 MiB).
 *
 * Only the top level is split; each entry's text is then parsed by JSON.parse (native and fast).
 * A JSON array is split at the commas of depth 1, outside strings; JSON Lines at newlines.
 *
 * Pure (no I/O; chunks in, entries out), so it lives beside the other JSON text rules in asl/ and
 * serves both the engine's ItemReader and the handlers that read ResultWriter files.
 */

export class JsonStreamError extends Error {
  override readonly name = "JsonStreamError";
}

/** UTF-8 bytes (or text) → text, never splitting a character across chunks. */
export async function* utf8Chunks(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (text !== "") yield text;
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}

/** An entry's text, trimmed: its earlier pieces (from earlier chunks, usually none), emptied, and its last. */
function entryText(pieces: string[], last: string): string {
  if (pieces.length === 0) return last.trim();
  pieces.push(last);
  const text = pieces.join("").trim();
  pieces.length = 0;
  return text;
}

/**
 * Yields the text of every top-level entry. `where` names the source in errors. With format
 * "auto" the first non-blank character decides: `[` a JSON array, anything else JSON Lines (a
 * JSON Lines file whose first line is an array needs "jsonl").
 */
export async function* jsonEntries(
  chunks: AsyncIterable<string>,
  where: string,
  format: "auto" | "json" | "jsonl" = "auto",
): AsyncGenerator<string> {
  for await (const entries of jsonEntryBatches(chunks, where, format)) yield* entries;
}

/**
 * The same entries, as one array per chunk read: a reader of many small entries (an ItemReader of
 * 100,000 numbers) then pays one promise per chunk, not one per entry. The entries of a chunk that
 * come before a syntax error are yielded before the error is thrown.
 */
export async function* jsonEntryBatches(
  chunks: AsyncIterable<string>,
  where: string,
  format: "auto" | "json" | "jsonl" = "auto",
): AsyncGenerator<string[]> {
  let mode: "unknown" | "array" | "lines" | "done" = format === "jsonl" ? "lines" : "unknown";
  // Array mode: pieces of the current entry, the nesting depth inside it, string state.
  const pieces: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = "";
  let out: string[] = [];
  let error: JsonStreamError | undefined;
  for await (const chunk of chunks) {
    let i = 0;
    if (mode === "unknown") {
      const first = chunk.search(/\S/);
      if (first < 0) continue;
      if (chunk[first] === "[") {
        mode = "array";
        i = first + 1;
      } else if (format === "json") throw new JsonStreamError(`${where}: a JSON array must start with "["`);
      else mode = "lines";
    }
    if (mode === "lines") {
      const parts = (line + chunk).split("\n");
      line = parts.pop()!;
      for (const part of parts) if (part.trim() !== "") out.push(part);
      if (out.length) {
        yield out;
        out = [];
      }
      continue;
    }
    if (mode === "done") {
      if (chunk.slice(i).trim() !== "") throw new JsonStreamError(`${where}: unexpected text after the closing "]"`);
      continue;
    }
    let start = i;
    // The next backslash at or after the last search (-1: none left in this chunk), kept across
    // strings: searching again for each string scanned the rest of the chunk every time.
    let backslash = -2;
    while (i < chunk.length) {
      if (escaped) {
        escaped = false;
        i++;
        continue;
      }
      if (inString) {
        // Inside a string only a quote or a backslash matters: jump to the next one.
        let j = i;
        for (;;) {
          const q = chunk.indexOf('"', j);
          if (backslash !== -1 && backslash < j) backslash = chunk.indexOf("\\", j);
          const b = backslash;
          if (q < 0 && b < 0) {
            j = -1;
            break;
          }
          if (b >= 0 && (q < 0 || b < q)) {
            if (b + 1 < chunk.length) {
              j = b + 2;
              continue;
            }
            escaped = true;
            j = -2;
            break;
          }
          j = q;
          break;
        }
        if (j === -1 || j === -2) {
          i = chunk.length;
          break;
        }
        inString = false;
        i = j + 1;
        continue;
      }
      // The next character that matters, found by hand: a RegExp match allocated an array per
      // stop (10 MB per 100,000 entries, the sampling heap profiler).
      const end = chunk.length;
      let c = 0;
      if (depth === 0) {
        for (; i < end; i++) {
          c = chunk.charCodeAt(i);
          if (c === 0x2c || c === 0x22 || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) break;
        }
      } else {
        // Inside an entry only strings and nesting matter, not commas: an entry `[1,2,3,4,5]` is then 2 stops, not 6.
        for (; i < end; i++) {
          c = chunk.charCodeAt(i);
          if (c === 0x22 || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) break;
        }
      }
      if (i === end) break;
      if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (depth === 0) {
          // The array's closing bracket.
          const last = entryText(pieces, chunk.slice(start, i));
          if (last !== "") out.push(last);
          mode = "done";
          if (chunk.slice(i + 1).trim() !== "") error = new JsonStreamError(`${where}: unexpected text after the closing "]"`);
          start = i = chunk.length;
          break;
        }
        depth--;
      } else if (c === 0x2c && depth === 0) {
        const entry = entryText(pieces, chunk.slice(start, i));
        if (entry === "") {
          error = new JsonStreamError(`${where}: empty entry in the JSON array`);
          break;
        }
        out.push(entry);
        start = i + 1;
      }
      i++;
    }
    if (out.length) {
      yield out;
      out = [];
    }
    if (error) throw error;
    if (mode === "array" && start < chunk.length) pieces.push(chunk.slice(start));
  }
  if (mode === "lines") {
    if (line.trim() !== "") yield [line];
    return;
  }
  if (mode === "unknown" && format === "json") throw new JsonStreamError(`${where}: empty (no JSON array)`);
  if (mode === "array") throw new JsonStreamError(`${where}: the JSON array is not closed (truncated file?)`);
}
