/**
 * One state tested on its own, like AWS's TestState API: a state (or a machine and the name of one
 * of its states), an input, variables and context, an optional mock of the state's result or error,
 * and an inspection level; the answer has TestState's fields: output, error, cause, nextState,
 * status (SUCCEEDED | FAILED | RETRIABLE | CAUGHT_ERROR) and inspectionData.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html
 * Map, Parallel and callback/.sync tasks are tested with a mock of their result, as TestState allows
 * ("TestState only supports the following when a mock is specified: Activity tasks, .sync or
 * .waitForTaskToken service integration patterns, Parallel, or Map states"); a Map without a mock
 * runs its iterations locally.
 *
 * How: the state runs in a small machine of its own (the named state, its Catch, placeholders for
 * the states it may go to, a Pass that sets the variables first) on the local engine, so every
 * rule the engine follows applies; the inspection steps (after InputPath, Parameters,
 * ResultSelector, ResultPath, ItemsPath, ItemSelector) are each the output of a one-field probe
 * state run the same way.
 */
import { z } from "zod";
import type { JsonObject, JsonValue, StateMachineDefinition } from "../asl/types";
import { validateDefinition } from "../asl/validator";
import { run } from "../engine";
import { MockedTestCase } from "../engine/integrations/mock-config";
import type { IntegrationOptions } from "../engine/integrations/options";
import type { ExecutionResult, HistoryEvent, LambdaHandler } from "../engine/types";
import { formatIssues } from "../asl/zod-issues";

export type InspectionLevel = "INFO" | "DEBUG" | "TRACE";

export interface TestStateRequest {
  /** A state's definition, or a state machine's (then `stateName` names the state). */
  definition: unknown;
  stateName?: string;
  input?: JsonValue;
  /** Workflow variables visible to the state. */
  variables?: Record<string, JsonValue>;
  /** `$$.Execution` / `$$.StateMachine` fields. */
  context?: { Execution?: Record<string, JsonValue>; StateMachine?: Record<string, JsonValue> };
  inspectionLevel?: InspectionLevel;
  /** The state's result (what its call or its iterations returned), or the error it fails with, instead of running it. */
  mock?: { result: JsonValue } | { errorOutput: { error: string; cause?: string } };
  /** TestState's stateConfiguration: how many retries already happened (RETRIABLE or not). */
  stateConfiguration?: { retrierRetryCount?: number };
  handlers?: Readonly<Record<string, LambdaHandler>>;
  integrations?: IntegrationOptions;
}

export interface InspectionData {
  input?: JsonValue;
  afterInputPath?: JsonValue;
  afterParameters?: JsonValue;
  afterArguments?: JsonValue;
  result?: JsonValue;
  afterResultSelector?: JsonValue;
  afterResultPath?: JsonValue;
  afterItemsPath?: JsonValue;
  afterItemSelector?: JsonValue;
  afterItemBatcher?: JsonValue;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
  variables?: Record<string, JsonValue>;
  /** TRACE: what the state sent to the service and what came back (locally: the parameters and the result). */
  request?: { body: JsonValue };
  response?: { body: JsonValue };
  errorDetails?: { retryIndex?: number; retryBackoffIntervalSeconds?: number; catchIndex?: number };
}

export interface TestStateResult {
  status: "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** The state the execution would go to; none when the state ends the execution or fails. */
  nextState?: string;
  /** DEBUG and TRACE only. */
  inspectionData?: InspectionData;
}

const Request = z.object({
  definition: z.record(z.string(), z.unknown(), { message: "definition must be a state or a state machine (a JSON object)" }),
  stateName: z.string().min(1).optional(),
  inspectionLevel: z.enum(["INFO", "DEBUG", "TRACE"], { message: "inspectionLevel must be INFO, DEBUG or TRACE" }).default("INFO"),
  variables: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name is a letter or _ then letters, digits or _"), z.unknown())
    .optional(),
  context: z
    .object({ Execution: z.record(z.string(), z.unknown()).optional(), StateMachine: z.record(z.string(), z.unknown()).optional() })
    .strict()
    .optional(),
  mock: z
    .union(
      [
        z.object({ result: z.unknown() }).strict(),
        z.object({ errorOutput: z.object({ error: z.string().min(1), cause: z.string().optional() }).strict() }).strict(),
      ],
      {
        message: "mock is { result } or { errorOutput: { error, cause } }",
      },
    )
    .optional(),
  stateConfiguration: z
    .object({ retrierRetryCount: z.number().int().min(0).optional() })
    .strict()
    .optional(),
});

