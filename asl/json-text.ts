/**
 * Hostile JSON, refused before anything recursive touches it. Every check here is a loop over the
 * text or an explicit stack, never recursion, so a definition or an input nested 100,000 deep gets
 * a clear error instead of "Maximum call stack size exceeded".
 *
 * Pure (no I/O): the CLIs read the bytes, this decides what they mean.
 */
import { LIMITS } from "./types";

/**
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html —
 * `definition`: "Length Constraints: Minimum length of 1. Maximum length of 1048576." (and
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html: "Maximum size of state
 * machine definition: 1 MB", a hard quota).
 */
export const DEFINITION_MAX_CHARS = 1_048_576;

/**
 * How deep JSON may nest (objects and arrays). AWS documents no nesting limit for definitions or
 * payloads; this is the default of Jackson (`StreamReadConstraints.DEFAULT_MAX_DEPTH`, 1,000), the
 * JSON parser of the JVM services AWS runs, and well beyond any real definition or input, while
 * keeping every recursive walk of ours (validator, engine, JSON.stringify) far from Node's stack
 * limit.
 */
export const JSON_MAX_DEPTH = 1_000;

export class JsonTextError extends Error {
  override readonly name = "JsonTextError";
}

/** Where the first invalid UTF-8 sequence starts, or -1 when every byte is valid UTF-8. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 (RFC 3629).
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Bytes → text, strictly: invalid UTF-8 is an error naming the byte offset (a silent U+FFFD would
 * change the data). A leading UTF-8 byte order mark is dropped: RFC 8259 §8.1 lets a parser
 * "ignore the presence of a byte order mark rather than treating it as an error", and editors on
 * Windows write one.
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = start === 0 ? bytes : bytes.subarray(start);
  try {
    return decoder.decode(body);
  } catch {
    const at = invalidUtf8Offset(body);
    throw new JsonTextError(`${what} is not valid UTF-8: invalid byte sequence at byte offset ${at < 0 ? "?" : at + start}`);
  }
}

/** The deepest nesting of objects/arrays in a JSON text, scanning once (strings skipped); stops past `limit`. */
export function jsonTextDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The deepest nesting of objects/arrays in a value, with an explicit stack; stops past `limit`. */
export function valueDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, d + 1]);
  }
  return max;
}

export interface JsonTextLimits {
  /** What the text is, for messages ("--input", "definition file 'x.json'"). */
  what: string;
  /** Largest allowed UTF-8 size in bytes. */
  maxBytes?: number;
  /** Largest allowed length in characters. */
  maxChars?: number;
  maxDepth?: number;
}

/** UTF-8 size of a string without encoding it (a lone surrogate counts as U+FFFD's 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Checks size, then depth, then parses: each check runs before the work it protects. */
export function parseJsonText(text: string, limits: JsonTextLimits): unknown {
  const { what, maxBytes, maxChars, maxDepth = JSON_MAX_DEPTH } = limits;
  if (maxChars !== undefined && text.length > maxChars) {
    throw new JsonTextError(
      `${what} is ${text.length.toLocaleString("en-US")} characters; the limit is ${maxChars.toLocaleString("en-US")}`,
    );
  }
  if (maxBytes !== undefined) {
    const bytes = utf8Length(text);
    if (bytes > maxBytes)
      throw new JsonTextError(`${what} is ${bytes.toLocaleString("en-US")} bytes; the limit is ${maxBytes.toLocaleString("en-US")}`);
  }
  const depth = jsonTextDepth(text, maxDepth);
  if (depth > maxDepth) throw new JsonTextError(`${what} nests objects/arrays more than ${maxDepth.toLocaleString("en-US")} deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new JsonTextError(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The limits of an execution input (StartExecution `input`, the 256 KiB payload quota). */
export const executionInputLimits = (what: string): JsonTextLimits => ({ what, maxBytes: LIMITS.payloadBytes });

/** The limits of a state machine definition (CreateStateMachine `definition`). */
export const definitionLimits = (what: string): JsonTextLimits => ({ what, maxChars: DEFINITION_MAX_CHARS });
