/**
 * AWS's own dialect of delimited text, as Step Functions parses CSV item sources. Written by hand
 * because it is not RFC 4180 (csv-parse cannot express it): backslash escapes sit next to doubled
 * quotes, and a backslash before any other character is dropped.
 *
 * https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html:
 * - "The delimiter that separates fields is specified by CSVDelimiter in ReaderConfig. The
 *   delimiter defaults to COMMA."  "Newlines are a delimiter that separates records."
 * - "Fields are treated as strings."
 * - "strings that are enclosed by double quotation marks can contain commas and newlines without
 *   acting as record delimiters."  "You can preserve double quotes by repeating them."
 * - "Backslashes only work with other backslashes, double quotation marks, and the configured
 *   field separator such as comma or pipe. A backslash followed by any other character is
 *   silently removed."  "You can preserve backslashes by repeating them."
 * - "If the number of fields in a row is less than the number of fields in the header, Step
 *   Functions provides empty strings for the missing values."  "If the number of fields in a row
 *   is more than the number of fields in the header, Step Functions skips the additional fields."
 * The page's example `{""MyKey"":""MyValue""}` (unquoted) parses to `{"MyKey":"MyValue"}`, so a
 * doubled quote is a literal quote outside quotes too. The docs are silent on blank lines; a
 * blank line yields no item here (so a trailing newline does not add an empty row).
 */
import type { CsvDelimiter } from "../../../asl/types";

export const CSV_DELIMITERS: Record<CsvDelimiter, string> = {
  COMMA: ",",
  PIPE: "|",
  SEMICOLON: ";",
  SPACE: " ",
  TAB: "\t",
};

const QUOTE = 34; // "
const BACKSLASH = 92; // \
const LF = 10;
const CR = 13;

/** Parses AWS-dialect CSV from a stream of text chunks into rows of string fields, a batch per chunk. */
export async function* parseAwsCsv(chunks: AsyncIterable<string>, delimiter: string): AsyncGenerator<string[][]> {
  const delim = delimiter.charCodeAt(0);
  let row: string[] = [];
  let field = "";
  let fieldTouched = false; // the field has content or quotes (distinguishes `""` from nothing)
  let quoted = false;
  // Carried across chunk boundaries: a pending backslash, a pending quote, a pending CR.
  let pendingBackslash = false;
  let pendingQuote = false;
  let pendingCR = false;

  const endField = () => {
    row.push(field);
    field = "";
    fieldTouched = false;
  };
  const endRow = (): string[] | undefined => {
    endField();
    const done = row;
    row = [];
    return done.length === 1 && done[0] === "" ? undefined : done;
  };

  for await (const chunk of chunks) {
    const out: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (pendingCR) {
        pendingCR = false;
        if (c === LF) continue; // CRLF is one record separator
      }
      if (pendingBackslash) {
        pendingBackslash = false;
        // Escapable: backslash, quote, the delimiter. Anything else: the backslash is dropped and
        // the character is taken literally.
        field += chunk[i];
        fieldTouched = true;
        continue;
      }
      if (pendingQuote) {
        pendingQuote = false;
        if (c === QUOTE) {
          // A doubled quote: literal quote, except `""` as a whole field, which is an empty string.
          const next = i + 1 < chunk.length ? chunk.charCodeAt(i + 1) : -1;
          if (!quoted && !fieldTouched && (next === delim || next === LF || next === CR)) {
            fieldTouched = true;
          } else {
            field += '"';
            fieldTouched = true;
          }
          continue;
        }
        // A lone quote toggles quoting.
        quoted = !quoted;
        fieldTouched = true;
        // fall through to handle c normally
      }
      if (c === QUOTE) {
        pendingQuote = true;
        continue;
      }
      if (c === BACKSLASH) {
        pendingBackslash = true;
        continue;
      }
      if (!quoted) {
        if (c === delim) {
          endField();
          continue;
        }
        if (c === LF || c === CR) {
          if (c === CR) pendingCR = true;
          const done = endRow();
          if (done) out.push(done);
          continue;
        }
      }
      field += chunk[i];
      fieldTouched = true;
    }
    if (out.length) yield out;
  }
  if (pendingQuote) {
    // A quote right at the end of the input: a closing (or opening) quote.
    quoted = !quoted;
    fieldTouched = true;
  }
  if (pendingBackslash) fieldTouched = true;
  if (field !== "" || fieldTouched || row.length > 0) {
    const done = endRow();
    if (done) yield [done];
  }
}

/** Turns a row into an item by the header, as AWS pads and truncates rows (see the rules above). */
export function rowToItem(headers: readonly string[], row: readonly string[]): Record<string, string> {
  const item: Record<string, string> = {};
  for (let i = 0; i < headers.length; i++) item[headers[i]] = i < row.length ? row[i] : "";
  return item;
}
