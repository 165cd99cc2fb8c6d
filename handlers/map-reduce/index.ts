/** The map-reduce workflow's Lambda handlers (seed 002): CountWords (map) and ReduceCounts (reduce). */
export { countWords, countText, topWords, CountWordsInputSchema, InvalidBatchError, ObjectReadError, MAX_WORDS } from "./count-words";
export type { CountWordsInput, CountWordsResult, ObjectStats } from "./count-words";
export { reduceCounts, type ReduceResult } from "./reduce-counts";
export {
  forEachChildRecord,
  parseResultFile,
  readManifest,
  ResultFilesError,
  ResultManifestSchema,
  ResultWriterOutputSchema,
  type ChildRecord,
  type ResultManifest,
} from "./result-files";
