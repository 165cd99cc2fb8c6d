/**
 * Compiles a definition once: every path, payload template, intrinsic, Choice rule and JSONata
 * expression is parsed here, so running a state (or a Map item) is evaluation only.
 */
import type {
  Catcher,
  ChoiceState,
  FailState,
  JsonObject,
  JsonValue,
  MapState,
  ParallelState,
  PassState,
  QueryLanguage,
  Retrier,
  State,
  StateMachineDefinition,
  SubWorkflow,
  SucceedState,
  TaskState,
  WaitState,
} from "../asl/types";
import { mapProcessor } from "../asl/walk";
import { compileChoiceRule, type Predicate } from "./choice";
import { compileCount } from "./compile-count";
import { compileDistributed, type CompiledDistributed } from "./compile-distributed";
import { RuntimeError } from "./model/errors";
import { compileJsonataValue, isJsonataString, type CompiledJsonata } from "./jsonata";
import { compilePath, compileResultPath, type CompiledPath, type PathSegment } from "./json/path";
import { compileDynamicValue, compileTemplate, type CompiledTemplate } from "./json/template";
import { lambdaTarget, type LambdaTarget } from "./lambda";
import { findIntegration, type ResolvedIntegration } from "../asl/integrations";

export interface JsonPathIO {
  lang: "JSONPath";
  /** undefined: `$` (whole input); null: `{}`. */
  inputPath: CompiledPath | null | undefined;
  outputPath: CompiledPath | null | undefined;
  parameters?: CompiledTemplate;
  resultSelector?: CompiledTemplate;
  /** null: discard the result (keep the input); [] : replace the input. */
  resultPath: PathSegment[] | null;
  assign?: CompiledTemplate;
  /** No InputPath, Parameters, ResultSelector, ResultPath, OutputPath or Assign: the output is the result. */
  plain: boolean;
}

export interface JsonataIO {
  lang: "JSONata";
  arguments?: CompiledJsonata;
  output?: CompiledJsonata;
  assign?: CompiledJsonata;
}

export type StateIO = JsonPathIO | JsonataIO;

export interface CompiledCatcher {
  errorEquals: string[];
  next: string;
  resultPath: PathSegment[] | null;
  output?: CompiledJsonata;
  assignPath?: CompiledTemplate;
  assignJsonata?: CompiledJsonata;
}

/** A number given literally, by a reference path, or by a JSONata expression. */
export type NumberSource =
  | { kind: "literal"; value: number }
  | { kind: "path"; path: CompiledPath; text: string }
  | { kind: "jsonata"; expr: CompiledJsonata; text: string };

interface Base {
  name: string;
  io: StateIO;
  next?: string;
  end: boolean;
}

export interface CompiledTask extends Base {
  type: "Task";
  raw: TaskState;
  resource: string;
  target: LambdaTarget | null;
  /** The integration module (asl/integrations) of the resource; undefined for activities and unknown ARNs. */
  integration: ResolvedIntegration | undefined;
  /** `.waitForTaskToken`: the engine issues `$$.Task.Token` and waits for the callback. */
  waitsForToken: boolean;
  timeout?: NumberSource;
  heartbeat?: NumberSource;
  retriers: Retrier[];
  catchers: CompiledCatcher[];
  /** JSONPath, no Retry, Catch or timeouts: the Task's one-reaction path applies. */
  simple: boolean;
}
export interface CompiledPass extends Base {
  type: "Pass";
  result?: JsonValue;
}
export interface ChoiceBranch {
  predicate?: Predicate;
  condition?: CompiledJsonata;
  next: string;
  assignPath?: CompiledTemplate;
  assignJsonata?: CompiledJsonata;
  output?: CompiledJsonata;
}
export interface CompiledChoice extends Base {
  type: "Choice";
  branches: ChoiceBranch[];
  defaultNext?: string;
}
export interface CompiledWait extends Base {
  type: "Wait";
  seconds?: NumberSource;
  timestamp?:
    | { kind: "literal"; value: string }
    | { kind: "path"; path: CompiledPath; text: string }
    | { kind: "jsonata"; expr: CompiledJsonata; text: string };
}
export interface CompiledSucceed extends Base {
  type: "Succeed";
}
export interface CompiledFail extends Base {
  type: "Fail";
  error?: StringSource;
  cause?: StringSource;
}
export type StringSource =
  | { kind: "literal"; value: string }
  | { kind: "dynamic"; eval: CompiledTemplate; text: string }
  | { kind: "jsonata"; expr: CompiledJsonata };