/** A TestState request that cannot be run (bad field, unknown state): the message names the field. */
export class TestStateRequestError extends Error {
  override readonly name = "InvalidDefinition";
}

type StateDef = Record<string, unknown>;
const PLACEHOLDER: StateDef = { Type: "Succeed" };
const RUN: Pick<Parameters<typeof run>[2], "clock" | "keepHistory" | "validate"> = { clock: "virtual", keepHistory: true, validate: false };

/** The names a state may go to: Next, Default, Choices' Next, Catch's Next. */
function targetsOf(state: StateDef): string[] {
  const out: string[] = [];
  if (typeof state.Next === "string") out.push(state.Next);
  if (typeof state.Default === "string") out.push(state.Default);
  for (const c of (state.Choices as Array<{ Next?: unknown }> | undefined) ?? []) if (typeof c.Next === "string") out.push(c.Next);
  for (const c of (state.Catch as Array<{ Next?: unknown }> | undefined) ?? []) if (typeof c.Next === "string") out.push(c.Next);
  return out;
}

/** The machine around the state: an optional Pass that sets the variables, the state, placeholders for where it goes. */
function machineAround(
  name: string,
  state: StateDef,
  queryLanguage: unknown,
  variables: Record<string, JsonValue> | undefined,
): StateMachineDefinition {
  const states: Record<string, StateDef> = {};
  for (const t of targetsOf(state)) if (t !== name) states[t] = PLACEHOLDER;
  states[name] = state;
  let startAt = name;
  if (variables && Object.keys(variables).length > 0) {
    startAt = "TestState:SetVariables";
    // Literal values: under JSONata a string is evaluated only between {% %}; under JSONPath only a key ending in .$ is a path.
    states[startAt] = { Type: "Pass", Assign: variables, Next: name };
  }
  return {
    ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}),
    StartAt: startAt,
    States: states,
  } as unknown as StateMachineDefinition;
}

const STATE_NAME_EVENTS = /StateEntered$/;

function enteredAfter(history: HistoryEvent[], name: string): { name: string; input: JsonValue } | undefined {
  let seen = false;
  for (const e of history) {
    if (!STATE_NAME_EVENTS.test(e.type)) continue;
    const d = JSON.parse(JSON.stringify(e)) as Record<string, { name?: string; input?: string }>;
    const details = Object.entries(d).find(([k]) => k.endsWith("EventDetails"))?.[1];
    if (!details?.name) continue;
    if (seen) return { name: details.name, input: details.input === undefined ? null : (JSON.parse(details.input) as JsonValue) };
    if (details.name === name) seen = true;
  }
  return undefined;
}

/** The last error the state's own events report (a failed call, a failed Map or Parallel). */
function lastError(history: HistoryEvent[]): { error: string; cause?: string } | undefined {
  let found: { error: string; cause?: string } | undefined;
  for (const e of history) {
    if (e.type.startsWith("Execution")) continue;
    const d = JSON.parse(JSON.stringify(e)) as Record<string, { error?: string; cause?: string }>;
    const details = Object.entries(d).find(([k]) => k.endsWith("EventDetails"))?.[1];
    if (details?.error !== undefined) found = { error: details.error, ...(details.cause !== undefined ? { cause: details.cause } : {}) };
  }
  return found;
}

