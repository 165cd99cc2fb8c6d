/**
 * The stack bucket's areas: the payload prefix and the results prefix. Each workflow keeps to its own
 * folder inside each area, so one workflow's roles cannot reach another's objects (the
 * least-privilege sweep checks it).
 */
import type { StackConfig } from "../config/schema";

/** The bucket areas a function may touch: the payload prefix or the results prefix of the stack. */
export type BucketArea = "payload" | "results";

/** The key prefix of an area's folder: `<payloadPrefix|resultsPrefix><folder>`. */
export function areaPrefix(config: Pick<StackConfig, "payloadPrefix" | "resultsPrefix">, area: BucketArea, folder: string): string {
  return `${area === "payload" ? config.payloadPrefix : config.resultsPrefix}${folder}`;
}

/** Each workflow's folder inside the payload and results areas (its Lambdas' grants and its definition use the same). */
export const SEED_FOLDER = "seed/";
export const MAP_REDUCE_FOLDER = "map-reduce/";
export const JSONL_RANGES_FOLDER = "jsonl-ranges/";
