/**
 * Input/output processing, variables, and error handling shared by several states.
 *
 * JSONPath states use InputPath, Parameters, ResultSelector, ResultPath, OutputPath; JSONata states use
 * Arguments and Output; both may Assign. A field used in the wrong query language is a BuilderError
 * naming the state and the field, so the mistake surfaces where it is made (the validator checks it again).
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * ("After selecting JSONata, your workflow fields will be reduced from five JSONPath fields
 *  (InputPath, Parameters, ResultSelector, ResultPath, and OutputPath) to only two fields: Arguments and Output.")
 */
import { STATES_ERRORS } from "../errors";
import type { Catcher, JsonObject, JsonValue, QueryLanguage, Retrier, RetryJitter } from "../types";
import { BuilderError } from "./errors";
import { NextableState, type Chainable, type RenderContext, type StateBuilder, type StateOptions, compact } from "./state";
import { renderTemplate, renderTemplateValue, type Template, type TemplateValue } from "./values";

/** A JSONPath reference path as used by InputPath/ResultPath/OutputPath (`null` discards). */
export type ReferencePath = `$${string}` | null;

export interface JsonPathIoOptions {
  /** Selects part of the state input (JSONPath only). */
  readonly inputPath?: ReferencePath;
  /** Selects part of the state output (JSONPath only). */
  readonly outputPath?: ReferencePath;
}

export interface ParametersOptions {
  /** Payload template for the state's input (JSONPath only); path() values render as `Key.$`. */
  readonly parameters?: Template;
}

export interface ResultOptions {
  /** Reshapes the task result (JSONPath only). */
  readonly resultSelector?: Template;
  /** Where the result goes in the input (JSONPath only); `null` discards the result. */
  readonly resultPath?: ReferencePath;
}

export interface JsonataArgumentsOptions {
  /** The state's arguments (JSONata only): JSON where jsonata() values render as `{% %}`. */
  readonly arguments?: TemplateValue;
}

export interface JsonataOutputOptions {
  /** The state's output (JSONata only). */
  readonly output?: TemplateValue;
}

export interface AssignOptions {
  /** Workflow variables to set (both query languages; path() values in JSONPath, jsonata() in JSONata). */
  readonly assign?: Template;
}

type IoField = "InputPath" | "OutputPath" | "Parameters" | "ResultSelector" | "ResultPath" | "Arguments" | "Output";
const JSONPATH_ONLY: ReadonlySet<IoField> = new Set(["InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath"]);

/** Throws when a field is set in the query language that does not have it. */
export function requireLanguage(state: string, field: string, language: QueryLanguage, allowed: QueryLanguage): void {
  if (language !== allowed) {
    throw new BuilderError(`state "${state}" field ${field}: only allowed in ${allowed} states; this state uses ${language}`);
  }
}

function checkReferencePath(state: string, field: string, value: ReferencePath | undefined): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !value.startsWith("$")) {
    throw new BuilderError(`state "${state}" field ${field}: must be a JSONPath starting with "$" or null (got ${JSON.stringify(value)})`);
  }
}

/** Everything a state can say about its data, rendered in ASL's field order. */
export type IoOptions = JsonPathIoOptions &
  ParametersOptions &
  ResultOptions &
  JsonataArgumentsOptions &
  JsonataOutputOptions &
  AssignOptions;

/**
 * Renders the I/O fields present in `options`, split into those that go before a state's own fields
 * (InputPath, Parameters, Arguments) and those after (ResultSelector … Assign), ASL's reading order.
 */
export function renderIo(state: string, language: QueryLanguage, options: IoOptions): { pre: JsonObject; post: JsonObject } {
  const set: Array<[IoField, unknown]> = [
    ["InputPath", options.inputPath],
    ["OutputPath", options.outputPath],
    ["Parameters", options.parameters],
    ["ResultSelector", options.resultSelector],
    ["ResultPath", options.resultPath],
    ["Arguments", options.arguments],
    ["Output", options.output],
  ];
  for (const [field, value] of set) {
    if (value === undefined) continue;
    requireLanguage(state, field, language, JSONPATH_ONLY.has(field) ? "JSONPath" : "JSONata");
  }
  checkReferencePath(state, "InputPath", options.inputPath);
  checkReferencePath(state, "OutputPath", options.outputPath);
  checkReferencePath(state, "ResultPath", options.resultPath);
  const site = (field: string) => ({ state, field, queryLanguage: language });
  const pre = compact({
    InputPath: options.inputPath,
    Parameters: options.parameters && renderTemplate(options.parameters, site("Parameters")),
    Arguments: options.arguments === undefined ? undefined : renderTemplateValue(options.arguments, site("Arguments"), ""),
  }) as JsonObject;
  const post = compact({
    ResultSelector: options.resultSelector && renderTemplate(options.resultSelector, site("ResultSelector")),
    ResultPath: options.resultPath,
    OutputPath: options.outputPath,
    Output: options.output === undefined ? undefined : renderTemplateValue(options.output, site("Output"), ""),
    Assign: options.assign && renderTemplate(options.assign, site("Assign")),
  }) as JsonObject;
  return { pre, post };
}

