/**
 * Map states, INLINE and DISTRIBUTED. Two builders rather than one with a mode flag, so that what only
 * a Distributed Map may have (ItemReader, ItemBatcher, ResultWriter, tolerated failures, Label, child
 * execution type) cannot even be written on an inline one.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { z } from "zod";
import { describeNumber, numberField } from "../fields";
import { itemBatcherSchema, mapStateSchema } from "../schema";
import { LIMITS, type ChildExecutionType, type ItemBatcher as ItemBatcherJson, type JsonObject, type MapState as MapJson } from "../types";
import { LABEL_FORBIDDEN } from "../validator/rules";
import { BuilderError } from "./errors";
import {
  ErrorHandlingState,
  renderIo,
  requireLanguage,
  type AssignOptions,
  type ErrorHandlingOptions,
  type JsonPathIoOptions,
  type JsonataOutputOptions,
  type ReferencePath,
  type ResultOptions,
} from "./io";
import type { ItemReaderSpec, ResultWriterSpec } from "./readers";
import { compact, type Chainable, type RenderContext, type StateOptions, type SubScope } from "./state";
import {
  renderTemplate,
  renderTemplateValue,
  renderTwin,
  type RenderSite,
  type Template,
  type TemplateValue,
  type ValueOrDynamic,
} from "./values";

interface MapCommonOptions
  extends StateOptions, JsonPathIoOptions, ResultOptions, JsonataOutputOptions, AssignOptions, ErrorHandlingOptions {
  /** The states run for each item: one state, a chain, or a fragment's result. */
  readonly processor: Chainable;
  /** Builds each item's input (path() values from the item are `$` in JSONPath, `$states.context.Map.Item.Value` in JSONata). */
  readonly itemSelector?: Template;
  /** At most this many iterations at once (0 or omitted: as many as AWS allows). */
  readonly maxConcurrency?: ValueOrDynamic<number>;
}

/** Where the items come from when they are in the state input. */
type ItemsInInput =
  | { /** JSONPath: the array in the input (default `$`). */ readonly itemsPath?: ReferencePath & string; readonly items?: never }
  | { /** JSONata: an array or an expression yielding one. */ readonly items: TemplateValue; readonly itemsPath?: never };

export type InlineMapOptions = MapCommonOptions &
  ItemsInInput & {
    /** Render the processor under the deprecated name `Iterator` (as older definitions, e.g. the seed, do). */
    readonly legacyIterator?: boolean;
  } & { readonly [K in keyof DistributedOnlyOptions]?: never };

export interface ItemBatcherOptions {
  readonly maxItemsPerBatch?: ValueOrDynamic<number>;
  /** At most 262,144 bytes (256 KiB) per batch. */
  readonly maxInputBytesPerBatch?: ValueOrDynamic<number>;
  /** Extra fields added to every batch next to `Items`. */
  readonly batchInput?: Template;
}

/** What only a Distributed Map takes: an inline Map's options rule out each of these. */
export interface DistributedOnlyOptions {
  /** Reads the items from S3 (instead of the state input). */
  readonly reader?: ItemReaderSpec;
  /** Groups items into batches; each child execution receives `{ Items: [...], ...batchInput }`. */
  readonly batcher?: ItemBatcherOptions;
  /** Exports the Map Run's results to S3 (or only reshapes them). */
  readonly resultWriter?: ResultWriterSpec;
  /** The Map Run fails when more than this percentage (0–100, decimals allowed) of items fail. */
  readonly toleratedFailurePercentage?: ValueOrDynamic<number>;
  /** The Map Run fails when more than this many items fail. */
  readonly toleratedFailureCount?: ValueOrDynamic<number>;
  /** Names the child executions (at most 40 characters). */
  readonly label?: string;
  /** Child executions' workflow type; STANDARD unless given. */
  readonly childExecution?: ChildExecutionType;
}

/**
 * The Distributed Map options that render as one number field of the schema (or its `...Path`
 * variant, or a `{% %}` expression), by option: rendered, and checked against the field's range in
 * the schema, from this table.
 */