export interface CompiledParallel extends Base {
  type: "Parallel";
  branches: CompiledWorkflow[];
  retriers: Retrier[];
  catchers: CompiledCatcher[];
}
export interface CompiledMap extends Base {
  type: "Map";
  raw: MapState;
  distributed: boolean;
  processor: CompiledWorkflow;
  itemsPath?: CompiledPath;
  items?: CompiledJsonata;
  itemSelectorPath?: CompiledTemplate;
  itemSelectorJsonata?: CompiledJsonata;
  maxConcurrency?: NumberSource;
  retriers: Retrier[];
  catchers: CompiledCatcher[];
  /** A Distributed Map's own fields, compiled (set when `distributed`; see compile-distributed.ts). */
  dist?: CompiledDistributed;
}

export type CompiledState =
  CompiledTask | CompiledPass | CompiledChoice | CompiledWait | CompiledSucceed | CompiledFail | CompiledParallel | CompiledMap;

export interface CompiledWorkflow {
  startAt: string;
  states: Map<string, CompiledState>;
  queryLanguage: QueryLanguage;
  raw: SubWorkflow;
}

function optionalPath(p: string | null | undefined): CompiledPath | null | undefined {
  if (p === undefined || p === "$") return undefined;
  if (p === null) return null;
  return compilePath(p);
}

function resultPathOf(p: string | null | undefined): PathSegment[] | null {
  if (p === null) return null;
  return compileResultPath(p ?? "$");
}

/** The I/O fields as one shape: which of them a state type allows is the validator's business. */
interface IOFields {
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: JsonObject;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Assign?: JsonObject;
  Arguments?: JsonValue;
  Output?: JsonValue;
}

function jsonPathIO(state: State, name: string): JsonPathIO {
  const s = state as IOFields;
  const hasResult = state.Type === "Task" || state.Type === "Pass" || state.Type === "Parallel" || state.Type === "Map";
  const io: Omit<JsonPathIO, "plain"> = {
    lang: "JSONPath",
    inputPath: optionalPath(s.InputPath),
    outputPath: optionalPath(s.OutputPath),
    // A Map's `Parameters` is the legacy name of ItemSelector, applied per item, not to the state.
    parameters: s.Parameters !== undefined && state.Type !== "Map" ? compileTemplate(s.Parameters, name) : undefined,
    resultSelector: s.ResultSelector !== undefined ? compileTemplate(s.ResultSelector, name) : undefined,
    resultPath: hasResult ? resultPathOf(s.ResultPath) : [],
    assign: s.Assign !== undefined ? compileTemplate(s.Assign, name) : undefined,
  };
  const plain =
    io.inputPath === undefined &&
    io.outputPath === undefined &&
    !io.parameters &&
    !io.resultSelector &&
    io.resultPath?.length === 0 &&
    !io.assign;
  return { ...io, plain };
}

function jsonataIO(state: State, name: string): JsonataIO {
  const s = state as IOFields;
  return {
    lang: "JSONata",
    arguments: s.Arguments !== undefined ? compileJsonataValue(s.Arguments, "Arguments") : undefined,
    output: s.Output !== undefined ? compileJsonataValue(s.Output, "Output") : undefined,
    assign: s.Assign !== undefined ? compileJsonataValue(s.Assign, "Assign") : undefined,
  };
}

function numberSource(
  lang: QueryLanguage,
  value: number | string | undefined,
  path: string | undefined,
  where: string,
): NumberSource | undefined {
  if (typeof value === "number") return { kind: "literal", value };
  if (typeof value === "string" && (isJsonataString(value) || lang === "JSONata"))
    return { kind: "jsonata", expr: compileJsonataValue(value, where), text: value };
  if (path !== undefined) return { kind: "path", path: compilePath(path), text: path };
  return undefined;
}

