/**
 * A succeeded child's ResultWriter record (result-records.ts, `executionRecordJson`), written
 * straight into the spool's chunk as UTF-8 bytes. A Map Run with a ResultWriter writes one record
 * per child (about 600 bytes each): made as a string, each record was a tree of concatenations that
 * writing into the chunk flattened again (two thirds of a case-(4) run's garbage), and it cost 1.7×
 * the time of writing it here from pre-encoded constant parts (100,000 records, measured). The bytes
 * are exactly those of the string (a property test holds them to it); what this does not cover
 * (failed and aborted children, a name that is not plain ASCII, no ARN prefix) goes through the string.
 */
import type { ChildOutcome } from "./map-run-interface";
import type { EntryEncoder } from "./result-writer";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const Z = 0x5a;

const utf8 = (s: string) => Buffer.from(s, "utf8");
const AFTER_NAME = utf8('","Input":');
const AFTER_INPUT = utf8(',"InputDetails":{"Included":true},"Name":"');
const AFTER_SECOND_NAME = utf8('","Output":');
const AFTER_OUTPUT = utf8(
  ',"OutputDetails":{"Included":true},"RedriveCount":0,"RedriveStatus":"NOT_REDRIVABLE","RedriveStatusReason":"Execution is SUCCEEDED and cannot be redriven","StartDate":"',
);
/** Bytes of a date: its second's text (at most 27 for the widest years, "+275760-09-13T00:00:00.") and "mmmZ". */
const DATE_MAX_BYTES = 31;
const FIXED_BYTES = AFTER_NAME.length + AFTER_INPUT.length + AFTER_SECOND_NAME.length + AFTER_OUTPUT.length + 2 * DATE_MAX_BYTES + 2;

/** True when `s` is printable ASCII with no quote or backslash: its JSON literal is itself in quotes. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

/**
 * `JSON.stringify(s)` as UTF-8: printable ASCII (quotes and backslashes escaped) byte by byte, and
 * anything else (controls, non-ASCII, lone surrogates) by JSON.stringify itself.
 */
function writeLiteral(buf: Buffer, start: number, s: string): number {
  let at = start;
  buf[at++] = QUOTE;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return start + buf.write(JSON.stringify(s), start);
    if (c === QUOTE || c === BACKSLASH) buf[at++] = BACKSLASH;
    buf[at++] = c;
  }
  buf[at++] = QUOTE;
  return at;
}

/** At most this many bytes for a JSON literal of `s` in UTF-8 (`\uXXXX` is the widest escape). */
const literalMaxBytes = (s: string) => 6 * s.length + 2;

/** Writes `new Date(ms).toISOString()` for whole `ms`, from the cached text of its second. */
class DateWriter {
  private second = NaN;
  private text: Buffer = Buffer.alloc(0);

  write(buf: Buffer, at: number, ms: number): number {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = utf8(new Date(second * 1000).toISOString().slice(0, -4)); // "2026-12-03T16:43:06."
    }
    buf.set(this.text, at);
    at += this.text.length;
    const milli = ms - second * 1000;
    buf[at++] = DIGIT_0 + Math.floor(milli / 100);
    buf[at++] = DIGIT_0 + (Math.floor(milli / 10) % 10);
    buf[at++] = DIGIT_0 + (milli % 10);
    buf[at++] = Z;
    return at;
  }
}

/**
 * The record of one succeeded child at a time: `set` it, then hand it to the spool
 * (ResultSpool#addEncoded), which asks for its size bound and has it write itself. One per sink,
 * reused: nothing is allocated per record but the texts the child already has.
 */
export class SucceededRecordEncoder implements EntryEncoder {
  private name = "";
  private inputText = "";
  private outputText = "";
  private start = 0;
  private stop = 0;
  /** `{"ExecutionArn":"<prefix>` and `","StateMachineArn":"<arn>","Status":"SUCCEEDED","StopDate":"`, for the last prefix and machine. */
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  private headOf: string | undefined;
  private tailOf: string | undefined;
  private readonly startDate = new DateWriter();
  private readonly stopDate = new DateWriter();

  /** Takes the child's record; false when it is not one this writes (the caller then uses executionRecordJson). */
  set(outcome: ChildOutcome, stateMachineArn: string): boolean {
    const prefix = outcome.executionArnPrefix;
    if (outcome.status !== "SUCCEEDED" || prefix === undefined) return false;
    const name = outcome.name;
    if (!plainAscii(name)) return false;
    const inputText = outcome.inputText ?? JSON.stringify(outcome.input);
    const outputText = outcome.outputText ?? JSON.stringify(outcome.output);
    if (inputText === undefined || outputText === undefined) return false;
    if (prefix !== this.headOf) {
      this.headOf = prefix;
      // The literal of prefix + name is the prefix's literal, unclosed, then the (plain) name.
      this.head = utf8(`{"ExecutionArn":${JSON.stringify(prefix).slice(0, -1)}`);
    }
    if (stateMachineArn !== this.tailOf) {
      this.tailOf = stateMachineArn;
      this.tail = utf8(`","StateMachineArn":${JSON.stringify(stateMachineArn)},"Status":"SUCCEEDED","StopDate":"`);
    }
    this.name = name;
    this.inputText = inputText;
    this.outputText = outputText;
    // A caller's own Clock (RunOptions.clock) may give fractional times: truncated, as Date does.
    this.start = Math.trunc(outcome.startTime ?? outcome.startDate.getTime());
    this.stop = Math.trunc(outcome.stopTime ?? outcome.stopDate.getTime());
    return true;
  }

  maxBytes(): number {
    return (
      FIXED_BYTES +
      this.head.length +
      this.tail.length +
      2 * this.name.length +
      literalMaxBytes(this.inputText) +
      literalMaxBytes(this.outputText)
    );
  }

  writeInto(buf: Buffer, at: number): number {
    buf.set(this.head, at);
    // The name (plain ASCII: its Latin-1 bytes are its UTF-8) once, then copied for the Name field.
    const nameAt = at + this.head.length;
    at = nameAt + buf.write(this.name, nameAt, "latin1");
    const nameEnd = at;
    buf.set(AFTER_NAME, at);
    at = writeLiteral(buf, at + AFTER_NAME.length, this.inputText);
    buf.set(AFTER_INPUT, at);
    at += AFTER_INPUT.length;
    buf.copyWithin(at, nameAt, nameEnd);
    at += nameEnd - nameAt;
    buf.set(AFTER_SECOND_NAME, at);
    at = writeLiteral(buf, at + AFTER_SECOND_NAME.length, this.outputText);
    buf.set(AFTER_OUTPUT, at);
    at = this.startDate.write(buf, at + AFTER_OUTPUT.length, this.start);
    buf.set(this.tail, at);
    at = this.stopDate.write(buf, at + this.tail.length, this.stop);
    buf[at++] = QUOTE;
    buf[at++] = CLOSE_BRACE;
    return at;
  }
}
