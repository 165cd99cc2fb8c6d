/**
 * The flow states without their own file: Pass, Wait, Succeed, Fail, Parallel.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 */
import type {
  FailState as FailJson,
  JsonObject,
  JsonValue,
  ParallelState as ParallelJson,
  PassState as PassJson,
  SucceedState as SucceedJson,
  WaitState as WaitJson,
} from "../types";
import { BuilderError } from "./errors";
import {
  ErrorHandlingState,
  renderIo,
  requireLanguage,
  type AssignOptions,
  type ErrorHandlingOptions,
  type JsonPathIoOptions,
  type JsonataArgumentsOptions,
  type JsonataOutputOptions,
  type ParametersOptions,
  type ResultOptions,
} from "./io";
import { NextableState, StateBuilder, compact, type Chainable, type RenderContext, type StateOptions, type SubScope } from "./state";
import { cloneJson, isIntrinsicValue, renderTwin, type IntrinsicValue, type RenderSite, type ValueOrDynamic } from "./values";

export interface PassOptions extends StateOptions, JsonPathIoOptions, ParametersOptions, JsonataOutputOptions, AssignOptions {
  /** A fixed result (JSONPath only); placed at resultPath. */
  readonly result?: JsonValue;
  readonly resultPath?: ResultOptions["resultPath"];
}

export class PassState extends NextableState {
  readonly type = "Pass" as const;
  constructor(
    name: string,
    private readonly passOptions: PassOptions = {},
  ) {
    super(name, passOptions);
  }
  render(ctx: RenderContext): PassJson {
    const language = this.queryLanguageIn(ctx);
    const o = this.passOptions;
    if (o.result !== undefined) requireLanguage(this.name, "Result", language, "JSONPath");
    const { pre, post } = renderIo(this.name, language, o);
    const result = o.result === undefined ? undefined : cloneJson(o.result, `state "${this.name}" field Result`);
    return compact({ ...this.header(), ...pre, Result: result, ...post, ...this.transition(ctx) }) as PassJson;
  }
}

/** A Pass state: passes its input on, optionally reshaped or replaced by a fixed result. */
export function pass(name: string, options: PassOptions = {}): PassState {
  return new PassState(name, options);
}

interface WaitCommon extends StateOptions, JsonPathIoOptions, JsonataOutputOptions, AssignOptions {}

/** Exactly one of seconds and timestamp (each a literal, a path() or a jsonata() value). */
export type WaitOptions = WaitCommon &
  (
    | { /** Seconds to wait. */ readonly seconds: ValueOrDynamic<number>; readonly timestamp?: never }
    | {
        /** ISO-8601 timestamp to wait until, e.g. "2026-01-01T00:00:00Z". */ readonly timestamp: ValueOrDynamic<string>;
        readonly seconds?: never;
      }
  );

export class WaitState extends NextableState {
  readonly type = "Wait" as const;
  constructor(
    name: string,
    private readonly waitOptions: WaitOptions,
  ) {
    super(name, waitOptions);
    const given = [waitOptions?.seconds, waitOptions?.timestamp].filter((v) => v !== undefined).length;
    if (given !== 1) throw new BuilderError(`wait("${name}"): give exactly one of seconds and timestamp`);
  }
  render(ctx: RenderContext): WaitJson {
    const language = this.queryLanguageIn(ctx);
    const o = this.waitOptions;
    const site = (field: string) => ({ state: this.name, field, queryLanguage: language });
    const { pre, post } = renderIo(this.name, language, o);
    return compact({
      ...this.header(),
      ...renderTwin("Seconds", o.seconds, site("Seconds")),
      ...renderTwin("Timestamp", o.timestamp, site("Timestamp")),
      ...pre,
      ...post,
      ...this.transition(ctx),
    }) as WaitJson;
  }
}

/** A Wait state: pauses for a number of seconds or until a timestamp. */
export function wait(name: string, options: WaitOptions): WaitState {
  return new WaitState(name, options);
}

export interface SucceedOptions extends StateOptions, JsonPathIoOptions, JsonataOutputOptions {}