function stringSource(lang: QueryLanguage, literal: string | undefined, path: string | undefined, where: string): StringSource | undefined {
  if (literal !== undefined) {
    if (lang === "JSONata" && isJsonataString(literal))
      return { kind: "jsonata", expr: compileJsonataValue(literal, where.replace(/Path$/, "")) };
    return { kind: "literal", value: literal };
  }
  if (path !== undefined) return { kind: "dynamic", eval: compileDynamicValue(path, where, ""), text: path };
  return undefined;
}

function compileCatchers(lang: QueryLanguage, catchers: Catcher[] | undefined, name: string): CompiledCatcher[] {
  return (catchers ?? []).map((c, i) => ({
    errorEquals: c.ErrorEquals,
    next: c.Next,
    resultPath: lang === "JSONPath" ? resultPathOf(c.ResultPath) : [],
    output: lang === "JSONata" && c.Output !== undefined ? compileJsonataValue(c.Output, `Catch[${i}]/Output`) : undefined,
    assignPath: lang === "JSONPath" && c.Assign !== undefined ? compileTemplate(c.Assign) : undefined,
    assignJsonata: lang === "JSONata" && c.Assign !== undefined ? compileJsonataValue(c.Assign, `Catch[${i}]/Assign`) : undefined,
  }));
}

/**
 * `inherited` is the machine's top-level QueryLanguage: "If the state does not contain a
 * QueryLanguage field, then it will use the query language specified in the top-level
 * QueryLanguage field" — states inside a Map or Parallel inherit the top level, not the Map/Parallel.
 */
