/**
 * The Distributed Map state's side of its seam with the Map Run: it builds the DistributedMapContext
 * (the state's compiled templates and paths evaluated in its scope, child executions of the
 * compiled ItemProcessor, history, Map Run updates) and lets engine/distributed run the Map Run.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { JsonObject, JsonValue, MapState } from "../../asl/types";
import { ChildStopper } from "../model/abort";
import type { CompiledMap } from "../compile";
import { NOT_STATE_LEVEL, type CompiledDistributed } from "../compile-distributed";
import type { DistributedMapContext, MapItemContext, MapRunRecord } from "../distributed/map-run-interface";
import { mapRunLabel, runDistributedMap } from "../distributed/index";
import { RuntimeError } from "../model/errors";
import { Frame, StateEnv, type ExecutionSetup } from "../execution";
import { compileJsonataValue, isJsonataString, unexpectedResultType, type CompiledJsonata } from "../jsonata";
import { compilePath } from "../json/path";
import { compileTemplate, type CompiledTemplate } from "../json/template";
import * as uuid from "../model/uuid";

// Bound once: under tsx every use of an imported name is a getter call (engine/README.md).
const { randomUuid } = uuid;

/**
 * The compiled template for one the Map Run passes back: compile.ts compiled every template of the
 * state (CompiledDistributed); any other (a Map Run that derives its own) is compiled on first use
 * and kept with the state, never per item.
 */
function jsonPathTemplate(dist: CompiledDistributed, template: JsonValue): CompiledTemplate {
  if (template === null || typeof template !== "object") return () => template;
  let t = dist.templates.get(template);
  if (!t) dist.templates.set(template, (t = compileTemplate(template)));
  return t;
}

/** The same for JSONata: the ItemSelector was compiled with the state; others once, kept by identity or text. */
function jsonataTemplate(dist: CompiledDistributed, template: JsonValue): CompiledJsonata {
  if (dist.selector && template === dist.selector.template) return dist.selector.expr;
  const key = template !== null && typeof template === "object" ? template : String(template);
  let t = (dist.otherJsonata ??= new Map()).get(key);
  if (!t) dist.otherJsonata.set(key, (t = compileJsonataValue(template, "Map")));
  return t;
}

function childArn(parentSmArn: string, label: string, name: string, type: "STANDARD" | "EXPRESS"): { arn: string; smArn: string } {
  const smArn = `${parentSmArn}/${label}`;
  const tail = smArn.slice(smArn.indexOf(":stateMachine:") + ":stateMachine:".length);
  const prefix = parentSmArn.slice(0, parentSmArn.indexOf(":stateMachine:"));
  return { arn: `${prefix}:${type === "EXPRESS" ? "express" : "execution"}:${tail}:${name}`, smArn };
}

/**
 * JSONata evaluates asynchronously, the Map Run interface's evaluateTemplate is synchronous: the
 * state-level expressions (Items, MaxConcurrency, ItemReader Arguments, BatchInput, ...) are resolved
 * once, before the Map Run, and the returned function puts their values in place of their text.
 */
async function resolveStateJsonata(state: CompiledMap, env: StateEnv): Promise<(v: JsonValue) => JsonValue> {
  const dist = state.dist!;
  const resolved = new Map<string, JsonValue>();
  if (state.io.lang === "JSONata") {
    for (const { text, expr } of dist.stateJsonata) resolved.set(text, await expr(env));
    const items = dist.itemsExpression;
    if (items !== undefined) {
      const v = resolved.get(items);
      // The Distributed Map iterates an array, or the key-value pairs of an object (input-output-itemreader).
      if (v === null || typeof v !== "object") throw unexpectedResultType(env, items, "Items", "array", v);
    }
    // Numbers a JSONata expression computes are checked here, where the expression is known, so the
    // failure is AWS's States.QueryEvaluationError naming the field (settings.ts checks the rest).
    for (const { field, text, range } of dist.numberExpressions) {
      const v = resolved.get(text);
      if (!range.safeParse(v).success) throw unexpectedResultType(env, text, field, range.isInt ? "integer" : "number", v);
    }
  }
  const substitute = (v: JsonValue): JsonValue => {
    if (typeof v === "string" && isJsonataString(v)) {
      if (!resolved.has(v)) {
        throw new RuntimeError(`The JSONata expression ${v} depends on the item; evaluate it with evaluateTemplateAsync`);
      }
      return resolved.get(v)!;
    }
    if (Array.isArray(v)) return v.map(substitute);
    if (v && typeof v === "object") {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) out[k] = substitute(v[k]);
      return out;
    }
    return v;
  };

  return substitute;
}