export class SucceedState extends StateBuilder {
  readonly type = "Succeed" as const;
  constructor(
    name: string,
    private readonly succeedOptions: SucceedOptions = {},
  ) {
    super(name, succeedOptions);
  }
  override get endStates(): ReadonlyArray<NextableState> {
    return [];
  }
  render(ctx: RenderContext): SucceedJson {
    const { pre, post } = renderIo(this.name, this.queryLanguageIn(ctx), this.succeedOptions);
    return compact({ ...this.header(), ...pre, ...post }) as SucceedJson;
  }
}

/** A Succeed state: ends the execution (or branch, or iteration) successfully. */
export function succeed(name: string, options: SucceedOptions = {}): SucceedState {
  return new SucceedState(name, options);
}

export interface FailOptions extends StateOptions {
  /** The error name: a literal, path(), jsonata(), or (JSONPath) an intrinsic() such as States.Format. */
  readonly error?: ValueOrDynamic<string> | IntrinsicValue;
  /** The human-readable cause, same forms as error. */
  readonly cause?: ValueOrDynamic<string> | IntrinsicValue;
}

/**
 * ErrorPath and CausePath also take an intrinsic function call in JSONPath
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html: "You can also specify CausePath using an
 * intrinsic function that returns a string", likewise ErrorPath).
 */
function renderFailField(
  field: "Error" | "Cause",
  value: ValueOrDynamic<string> | IntrinsicValue | undefined,
  site: RenderSite,
): JsonObject {
  if (isIntrinsicValue(value)) {
    requireLanguage(site.state, field, site.queryLanguage, "JSONPath");
    return { [`${field}Path`]: value.call };
  }
  return renderTwin(field, value, site);
}

export class FailState extends StateBuilder {
  readonly type = "Fail" as const;
  constructor(
    name: string,
    private readonly failOptions: FailOptions = {},
  ) {
    super(name, failOptions);
  }
  override get endStates(): ReadonlyArray<NextableState> {
    return [];
  }
  render(ctx: RenderContext): FailJson {
    const language = this.queryLanguageIn(ctx);
    const site = (field: string) => ({ state: this.name, field, queryLanguage: language });
    return compact({
      ...this.header(),
      ...renderFailField("Error", this.failOptions.error, site("Error")),
      ...renderFailField("Cause", this.failOptions.cause, site("Cause")),
    }) as FailJson;
  }
}

/** A Fail state: ends the execution (or branch, or iteration) with an error. */
export function fail(name: string, options: FailOptions = {}): FailState {
  return new FailState(name, options);
}

export interface ParallelOptions
  extends
    StateOptions,
    JsonPathIoOptions,
    ParametersOptions,
    ResultOptions,
    JsonataArgumentsOptions,
    JsonataOutputOptions,
    AssignOptions,
    ErrorHandlingOptions {}

export class ParallelState extends ErrorHandlingState {
  readonly type = "Parallel" as const;
  private readonly branches: ReadonlyArray<Chainable>;
  constructor(
    name: string,
    branches: ReadonlyArray<Chainable>,
    private readonly parallelOptions: ParallelOptions = {},
  ) {
    super(name, parallelOptions);
    if (!Array.isArray(branches) || branches.length === 0) {
      throw new BuilderError(`parallel("${name}"): give at least one branch (a state, a chain or a fragment)`);
    }
    branches.forEach((b, i) => {
      if (!b || !b.startState) throw new BuilderError(`parallel("${name}"): branch ${i} is not a state or a chain`);
    });
    this.branches = [...branches];
  }
  override subScopes(): SubScope[] {
    return this.branches.map((b, i) => ({ start: b.startState, segments: ["Branches", i] }));
  }
  render(ctx: RenderContext): ParallelJson {
    const { pre, post } = renderIo(this.name, this.queryLanguageIn(ctx), this.parallelOptions);
    const branches = this.branches.map((_, i) => ctx.renderSubScope(i));
    return compact({
      ...this.header(),
      ...pre,
      Branches: branches,
      ...post,
      ...this.errorHandling(ctx),
      ...this.transition(ctx),
    }) as ParallelJson;
  }
}

/** A Parallel state: runs every branch on the same input; its result is the array of branch outputs. */
export function parallel(name: string, branches: ReadonlyArray<Chainable>, options: ParallelOptions = {}): ParallelState {
  return new ParallelState(name, branches, options);
}
