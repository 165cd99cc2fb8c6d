/**
 * CSV objects as items: the header row (first line, or ReaderConfig.CSVHeaders when GIVEN) names
 * each row's fields. https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 */
import type { JsonValue, ReaderConfig } from "../../../asl/types";
import { StatesError, STATES_ERRORS } from "../../model/errors";
import { CSV_DELIMITERS, parseAwsCsv, rowToItem } from "./csv";
import { checkHeaderSize, checkItemSize, ITEM_MAX_BYTES, type ItemBatch } from "./items";
import { readerFailed, type S3Location } from "./s3-object";

export async function* readCsvItems(
  text: AsyncIterable<string>,
  loc: S3Location,
  cfg: ReaderConfig,
  source: string,
  givenHeaders?: readonly string[],
): AsyncGenerator<ItemBatch> {
  const delimiter = CSV_DELIMITERS[cfg.CSVDelimiter ?? "COMMA"];
  if (delimiter === undefined) throw readerFailed(loc, `Unknown CSVDelimiter ${JSON.stringify(cfg.CSVDelimiter)}`);
  let headers: readonly string[] | undefined = givenHeaders;
  if (!headers && cfg.CSVHeaderLocation === "GIVEN") {
    if (!cfg.CSVHeaders || cfg.CSVHeaders.length === 0) {
      throw new StatesError(STATES_ERRORS.Runtime, "ReaderConfig.CSVHeaders is required when CSVHeaderLocation is GIVEN");
    }
    headers = cfg.CSVHeaders;
  }
  if (headers) checkHeaderSize(headers, delimiter, loc);
  for await (const rows of parseAwsCsv(text, delimiter)) {
    const batch: JsonValue[] = [];
    for (const row of rows) {
      if (!headers) {
        checkHeaderSize(row, delimiter, loc);
        headers = row;
        continue;
      }
      const item = rowToItem(headers, row);
      let chars = 0;
      for (const field of row) chars += field.length;
      if (chars > ITEM_MAX_BYTES / 4) checkItemSize(Buffer.byteLength(JSON.stringify(item)), loc, "A row");
      batch.push(item);
    }
    if (batch.length) yield { source, values: batch };
  }
}