/** Per Map state, not per child: the child ARN prefix and the fields every child setup shares. */
function childBaseOf(setup: ExecutionSetup, label: string, childType: "STANDARD" | "EXPRESS"): ChildBase {
  const { arn: arnPrefix, smArn: childSmArn } = childArn(setup.stateMachineArn, label, "", childType);
  // Field by field, not `...setup`: inside a Distributed Map child (a nested Distributed Map) the
  // setup is a ChildSetup whose fields are prototype getters, which a spread would drop.
  const keepChildHistories = setup.childHistories === true;
  const wantHistory = setup.mapRunHooks?.keepChildHistory;
  return {
    handlers: setup.handlers,
    clock: setup.clock,
    random: setup.random,
    childEvents: setup.childEvents,
    s3: setup.s3,
    // The run's integration services (DynamoDB client, outbox, task tokens, mocks): children share them.
    services: setup.services,
    arnPrefix,
    stateMachineArn: childSmArn,
    type: childType,
    // "STANDARD with their own history, EXPRESS without": the child's history is its own (with
    // its own quota) and is not kept once the child ends.
    // Opted in (childEvents), EXPRESS children's events are forwarded too; EXPRESS still has no quota.
    recordHistory: childType === "STANDARD" || (setup.childEvents === true && setup.onEvent !== undefined),
    // Kept only when asked (RunOptions.childHistories, and MapRunHooks.keepChildHistory for each
    // child): readable on the outcome, dropped with it (ChildSetup.keepHistory).
    keepChildHistories,
    wantHistory,
    onEvent: setup.childEvents ? setup.onEvent : undefined,
    sharedSignal: true,
    mapRuns: [],
  };
}

export async function runDistributed(state: CompiledMap, effective: JsonValue, env: StateEnv): Promise<JsonValue> {
  const frame = env.frame;
  const setup = frame.exec.setup;
  const lang = state.io.lang;
  const dist = state.dist!;

  const substitute = await resolveStateJsonata(state, env);

  const entered = frame.lastEventId;
  const envFor = (input: JsonValue, item?: MapItemContext): StateEnv => {
    const f = item ? new Frame(frame.exec, frame.vars, frame.signal, frame.lastEventId, item) : frame;
    const e = new StateEnv(f, state.name, input, true);
    return e;
  };

  // The same label as the Map Run ARN's (generated when the state has none), so child ARNs, the
  // Map Run ARN and the ResultWriter's records agree.
  const label = labelOf(dist, setup.stateMachineArn, state);
  const childType = dist.childType;
  // S3 (and the AWS SDK, loaded lazily) only for a Map state that reads or writes it.
  const s3 = dist.usesS3 ? await setup.s3() : NO_S3;

  const childBase = childBaseOf(setup, label, childType);
  // Children run on the executor of this execution (the state never imports it).
  const executor = frame.exec.executor;
  let stopper: ChildStopper | undefined;
  let stopperSignal: AbortSignal | undefined;
  const stopperFor = (signal: AbortSignal): ChildStopper => {
    if (signal !== stopperSignal) {
      stopperSignal = signal;
      stopper = new ChildStopper(signal);
    }
    return stopper!;
  };

  const ctx: DistributedMapContext = {
    s3,
    executionArn: setup.arn,
    stateMachineArn: setup.stateMachineArn,
    stateName: state.name,
    enteredEventId: entered,
    label,
    queryLanguage: lang,
    evaluateTemplate(template, input, item) {
      if (lang === "JSONPath") return jsonPathTemplate(dist, template)(input, envFor(input, item));
      return substitute(template);
    },
    async evaluateTemplateAsync(template, input, item) {
      if (lang === "JSONPath") return jsonPathTemplate(dist, template)(input, envFor(input, item));
      return jsonataTemplate(dist, template)(envFor(input, item));
    },
    evaluatePath(path, input) {
      const v = compilePath(path).evaluate(input, envFor(input));
      if (v === undefined) throw new RuntimeError(`Invalid path '${path}' in Map state '${state.name}': no value found`);
      return v;
    },
    startChild(input, options) {
      return new Promise((resolve) => {
        const setup = new ChildSetup(childBase, input, options.signal);
        setup.named = options.name;
        executor.startChild(setup, state.processor, stopperFor(options.signal), resolve, undefined);
      });
    },
    runChild(input, options, onDone, token) {
      executor.startChild(new ChildSetup(childBase, input, options.signal), state.processor, stopperFor(options.signal), onDone, token);
    },
    emitHistory(type, details) {
      if (type === "MapRunFailed") mapRunFailed = true;
      frame.event(type, details);
    },
    onMapRunUpdate(record: MapRunRecord) {
      const i = setup.mapRuns.findIndex((r) => r.mapRunArn === record.mapRunArn);
      if (i < 0) setup.mapRuns.push(record);
      else setup.mapRuns[i] = record;
      setup.onEvent?.({ kind: "mapRun", record });
    },
    signal: frame.signal,
    hooks: setup.mapRunHooks,
  };
  const mapState = lang === "JSONata" ? (substituteState(state.raw, substitute) as MapState) : state.raw;
  // AWS records a Distributed Map around its Map Run as it records an inline Map: MapStateEntered,
  // MapStateStarted {length}, MapRunStarted, MapRunSucceeded, MapStateSucceeded, MapStateExited; a
  // Map Run setting that cannot be used (ToleratedFailureCountPath selecting "NoNumber") fails the
  // state after MapStateStarted, with no MapStateFailed (executions recorded on AWS: localstack/localstack
  // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.py::test_map_state_label,
  // test_map_state_config_distributed_reentrant, test_map_state_tolerated_failure_count_path).
  // Not recorded, so as the inline Map does: MapStateFailed after MapRunFailed; and the length only
  // for items given inline (with an ItemReader the details are left empty).
  let items: JsonValue | undefined;
  if (!state.raw.ItemReader)
    items = lang === "JSONata" ? (mapState.Items ?? effective) : compilePath(state.raw.ItemsPath ?? "$").evaluate(effective, env);
  frame.event("MapStateStarted", Array.isArray(items) ? { length: items.length } : {});
  let mapRunFailed = false;
  const running = runDistributedMap(mapState, effective, ctx).then(
    (output) => {
      frame.event("MapStateSucceeded");
      return output;
    },
    (e: unknown) => {
      if (mapRunFailed) env.owedFailedEvent = "MapStateFailed";
      throw e;
    },
  );
  const inFlight = (frame.exec.mapRunsInFlight ??= new Set());
  inFlight.add(running);
  running.then(
    () => inFlight.delete(running),
    () => inFlight.delete(running),
  );
  return running;
}