/** The raw result the state's call returned (TaskSucceeded / LambdaFunctionSucceeded output). */
function callResult(history: HistoryEvent[]): JsonValue | undefined {
  for (const e of history) {
    if (e.type !== "TaskSucceeded" && e.type !== "LambdaFunctionSucceeded") continue;
    const d = JSON.parse(JSON.stringify(e)) as Record<string, { output?: string }>;
    const output = Object.entries(d).find(([k]) => k.endsWith("EventDetails"))?.[1]?.output;
    return output === undefined ? null : (JSON.parse(output) as JsonValue);
  }
  return undefined;
}

function scheduledParameters(history: HistoryEvent[]): JsonValue | undefined {
  for (const e of history) {
    const d = JSON.parse(JSON.stringify(e)) as Record<string, { parameters?: string; input?: string }>;
    if (e.type === "TaskScheduled") return JSON.parse(d.taskScheduledEventDetails?.parameters ?? "null") as JsonValue;
    if (e.type === "LambdaFunctionScheduled") return JSON.parse(d.lambdaFunctionScheduledEventDetails?.input ?? "null") as JsonValue;
  }
  return undefined;
}

/** Runs a one-state probe and returns its output (the value after the fields it has). */
async function probe(
  state: StateDef,
  input: JsonValue,
  queryLanguage: unknown,
  request: TestStateRequest,
  extra: Partial<Parameters<typeof run>[2]> = {},
): Promise<JsonValue> {
  const def = machineAround("Probe", { ...state, End: true }, queryLanguage, request.variables);
  const r = await run(def, input, { handlers: {}, ...RUN, context: request.context, ...extra });
  if (r.status !== "SUCCEEDED") throw new TestStateRequestError(`inspecting the state failed: ${r.error}: ${r.cause}`);
  return r.output ?? null;
}

function retrierFor(state: StateDef, error: string, retries: number): { index: number; interval: number } | undefined {
  const retriers =
    (state.Retry as
      | Array<{ ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number }>
      | undefined) ?? [];
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i]!;
    // "States.ALL ... matches any known error name" except States.DataLimitExceeded and States.Runtime, which are terminal.
    const matches =
      r.ErrorEquals.includes(error) ||
      (r.ErrorEquals.includes("States.ALL") && error !== "States.Runtime" && error !== "States.DataLimitExceeded");
    if (!matches) continue;
    if (retries >= (r.MaxAttempts ?? 3)) return undefined;
    let interval = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** retries;
    if (r.MaxDelaySeconds !== undefined) interval = Math.min(interval, r.MaxDelaySeconds);
    return { index: i, interval };
  }
  return undefined;
}