export function compileState(name: string, state: State, inherited: QueryLanguage): CompiledState {
  const lang: QueryLanguage = state.QueryLanguage ?? inherited;
  const io: StateIO = lang === "JSONata" ? jsonataIO(state, name) : jsonPathIO(state, name);
  const t = state as { Next?: string; End?: boolean };
  const base = { name, io, next: t.Next, end: t.End === true };
  switch (state.Type) {
    case "Task": {
      const task: Omit<CompiledTask, "simple"> = {
        ...base,
        type: "Task",
        raw: state,
        resource: state.Resource,
        target: lambdaTarget(state.Resource),
        integration: findIntegration(state.Resource),
        waitsForToken: state.Resource.endsWith(".waitForTaskToken"),
        timeout: numberSource(lang, state.TimeoutSeconds, state.TimeoutSecondsPath, "TimeoutSeconds"),
        heartbeat: numberSource(lang, state.HeartbeatSeconds, state.HeartbeatSecondsPath, "HeartbeatSeconds"),
        retriers: state.Retry ?? [],
        catchers: compileCatchers(lang, state.Catch, name),
      };
      const simple =
        task.target !== null &&
        task.io.lang === "JSONPath" &&
        task.retriers.length === 0 &&
        task.catchers.length === 0 &&
        !task.timeout &&
        !task.heartbeat;
      return { ...task, simple };
    }
    case "Pass":
      return { ...base, type: "Pass", result: state.Result };
    case "Choice":
      return {
        ...base,
        type: "Choice",
        defaultNext: state.Default,
        branches: state.Choices.map((rule, i) => {
          if (rule.Next === undefined) throw new RuntimeError(`Choice rule ${i} of '${name}' has no Next`);
          const where = `Choices[${i}]`;
          return {
            next: rule.Next,
            predicate: lang === "JSONPath" ? compileChoiceRule(rule, name) : undefined,
            condition: lang === "JSONata" ? compileJsonataValue(rule.Condition as JsonValue, `${where}/Condition`) : undefined,
            assignPath: lang === "JSONPath" && rule.Assign !== undefined ? compileTemplate(rule.Assign) : undefined,
            assignJsonata:
              lang === "JSONata" && rule.Assign !== undefined ? compileJsonataValue(rule.Assign, `${where}/Assign`) : undefined,
            output: lang === "JSONata" && rule.Output !== undefined ? compileJsonataValue(rule.Output, `${where}/Output`) : undefined,
          };
        }),
      };
    case "Wait": {
      const w = state as WaitState;
      let timestamp: CompiledWait["timestamp"];
      if (w.Timestamp !== undefined) {
        timestamp = isJsonataString(w.Timestamp)
          ? { kind: "jsonata", expr: compileJsonataValue(w.Timestamp, "Timestamp"), text: w.Timestamp }
          : { kind: "literal", value: w.Timestamp };
      } else if (w.TimestampPath !== undefined) timestamp = { kind: "path", path: compilePath(w.TimestampPath), text: w.TimestampPath };
      return { ...base, type: "Wait", seconds: numberSource(lang, w.Seconds, w.SecondsPath, "Seconds"), timestamp };
    }
    case "Succeed":
      return { ...base, type: "Succeed", end: true } satisfies CompiledSucceed;
    case "Fail": {
      const f = state as FailState;
      return {
        ...base,
        type: "Fail",
        end: true,
        error: stringSource(lang, f.Error, f.ErrorPath, "ErrorPath"),
        cause: stringSource(lang, f.Cause, f.CausePath, "CausePath"),
      };
    }
    case "Parallel": {
      const p = state as ParallelState;
      return {
        ...base,
        type: "Parallel",
        branches: p.Branches.map((b) => compileWorkflow(b, inherited)),
        retriers: p.Retry ?? [],
        catchers: compileCatchers(lang, p.Catch, name),
      };
    }
    case "Map": {
      const m = state as MapState;
      const processorDef = mapProcessor(m)?.processor;
      if (!processorDef) throw new RuntimeError(`Map state '${name}' has neither ItemProcessor nor Iterator`);
      const selector = m.ItemSelector ?? m.Parameters;
      const distributed = processorDef.ProcessorConfig?.Mode === "DISTRIBUTED";
      const itemSelectorPath = lang === "JSONPath" && selector !== undefined ? compileTemplate(selector as JsonObject) : undefined;
      const itemSelectorJsonata =
        lang === "JSONata" && selector !== undefined ? compileJsonataValue(selector as JsonValue, "ItemSelector") : undefined;
      return {
        ...base,
        type: "Map",
        raw: m,
        distributed,
        processor: compileWorkflow(processorDef, inherited),
        itemsPath: lang === "JSONPath" && m.ItemsPath !== undefined ? compilePath(m.ItemsPath) : undefined,
        items: lang === "JSONata" && m.Items !== undefined ? compileJsonataValue(m.Items, "Items") : undefined,
        itemSelectorPath,
        itemSelectorJsonata,
        maxConcurrency: numberSource(lang, m.MaxConcurrency, m.MaxConcurrencyPath, "MaxConcurrency"),
        retriers: m.Retry ?? [],
        catchers: compileCatchers(lang, m.Catch, name),
        dist: distributed
          ? compileDistributed(m, lang, processorDef.ProcessorConfig?.ExecutionType, itemSelectorPath, itemSelectorJsonata)
          : undefined,
      };
    }
  }
}

/** Compiles a machine or sub-workflow; `inherited` is the top-level query language (a sub-workflow may set its own). */
export function compileWorkflow(def: SubWorkflow, inherited: QueryLanguage = "JSONPath"): CompiledWorkflow {
  compileCount.workflows++;
  const lang = def.QueryLanguage ?? inherited;
  const states = new Map<string, CompiledState>();
  for (const [name, state] of Object.entries(def.States)) states.set(name, compileState(name, state, lang));
  if (!states.has(def.StartAt)) throw new RuntimeError(`StartAt '${def.StartAt}' names no state`);
  return { startAt: def.StartAt, states, queryLanguage: lang, raw: def };
}

const compiledDefinitions = new WeakMap<object, CompiledWorkflow>();

/**
 * Compiles a machine once per definition object (run() and nested `states:startExecution` share
 * it); every later run, Map item and child execution reuses the compiled form.
 */
export function compileDefinition(definition: StateMachineDefinition): CompiledWorkflow {
  let compiled = compiledDefinitions.get(definition);
  if (!compiled) {
    compiled = compileWorkflow(definition, definition.QueryLanguage ?? "JSONPath");
    compiledDefinitions.set(definition, compiled);
  }
  return compiled;
}

export type { SucceedState };