const DISTRIBUTED_NUMBERS = {
  toleratedFailurePercentage: "ToleratedFailurePercentage",
  toleratedFailureCount: "ToleratedFailureCount",
} as const satisfies { readonly [K in keyof DistributedOnlyOptions]?: keyof typeof mapStateSchema.shape };

/** The same for the batcher's options and the ItemBatcher's fields. */
const BATCHER_NUMBERS = {
  maxItemsPerBatch: "MaxItemsPerBatch",
  maxInputBytesPerBatch: "MaxInputBytesPerBatch",
} as const satisfies { readonly [K in keyof ItemBatcherOptions]?: keyof typeof itemBatcherSchema.shape };

const entries = <T extends object>(o: T) => Object.entries(o) as Array<[keyof T & string, T[keyof T] & string]>;

export type DistributedMapOptions = MapCommonOptions &
  ({ readonly reader: ItemReaderSpec; readonly itemsPath?: never; readonly items?: never } | (ItemsInInput & { readonly reader?: never })) &
  DistributedOnlyOptions & { readonly legacyIterator?: never };

type MapMode =
  | { readonly mode: "INLINE"; readonly options: InlineMapOptions }
  | { readonly mode: "DISTRIBUTED"; readonly options: DistributedMapOptions };

export class MapState extends ErrorHandlingState {
  readonly type = "Map" as const;

  constructor(
    name: string,
    private readonly spec: MapMode,
  ) {
    super(name, spec.options);
    if (!spec.options || !spec.options.processor || !spec.options.processor.startState) {
      throw new BuilderError(
        `${spec.mode === "INLINE" ? "inlineMap" : "distributedMap"}("${name}"): processor is required (a state, a chain or a fragment)`,
      );
    }
    if (spec.mode === "DISTRIBUTED") checkDistributedLimits(name, spec.options);
  }

  get mode(): "INLINE" | "DISTRIBUTED" {
    return this.spec.mode;
  }

  private get processorField(): "ItemProcessor" | "Iterator" {
    return this.spec.mode === "INLINE" && this.spec.options.legacyIterator ? "Iterator" : "ItemProcessor";
  }

  override subScopes(): SubScope[] {
    return [{ start: this.spec.options.processor.startState, segments: [this.processorField] }];
  }

  render(ctx: RenderContext): MapJson {
    const language = this.queryLanguageIn(ctx);
    const o = this.spec.options;
    const site = (field: string) => ({ state: this.name, field, queryLanguage: language });
    const { pre, post } = renderIo(this.name, language, {
      inputPath: o.inputPath,
      outputPath: o.outputPath,
      resultSelector: o.resultSelector,
      resultPath: o.resultPath,
      output: o.output,
      assign: o.assign,
    });
    if (o.itemsPath !== undefined) requireLanguage(this.name, "ItemsPath", language, "JSONPath");
    if (o.items !== undefined) requireLanguage(this.name, "Items", language, "JSONata");
    const sub = ctx.renderSubScope(0);
    let distributed: JsonObject = {};
    let processorConfig: JsonObject | undefined;
    if (this.spec.mode === "DISTRIBUTED") {
      const d = this.spec.options;
      processorConfig = { Mode: "DISTRIBUTED", ExecutionType: d.childExecution ?? "STANDARD" };
      distributed = compact({
        ...renderNumbers(DISTRIBUTED_NUMBERS, d, site),
        Label: d.label,
        ItemReader: d.reader?.render(site("ItemReader")),
        ItemBatcher: d.batcher && renderBatcher(d.batcher, this.name, language),
      }) as unknown as JsonObject;
    }
    const resultWriter = this.spec.mode === "DISTRIBUTED" ? this.spec.options.resultWriter?.render(site("ResultWriter")) : undefined;
    return compact({
      ...this.header(),
      ...renderTwin("MaxConcurrency", o.maxConcurrency, site("MaxConcurrency")),
      ...pre,
      ItemsPath: o.itemsPath,
      Items: o.items === undefined ? undefined : renderTemplateValue(o.items, site("Items"), ""),
      ...distributed,
      ItemSelector: o.itemSelector && renderTemplate(o.itemSelector, site("ItemSelector")),
      [this.processorField]: compact({ ProcessorConfig: processorConfig, StartAt: sub.StartAt, States: sub.States }),
      ResultWriter: resultWriter,
      ...post,
      ...this.errorHandling(ctx),
      ...this.transition(ctx),
    }) as MapJson;
  }
}