/** Error names Step Functions itself raises, for Retry and Catch. */
export const StatesErrors = STATES_ERRORS;

/** A Retry rule. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error */
export interface RetryOptions {
  readonly errors: readonly string[];
  readonly intervalSeconds?: number;
  readonly maxAttempts?: number;
  readonly backoffRate?: number;
  readonly maxDelaySeconds?: number;
  readonly jitterStrategy?: RetryJitter;
  readonly comment?: string;
}

/** A Catch rule; the target is given separately as a state or chain, never a name. */
export interface CatchOptions {
  /** Defaults to `["States.ALL"]`. */
  readonly errors?: readonly string[];
  /** JSONPath only: where the error output goes in the input. */
  readonly resultPath?: ReferencePath;
  /** JSONata only. */
  readonly output?: TemplateValue;
  readonly assign?: Template;
  readonly comment?: string;
}

export interface ErrorHandlingOptions {
  readonly retry?: readonly RetryOptions[];
}

function renderRetrier(state: string, r: RetryOptions, index: number): Retrier {
  if (!Array.isArray(r.errors) || r.errors.length === 0) {
    throw new BuilderError(`state "${state}" Retry[${index}]: errors must list at least one error name`);
  }
  return compact({
    ErrorEquals: [...r.errors],
    IntervalSeconds: r.intervalSeconds,
    MaxAttempts: r.maxAttempts,
    BackoffRate: r.backoffRate,
    MaxDelaySeconds: r.maxDelaySeconds,
    JitterStrategy: r.jitterStrategy,
    Comment: r.comment,
  });
}

/** A state with Retry and Catch (Task, Parallel, Map). */
export abstract class ErrorHandlingState extends NextableState {
  private readonly retries: RetryOptions[] = [];
  private readonly catches: Array<{ target: StateBuilder; options: CatchOptions }> = [];

  constructor(name: string, options: StateOptions & ErrorHandlingOptions) {
    super(name, options);
    for (const r of options.retry ?? []) this.retries.push(r);
  }

  /** Adds a Retry rule (rules are tried in the order added). */
  addRetry(retry: RetryOptions): this {
    this.retries.push(retry);
    return this;
  }

  /** Adds a Catch rule that continues with `handler` (a state or a chain). */
  addCatch(handler: Chainable, options: CatchOptions = {}): this {
    this.catches.push({ target: handler.startState, options });
    return this;
  }

  override successors(): StateBuilder[] {
    return [...super.successors(), ...this.catches.map((c) => c.target)];
  }

  protected errorHandling(ctx: RenderContext): { Retry?: Retrier[]; Catch?: Catcher[] } {
    const language = this.queryLanguageIn(ctx);
    const retry = this.retries.map((r, i) => renderRetrier(this.name, r, i));
    const catchers = this.catches.map(({ target, options }, i): Catcher => {
      const field = `Catch[${i}]`;
      if (options.resultPath !== undefined) requireLanguage(this.name, `${field}.ResultPath`, language, "JSONPath");
      if (options.output !== undefined) requireLanguage(this.name, `${field}.Output`, language, "JSONata");
      if (options.errors !== undefined && options.errors.length === 0) {
        throw new BuilderError(`state "${this.name}" ${field}: errors must list at least one error name`);
      }
      const site = { state: this.name, field, queryLanguage: language };
      return compact({
        ErrorEquals: [...(options.errors ?? [StatesErrors.ALL])],
        Next: ctx.nameOf(target),
        ResultPath: options.resultPath,
        Output: options.output === undefined ? undefined : (renderTemplateValue(options.output, site, "Output") as JsonValue),
        Assign: options.assign && renderTemplate(options.assign, site),
        Comment: options.comment,
      });
    });
    return compact({ Retry: retry.length ? retry : undefined, Catch: catchers.length ? catchers : undefined });
  }
}
