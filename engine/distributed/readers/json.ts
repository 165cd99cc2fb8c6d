/**
 * JSON objects (a top-level array streamed entry by entry, or a nested array, ReaderConfig.ItemsPointer,
 * from the document parsed whole) and JSON Lines objects (an item per line).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { jsonEntryBatches, JsonStreamError } from "../../../asl/json-stream";
import type { JsonValue } from "../../../asl/types";
import { StatesError } from "../../model/errors";
import { BATCH, checkItemSize, ITEM_MAX_BYTES, JSON_FILE_MAX_BYTES, type ItemBatch } from "./items";
import { readerFailed, readObjectText, readWholeObject, s3Uri, splitLines, type S3Location } from "./s3-object";

/** The array ItemsPointer selects in a JSON object, parsed whole (the pointer may name any part of it). */
async function readJsonItems(s3: S3Client, loc: S3Location, itemsPointer: string, signal?: AbortSignal): Promise<JsonValue[]> {
  const text = await readWholeObject(s3, loc, JSON_FILE_MAX_BYTES, signal);
  let doc: JsonValue;
  try {
    doc = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw readerFailed(loc, "The object is not valid JSON", err);
  }
  const items = resolveJsonPointer(doc, itemsPointer);
  if (!Array.isArray(items)) throw readerFailed(loc, `ItemsPointer ${JSON.stringify(itemsPointer)} does not point to a JSON array`);
  // Only a file bigger than the item limit can hold an item bigger than it.
  if (text.length > ITEM_MAX_BYTES / 4) {
    items.forEach((item, i) => checkItemSize(Buffer.byteLength(JSON.stringify(item)), loc, `Item ${i}`));
  }
  return items;
}

/** Items of a JSON file held before the first is handed out, so the Map Run learns its total (tests lower them). */
export const JSON_READ_AHEAD = { items: 1_000_000, chars: 64 * 1024 * 1024 };

/**
 * A file of up to this many characters that holds a JSON array is parsed whole, by one JSON.parse:
 * a JSON.parse per entry was 4 % of a seed-demo run (20,000 items). Below it no entry can reach
 * the item size limit, so the items and their batches are those entry-by-entry parsing gives.
 */
const WHOLE_PARSE_MAX_CHARS = ITEM_MAX_BYTES / 4;

/**
 * A top-level JSON array, parsed entry by entry as its bytes stream in: never one string of the
 * whole file (V8 caps a string at ~512 MiB; AWS reads files of up to 10 GB). A file of up to a
 * million items (and 64 Mi characters) is read whole first, so the Map Run knows its total and
 * judges its tolerated failure percentage against it at once; a bigger one streams with the Map
 * Run's demand (bounded memory, whatever its size), its total known once read. A small file
 * (WHOLE_PARSE_MAX_CHARS) that parses as an array is parsed whole; any other (not JSON, not an
 * array) goes entry by entry too, for the same items or the same error.
 */
async function* readJsonArrayItems(s3: S3Client, loc: S3Location, signal?: AbortSignal): AsyncGenerator<ItemBatch> {
  const where = s3Uri(loc);
  let held: JsonValue[] = [];
  let heldChars = 0;
  let streaming = false;
  let index = 0;
  try {
    const chunks = readObjectText(s3, loc, signal)[Symbol.asyncIterator]();
    const head: string[] = [];
    let headChars = 0;
    let whole = false;
    while (headChars <= WHOLE_PARSE_MAX_CHARS) {
      const next = await chunks.next();
      if (next.done) {
        whole = true;
        break;
      }
      head.push(next.value);
      headChars += next.value.length;
    }
    const items = whole && headChars <= WHOLE_PARSE_MAX_CHARS ? wholeArray(head.join("")) : undefined;
    if (items !== undefined && items.length < JSON_READ_AHEAD.items && headChars < JSON_READ_AHEAD.chars) {
      held = items;
    } else {
      // The chunks read so far, then the rest.
      const all = (async function* () {
        yield* head;
        yield* { [Symbol.asyncIterator]: () => chunks };
      })();
      for await (const texts of jsonEntryBatches(all, where, "json")) {
        for (const text of texts) {
          if (text.length > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(text), loc, `Item ${index}`);
          index++;
          held.push(JSON.parse(text) as JsonValue);
          heldChars += text.length;
          if (streaming ? held.length >= BATCH : held.length >= JSON_READ_AHEAD.items || heldChars >= JSON_READ_AHEAD.chars) {
            streaming = true;
            const out = held;
            held = [];
            heldChars = 0;
            for (let i = 0; i < out.length; i += BATCH) yield { source: where, values: out.slice(i, i + BATCH) };
          }
        }
      }
    }
  } catch (err) {
    if (err instanceof StatesError) throw err;
    if (err instanceof JsonStreamError && /must start with/.test(err.message)) {
      throw readerFailed(loc, "The object's top-level JSON value is not an array (use ReaderConfig.ItemsPointer to select a nested array)");
    }
    throw readerFailed(loc, "The object is not valid JSON", err);
  }
  const total = streaming ? undefined : held.length;
  for (let i = 0; i < held.length; i += BATCH)
    yield { source: where, values: held.slice(i, i + BATCH), ...(total !== undefined ? { total } : {}) };
}

/** The array `text` holds, or undefined when it is not JSON or not an array. */
function wholeArray(text: string): JsonValue[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(doc) ? (doc as JsonValue[]) : undefined;
}

/** RFC 6901 JSON pointer ("" is the whole document; "~1" is "/", "~0" is "~"). */
export function resolveJsonPointer(doc: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined;
  let cur: JsonValue | undefined = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === "object") {
      cur = Object.prototype.hasOwnProperty.call(cur, token) ? cur[token] : undefined;
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A JSON object's items: the top-level array, or the array ItemsPointer selects. */
export async function* readJsonObjectItems(
  s3: S3Client,
  loc: S3Location,
  itemsPointer: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ItemBatch> {
  if (itemsPointer === undefined) {
    yield* readJsonArrayItems(s3, loc, signal);
    return;
  }
  const source = s3Uri(loc);
  const values = await readJsonItems(s3, loc, itemsPointer, signal);
  for (let i = 0; i < values.length; i += BATCH) yield { source, values: values.slice(i, i + BATCH), total: values.length };
}

/** A JSON Lines object's items: one per line, blank lines skipped. */
export async function* readJsonLinesItems(s3: S3Client, loc: S3Location, signal?: AbortSignal): AsyncGenerator<ItemBatch> {
  const source = s3Uri(loc);
  let line = 0;
  for await (const lines of splitLines(readObjectText(s3, loc, signal))) {
    const batch: JsonValue[] = [];
    for (const text of lines) {
      line++;
      if (text.length > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(text), loc, `Line ${line}`);
      if (text.trim() === "") continue;
      let value: JsonValue;
      try {
        value = JSON.parse(text) as JsonValue;
      } catch (err) {
        throw readerFailed(loc, `Line ${line} is not valid JSON`, err);
      }
      batch.push(value);
    }
    if (batch.length) yield { source, values: batch };
  }
}