/** The twins of each option of `table` that is set, in the table's order (./values.ts renderTwin). */
function renderNumbers<O extends object>(
  table: { readonly [K in keyof O]?: string },
  options: O,
  site: (field: string) => RenderSite,
): JsonObject {
  const out: JsonObject = {};
  for (const [option, field] of entries(table))
    Object.assign(out, renderTwin(field, options[option] as ValueOrDynamic<number>, site(field)));
  return out;
}

/**
 * The AWS limits a static value can break, checked when the state is built, so the mistake points at
 * the builder call rather than at a render or a deploy. Number ranges are the schema's own
 * (asl/schema.ts); the builder adds one bound of its own: MaxConcurrency up to 10,000
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html runs at most
 * 10,000 child executions at once, so a higher MaxConcurrency only hides a typo). Label: up to 40
 * characters, the validator's forbidden characters.
 */
function checkDistributedLimits(name: string, o: DistributedMapOptions): void {
  const fail = (field: string, rule: string, got: unknown) => {
    throw new BuilderError(`distributedMap("${name}"): ${field} ${rule} (got ${JSON.stringify(got)})`);
  };
  const check = (option: string, value: unknown, range: z.ZodNumber, rule = `must be ${describeNumber(range)}`) => {
    if (typeof value === "number" && !range.safeParse(value).success) fail(option, rule, value);
  };
  check(
    "maxConcurrency",
    o.maxConcurrency,
    numberField(mapStateSchema, "MaxConcurrency").max(LIMITS.distributedMaxConcurrency),
    `must be an integer from 0 (as many as allowed) to ${LIMITS.distributedMaxConcurrency} (AWS runs at most ${LIMITS.distributedMaxConcurrency} child executions at once)`,
  );
  for (const [option, field] of entries(DISTRIBUTED_NUMBERS)) check(option, o[option], numberField(mapStateSchema, field));
  if (o.label !== undefined) {
    if (o.label.length === 0 || o.label.length > LIMITS.mapLabelChars)
      fail("label", `must be 1-${LIMITS.mapLabelChars} characters`, o.label);
    if (LABEL_FORBIDDEN.test(o.label))
      fail("label", 'must not contain whitespace, brackets, wildcards, control characters or any of : ; , \\ | ^ ~ $ # % & ` "', o.label);
  }
  const b = o.batcher;
  if (b)
    for (const [option, field] of entries(BATCHER_NUMBERS)) check(`batcher.${option}`, b[option], numberField(itemBatcherSchema, field));
}

function renderBatcher(b: ItemBatcherOptions, state: string, language: "JSONPath" | "JSONata"): ItemBatcherJson {
  const site = (field: string) => ({ state, field: `ItemBatcher.${field}`, queryLanguage: language });
  const out = compact({
    ...renderNumbers(BATCHER_NUMBERS, b, site),
    BatchInput: b.batchInput && renderTemplate(b.batchInput, site("BatchInput")),
  }) as ItemBatcherJson;
  if (Object.keys(out).length === 0) {
    throw new BuilderError(
      `state "${state}" field ItemBatcher: give maxItemsPerBatch and/or maxInputBytesPerBatch (an empty batcher batches nothing)`,
    );
  }
  return out;
}

/** An INLINE Map: iterations run in the parent execution (history and payload limits apply to all of them together). */
export function inlineMap(name: string, options: InlineMapOptions): MapState {
  return new MapState(name, { mode: "INLINE", options });
}

/** A DISTRIBUTED Map: each item (or batch) runs as a child execution of a Map Run. */
export function distributedMap(name: string, options: DistributedMapOptions): MapState {
  return new MapState(name, { mode: "DISTRIBUTED", options });
}