/** The Map Run label (generated from the machine ARN and the state name when the state has none), kept per machine ARN. */
function labelOf(dist: CompiledDistributed, stateMachineArn: string, state: CompiledMap): string {
  const last = dist.lastLabel;
  if (last && last.stateMachineArn === stateMachineArn) return last.label;
  const label = mapRunLabel(stateMachineArn, state.name, state.raw.Label);
  dist.lastLabel = { stateMachineArn, label };
  return label;
}

/** The S3 client of a Map state without ItemReader or ResultWriter resource: never called. */
const NO_S3 = {
  send(): never {
    throw new RuntimeError("This Map state has no ItemReader or ResultWriter resource, so it has no S3 client");
  },
} as unknown as S3Client;

/** What every child execution of one Map Run shares. */
type ChildBase = Omit<ExecutionSetup, "arn" | "name" | "input" | "signal" | "keepHistory"> & {
  arnPrefix: string;
  keepChildHistories: boolean;
  wantHistory: (() => boolean) | undefined;
};

/**
 * One child's setup: its own input and signal, the shared fields read through from the Map Run's
 * ChildBase (one class for every Map Run, so the engine's code sees one object shape). The name
 * (a UUID, as AWS names child executions) and the ARN are made on first read: most children are
 * never asked for them.
 */
class ChildSetup implements ExecutionSetup {
  named: string | undefined = undefined;
  constructor(
    private readonly base: ChildBase,
    readonly input: JsonValue,
    readonly signal: AbortSignal,
  ) {}
  get name(): string {
    return (this.named ??= randomUuid());
  }
  get arn(): string {
    return this.base.arnPrefix + this.name;
  }
  get arnPrefix(): string {
    return this.base.arnPrefix;
  }
  get stateMachineArn(): string {
    return this.base.stateMachineArn;
  }
  get type(): ExecutionSetup["type"] {
    return this.base.type;
  }
  get handlers(): ExecutionSetup["handlers"] {
    return this.base.handlers;
  }
  get clock(): ExecutionSetup["clock"] {
    return this.base.clock;
  }
  get random(): ExecutionSetup["random"] {
    return this.base.random;
  }
  /**
   * Data fields of the base, not a getter of it: a getter made per Map Run is a new function each
   * run, and reading it for every child grew a megamorphic call (1 % of a seed-demo run's profile).
   */
  get keepHistory(): boolean {
    const base = this.base;
    return base.keepChildHistories && (base.wantHistory === undefined || base.wantHistory());
  }
  get recordHistory(): boolean {
    return this.base.recordHistory;
  }
  get onEvent(): ExecutionSetup["onEvent"] {
    return this.base.onEvent;
  }
  get childEvents(): boolean | undefined {
    return this.base.childEvents;
  }
  get sharedSignal(): boolean | undefined {
    return this.base.sharedSignal;
  }
  get s3(): ExecutionSetup["s3"] {
    return this.base.s3;
  }
  get mapRuns(): ExecutionSetup["mapRuns"] {
    return this.base.mapRuns;
  }
  get services(): ExecutionSetup["services"] {
    return this.base.services;
  }
}

/**
 * The Map state with its state-level JSONata already evaluated (every field compile-distributed.ts
 * evaluates once per Map Run; processor and selector untouched), so the Map Run reads any field of
 * it, a new one included, as a value.
 */
function substituteState(state: MapState, substitute: (v: JsonValue) => JsonValue): MapState {
  const out: Record<string, unknown> = { ...state };
  for (const [key, value] of Object.entries(state))
    if (!NOT_STATE_LEVEL.has(key) && value !== undefined) out[key] = substitute(value as JsonValue);
  return out as unknown as MapState;
}