/** Tests one state, as TestState does. */
export async function testState(request: TestStateRequest): Promise<TestStateResult> {
  const parsed = Request.safeParse(request);
  if (!parsed.success) throw new TestStateRequestError(formatIssues(parsed.error, { root: "(request)" }));
  const req = request;
  const level = parsed.data.inspectionLevel;
  const given = parsed.data.definition as StateDef;
  const isMachine = typeof given.States === "object" && given.States !== null;
  let name: string;
  let state: StateDef;
  let queryLanguage: unknown = undefined;
  if (isMachine) {
    const states = given.States as Record<string, StateDef>;
    if (!req.stateName)
      throw new TestStateRequestError(
        `stateName is required with a state machine definition (its states: ${Object.keys(states).join(", ")})`,
      );
    if (!(req.stateName in states))
      throw new TestStateRequestError(
        `stateName '${req.stateName}' is not a top-level state of the definition (its states: ${Object.keys(states).join(", ")})`,
      );
    name = req.stateName;
    state = states[name]!;
    queryLanguage = given.QueryLanguage;
    const verdict = validateDefinition(given);
    const errors = verdict.diagnostics.filter((d) => d.severity === "ERROR");
    if (errors.length > 0)
      throw new TestStateRequestError(
        `the state machine definition is invalid: ${errors.map((d) => `${d.code} at ${d.location}: ${d.message}`).join("; ")}`,
      );
  } else {
    name = req.stateName ?? "TestState";
    state = given;
    queryLanguage = state.QueryLanguage;
    const verdict = validateDefinition(machineAround(name, state, undefined, undefined));
    const errors = verdict.diagnostics.filter((d) => d.severity === "ERROR");
    if (errors.length > 0)
      throw new TestStateRequestError(
        `the state definition is invalid: ${errors.map((d) => `${d.code} at ${d.location}: ${d.message}`).join("; ")}`,
      );
  }
  const lang = (state.QueryLanguage ?? queryLanguage ?? "JSONPath") as "JSONPath" | "JSONata";
  const input = req.input ?? {};
  const type = state.Type as string;
  const mock = parsed.data.mock as TestStateRequest["mock"];

  // The state as it runs: without Retry (a retriable error is reported, not retried, as TestState does).
  const { Retry: _retry, ...withoutRetry } = state;
  let tested: StateDef = withoutRetry;
  let integrations: IntegrationOptions = { ...req.integrations };
  if (mock && (type === "Map" || type === "Parallel" || type === "Task")) {
    if (type !== "Task") {
      // The Map's or Parallel's result mocked: the same result processing, as a Task whose call returns it.
      const keep = ["ResultSelector", "ResultPath", "OutputPath", "Output", "Assign", "Catch", "Next", "End", "QueryLanguage", "Comment"];
      tested = {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        ...Object.fromEntries(Object.entries(withoutRetry).filter(([k]) => keep.includes(k))),
      };
    }
    const answer =
      "result" in mock
        ? { Return: mock.result }
        : { Throw: { Error: mock.errorOutput.error, ...(mock.errorOutput.cause !== undefined ? { Cause: mock.errorOutput.cause } : {}) } };
    const file = {
      StateMachines: { TestState: { TestCases: { Mock: { [name]: "Mocked" } } } },
      MockedResponses: { Mocked: { "0": answer } },
    };
    integrations = { ...integrations, mocks: MockedTestCase.from(file, "TestState/Mock") };
  }
  const machine = machineAround(name, tested, queryLanguage, req.variables);
  const result: ExecutionResult = await run(machine, input, { handlers: { ...req.handlers }, ...RUN, context: req.context, integrations });

  const out: TestStateResult = { status: "SUCCEEDED" };
  const next = enteredAfter(result.history, name);
  if (result.status === "SUCCEEDED") {
    const failure =
      next && (tested.Catch as Array<{ Next: string }> | undefined)?.some((c) => c.Next === next.name)
        ? lastError(result.history)
        : undefined;
    if (failure) {
      const retrier = retrierFor(state, failure.error, req.stateConfiguration?.retrierRetryCount ?? 0);
      if (retrier) {
        Object.assign(out, { status: "RETRIABLE", error: failure.error, cause: failure.cause });
      } else {
        const catchIndex = (tested.Catch as Array<{ ErrorEquals: string[]; Next: string }>).findIndex((c) => c.Next === next!.name);
        Object.assign(out, {
          status: "CAUGHT_ERROR",
          error: failure.error,
          cause: failure.cause,
          output: next!.input,
          nextState: next!.name,
        });
        if (level !== "INFO") out.inspectionData = { errorDetails: { catchIndex } };
      }
      if (retrier && level !== "INFO")
        out.inspectionData = { errorDetails: { retryIndex: retrier.index, retryBackoffIntervalSeconds: retrier.interval } };
    } else {
      out.output = next ? next.input : (result.output ?? null);
      if (next) out.nextState = next.name;
    }
  } else {
    const failure = lastError(result.history) ?? { error: result.error ?? "States.Runtime", cause: result.cause };
    const retrier = retrierFor(state, failure.error, req.stateConfiguration?.retrierRetryCount ?? 0);
    Object.assign(out, {
      status: retrier ? "RETRIABLE" : "FAILED",
      error: result.error ?? failure.error,
      cause: result.cause ?? failure.cause,
    });
    if (retrier && level !== "INFO")
      out.inspectionData = { errorDetails: { retryIndex: retrier.index, retryBackoffIntervalSeconds: retrier.interval } };
  }
  if (level === "INFO") return out;

  // DEBUG: the input and output processing, step by step.
  const data: InspectionData = { ...out.inspectionData, input };
  if (req.variables) data.variables = req.variables;
  const raw = mock && "result" in mock ? mock.result : callResult(result.history);
  if (lang === "JSONPath") {
    const inputPath = state.InputPath === undefined ? {} : { InputPath: state.InputPath };
    data.afterInputPath = await probe({ Type: "Pass", ...inputPath }, input, queryLanguage, req);
    if (type === "Task" && state.Parameters !== undefined)
      data.afterParameters = await probe({ Type: "Pass", ...inputPath, Parameters: state.Parameters }, input, queryLanguage, req);
    if (type === "Map") {
      const itemsPath = typeof state.ItemsPath === "string" ? state.ItemsPath : "$";
      data.afterItemsPath = await probe({ Type: "Pass", ...inputPath, OutputPath: itemsPath }, input, queryLanguage, req);
    }
  } else if (type === "Task" && state.Arguments !== undefined) {
    data.afterArguments =
      scheduledParameters(result.history) ?? (await probe({ Type: "Pass", Output: state.Arguments }, input, queryLanguage, req));
  } else if (type === "Map") {
    data.afterItemsPath = state.Items === undefined ? input : await probe({ Type: "Pass", Output: state.Items }, input, queryLanguage, req);
  }
  if (type === "Map") await inspectMap(state, data, queryLanguage, req);
  if (raw !== undefined && (type === "Task" || type === "Map" || type === "Parallel")) {
    data.result = raw;
    if (lang === "JSONPath" && out.status !== "FAILED" && out.status !== "RETRIABLE") {
      const selected =
        state.ResultSelector === undefined ? raw : await probe({ Type: "Pass", Parameters: state.ResultSelector }, raw, queryLanguage, req);
      data.afterResultSelector = selected;
      data.afterResultPath = await probe(
        { Type: "Pass", Result: selected, ...(state.ResultPath !== undefined ? { ResultPath: state.ResultPath } : {}) },
        input,
        queryLanguage,
        req,
      );
    }
  }
  if (level === "TRACE" && type === "Task") {
    const sent = scheduledParameters(result.history);
    if (sent !== undefined) data.request = { body: sent };
    if (raw !== undefined) data.response = { body: raw };
  }
  out.inspectionData = data;
  return out;
}

