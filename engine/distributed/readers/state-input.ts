/**
 * Items from the state input, when the Map state has no ItemReader (ItemsPath / Items).
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html — "The input
 * can be a JSON array, a JSON object, or an array within a node of a JSON object. Step Functions
 * will iterate directly over the elements of an array, or the key-value pairs of a JSON object."
 */
import type { JsonValue, MapState } from "../../../asl/types";
import { StatesError, STATES_ERRORS } from "../../model/errors";
import type { DistributedMapContext } from "../map-run-interface";
import { STATE_DATA_SOURCE, type ItemBatch } from "./index";

/**
 * One batch of every item, with its total (known at once: the Map Run judges its tolerated
 * failure percentage against it from the first failure). The page does not show a key-value
 * pair's child input; `{"Key", "Value"}` (with `$$.Map.Item.Key`) is the shape other emulators
 * use, taken by the item stream.
 */
export async function* itemsFromInput(state: MapState, input: JsonValue, ctx: DistributedMapContext): AsyncGenerator<ItemBatch> {
  const jsonata = ctx.queryLanguage === "JSONata";
  const items = jsonata
    ? state.Items === undefined
      ? input
      : ctx.evaluateTemplate(state.Items, input)
    : ctx.evaluatePath(state.ItemsPath ?? "$", input);
  if (Array.isArray(items)) {
    yield { source: STATE_DATA_SOURCE, values: items, total: items.length };
    return;
  }
  if (items !== null && typeof items === "object") {
    const keys = Object.keys(items);
    yield { source: STATE_DATA_SOURCE, values: keys.map((key) => items[key]), keys, total: keys.length };
    return;
  }
  throw new StatesError(
    jsonata ? STATES_ERRORS.QueryEvaluationError : STATES_ERRORS.Runtime,
    jsonata
      ? `Items must evaluate to a JSON array or object (got ${items === null ? "null" : typeof items})`
      : `ItemsPath ${state.ItemsPath ?? "$"} must select a JSON array or object (got ${items === null ? "null" : typeof items})`,
  );
}