/** A Map's items after ItemSelector and ItemBatcher, and its failure tolerance and concurrency. */
async function inspectMap(state: StateDef, data: InspectionData, queryLanguage: unknown, req: TestStateRequest): Promise<void> {
  const items = data.afterItemsPath;
  const selector = state.ItemSelector ?? state.Parameters;
  if (Array.isArray(items) && selector !== undefined) {
    // The selector over each item, with $$.Map.Item, as an inline Map of Pass states computes it.
    const map: StateDef = {
      Type: "Map",
      ItemsPath: "$",
      ItemSelector: selector,
      ItemProcessor: { StartAt: "Item", States: { Item: { Type: "Pass", End: true } } },
    };
    if ((state.QueryLanguage ?? queryLanguage) === "JSONata") {
      delete map.ItemsPath;
      map.Items = "{% $states.input %}";
    }
    data.afterItemSelector = await probe(map, items, queryLanguage, req);
  }
  const batcher = state.ItemBatcher as { MaxItemsPerBatch?: number; BatchInput?: JsonObject } | undefined;
  const selected = (data.afterItemSelector ?? items) as JsonValue;
  if (batcher && Array.isArray(selected)) {
    const size = batcher.MaxItemsPerBatch ?? selected.length;
    const batches: JsonValue[] = [];
    for (let i = 0; i < selected.length; i += Math.max(1, size))
      batches.push({ ...(batcher.BatchInput ?? {}), Items: selected.slice(i, i + Math.max(1, size)) });
    data.afterItemBatcher = batches;
  }
  if (typeof state.ToleratedFailureCount === "number") data.toleratedFailureCount = state.ToleratedFailureCount;
  if (typeof state.ToleratedFailurePercentage === "number") data.toleratedFailurePercentage = state.ToleratedFailurePercentage;
  if (typeof state.MaxConcurrency === "number") data.maxConcurrency = state.MaxConcurrency;
}
