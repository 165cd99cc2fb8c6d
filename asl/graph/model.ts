/**
 * The state graph of an ASL definition as a tree of scopes: the machine, and inside each Map state
 * its ItemProcessor, inside each Parallel state one scope per branch. Both drawings (Mermaid text
 * and the SVG) are made from this one model, so they always show the same nodes and edges.
 *
 * Pure: reads plain ASL JSON (any definition, not only ours), no I/O.
 */
import type { ChoiceRule, MapState, State, StateMachineDefinition, SubWorkflow } from "../types";
import { findIntegration } from "../integrations";
import { parseResource } from "../integrations/resource";
import { childWorkflows, mapProcessor } from "../walk";

export type GraphNodeKind = "start" | "end" | "state";

export interface GraphNode {
  /** Unique across the whole graph; safe as a Mermaid or SVG id ([A-Za-z0-9_]). */
  id: string;
  kind: GraphNodeKind;
  /** The state's name (or "Start"/"End"). */
  name: string;
  /** The ASL state type, for states. */
  type?: State["Type"];
  /** A short second line: the Lambda function, the Map's mode, the Wait's duration, ... */
  detail?: string;
  /** Map: one scope (its processor). Parallel: one scope per branch. Empty for other states. */
  scopes: GraphScope[];
  /** What the state does that its type does not say: its Retry policy, a Task's callback or .sync wait. */
  badges?: GraphBadge[];
}

export interface GraphBadge {
  kind: "retry" | "callback" | "sync";
  text: string;
}

export type GraphEdgeKind = "next" | "choice" | "default" | "catch";

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: GraphEdgeKind;
  label?: string;
}

export interface GraphScope {
  id: string;
  /** "Machine", "Processor", or "Branch 1", "Branch 2", ... */
  title: string;
  nodes: GraphNode[];
  /** Edges between nodes of this scope only: ASL forbids transitions that leave a scope. */
  edges: GraphEdge[];
}

export interface StateGraph {
  root: GraphScope;
}

export function buildStateGraph(definition: StateMachineDefinition): StateGraph {
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}${counter++}`;

  function scopeOf(workflow: SubWorkflow, title: string, withStartEnd: boolean): GraphScope {
    const scope: GraphScope = { id: nextId("scope"), title, nodes: [], edges: [] };
    const idByName = new Map<string, string>();
    const stateEntries = Object.entries(workflow.States ?? {});
    for (const [name] of stateEntries) idByName.set(name, nextId("n"));

    let endId: string | undefined;
    const endNode = (): string => {
      if (!endId) endId = nextId("end");
      return endId;
    };
    const addEdge = (from: string, toName: string, kind: GraphEdgeKind, label?: string) => {
      const to = idByName.get(toName);
      // A dangling target is the validator's finding; the drawing just leaves the edge out.
      if (to) scope.edges.push({ id: nextId("e"), from, to, kind, label });
    };

    if (withStartEnd) {
      const startId = nextId("start");
      scope.nodes.push({ id: startId, kind: "start", name: "Start", scopes: [] });
      addEdge(startId, workflow.StartAt, "next");
    }
    for (const [name, state] of stateEntries) {
      const id = idByName.get(name)!;
      const badges = badgesOf(state);
      scope.nodes.push({
        id,
        kind: "state",
        name,
        type: state.Type,
        detail: detailOf(state),
        scopes: childScopes(state),
        ...(badges.length > 0 ? { badges } : {}),
      });
      for (const target of transitionsOf(state)) addEdge(id, target.to, target.kind, target.label);
      if (withStartEnd && isTerminal(state)) scope.edges.push({ id: nextId("e"), from: id, to: endNode(), kind: "next" });
    }
    if (endId) scope.nodes.push({ id: endId, kind: "end", name: "End", scopes: [] });
    return scope;
  }

  function childScopes(state: State): GraphScope[] {
    return childWorkflows(state).map((c) => scopeOf(c.workflow, c.kind === "processor" ? "Processor" : `Branch ${c.index + 1}`, false));
  }

  return { root: scopeOf(definition, "Machine", true) };
}

function isTerminal(state: State): boolean {
  if (state.Type === "Succeed" || state.Type === "Fail") return true;
  if (state.Type === "Choice") return false;
  return state.End === true;
}

interface Transition {
  to: string;
  kind: GraphEdgeKind;
  label?: string;
}

function transitionsOf(state: State): Transition[] {
  const out: Transition[] = [];
  if (state.Type === "Choice") {
    state.Choices.forEach((rule) => {
      if (rule.Next) out.push({ to: rule.Next, kind: "choice", label: describeChoiceRule(rule) });
    });
    if (state.Default) out.push({ to: state.Default, kind: "default", label: "Default" });
    return out;
  }
  if ("Next" in state && state.Next) out.push({ to: state.Next, kind: "next" });
  if ("Catch" in state && state.Catch) {
    for (const c of state.Catch) out.push({ to: c.Next, kind: "catch", label: `Catch ${c.ErrorEquals.join(", ")}` });
  }
  return out;
}

const OPERATOR_SYMBOLS: Record<string, string> = {
  Equals: "==",
  LessThan: "<",
  GreaterThan: ">",
  LessThanEquals: "<=",
  GreaterThanEquals: ">=",
  Matches: "matches",
};

/** A short, readable form of a Choice rule for an edge label; long rules are cut with an ellipsis. */
export function describeChoiceRule(rule: ChoiceRule): string {
  const text = describeRule(rule);
  return text.length > 48 ? text.slice(0, 47) + "…" : text;
}

function describeRule(rule: ChoiceRule): string {
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (typeof rule.Condition === "boolean") return String(rule.Condition);
  if (rule.And) return rule.And.map(describeRule).join(" and ");
  if (rule.Or) return rule.Or.map(describeRule).join(" or ");
  if (rule.Not) return `not (${describeRule(rule.Not)})`;
  const variable = rule.Variable ?? "?";
  for (const [key, value] of Object.entries(rule)) {
    if (["Variable", "Next", "Comment", "Output", "Assign", "Condition"].includes(key)) continue;
    if (key.startsWith("Is")) return `${variable} ${key}${value === false ? " = false" : ""}`;
    const m = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(key);
    if (m) {
      const shown = m[3] ? String(value) : JSON.stringify(value);
      return `${variable} ${OPERATOR_SYMBOLS[m[2]!]} ${shown}`;
    }
  }
  return variable;
}

/** AWS's defaults for a retrier without MaxAttempts: 3 (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error). */
const DEFAULT_MAX_ATTEMPTS = 3;
const BADGE_MAX = 52;

/**
 * The badges a state carries: its retriers (errors and attempts; a retrier with MaxAttempts 0 never
 * retries and is left out), and for a Task the integration pattern that makes it wait: a callback
 * (.waitForTaskToken: paused until SendTaskSuccess/Failure with its token, heartbeat if set) or a
 * job run to completion (.sync, .sync:2).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
function badgesOf(state: State): GraphBadge[] {
  const badges: GraphBadge[] = [];
  if (state.Type === "Task") {
    const resource = typeof state.Resource === "string" ? parseResource(state.Resource) : undefined;
    const pattern = resource && "pattern" in resource ? resource.pattern : undefined;
    if (pattern === "waitForTaskToken") {
      badges.push({
        kind: "callback",
        text: `⏸ waits for a task token${state.HeartbeatSeconds !== undefined ? ` · heartbeat ${state.HeartbeatSeconds} s` : state.HeartbeatSecondsPath ? " · heartbeat" : ""}`,
      });
    } else if (pattern === "sync" || pattern === "sync:2") {
      badges.push({ kind: "sync", text: `⧗ runs to completion (.${pattern})` });
    }
  }
  if ((state.Type === "Task" || state.Type === "Map" || state.Type === "Parallel") && state.Retry?.length) {
    const retriers = state.Retry.filter((r) => (r.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS) > 0).map(
      (r) => `${r.ErrorEquals.join(", ")} ×${r.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS}`,
    );
    if (retriers.length > 0) {
      const text = `↻ retry ${retriers.join(" · ")}`;
      badges.push({ kind: "retry", text: text.length > BADGE_MAX ? `${text.slice(0, BADGE_MAX - 1)}…` : text });
    }
  }
  return badges;
}

/** The Lambda function name in a Task's resource: a direct ARN, or lambda:invoke's FunctionName. */
function lambdaNameOf(resource: string, parameters: unknown): string | undefined {
  const direct = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(resource);
  if (direct) return direct[1];
  const placeholder = /^\$\{([^}]+)\}$/.exec(resource);
  if (placeholder) return placeholder[1];
  if (resource.startsWith("arn:aws:states:::lambda:invoke") && parameters && typeof parameters === "object") {
    const params = parameters as Record<string, unknown>;
    const fn = params["FunctionName"] ?? params["FunctionName.$"];
    if (typeof fn === "string") return lambdaNameOf(fn, undefined) ?? fn;
  }
  return undefined;
}

/** The table, queue, topic or state machine a Task's static parameters name (its last ARN/URL part). */
/** What a call addresses (a table, a queue): the first static field its integration module names as a target. */
function integrationTarget(targets: readonly string[], args: unknown): string | undefined {
  if (!args || typeof args !== "object" || Array.isArray(args)) return undefined;
  const a = args as Record<string, unknown>;
  for (const field of targets) {
    const v = a[field];
    if (typeof v === "string" && !v.startsWith("{%")) return v.split(/[:/]/).pop();
  }
  return undefined;
}

function detailOf(state: State): string | undefined {
  switch (state.Type) {
    case "Task": {
      const fn = lambdaNameOf(state.Resource, state.Parameters ?? state.Arguments);
      if (fn) return `Lambda: ${fn}`;
      // Any other integration: its module's label and what it addresses, when static.
      const found = findIntegration(state.Resource);
      if (found) {
        const target = integrationTarget(found.definition.targets, state.Parameters ?? state.Arguments);
        return target ? `${found.definition.label(found.resource)}: ${target}` : found.definition.label(found.resource);
      }
      return state.Resource.replace(/^arn:aws:states:::/, "");
    }
    case "Map":
      return mapDetail(state);
    case "Wait":
      if (state.Seconds !== undefined) return `${state.Seconds} s`;
      return state.SecondsPath ?? state.Timestamp ?? state.TimestampPath;
    case "Fail":
      return state.Error ?? state.ErrorPath;
    default:
      return undefined;
  }
}

/** A Map's settings as Workflow Studio lists them, one line each (renderers split on "\n"). */
function mapDetail(state: MapState): string {
  const config = mapProcessor(state)?.processor.ProcessorConfig;
  const mode = config?.Mode ?? "INLINE";
  const concurrency =
    state.MaxConcurrency !== undefined
      ? `max concurrency ${state.MaxConcurrency}`
      : state.MaxConcurrencyPath
        ? `max concurrency ${state.MaxConcurrencyPath}`
        : undefined;
  if (mode !== "DISTRIBUTED") {
    return [["Inline", concurrency].filter(Boolean).join(" · "), state.ItemsPath ? `items: ${state.ItemsPath}` : undefined]
      .filter(Boolean)
      .join("\n");
  }
  const lines = [[`Distributed, ${config?.ExecutionType ?? "STANDARD"} children`, concurrency].filter(Boolean).join(" · ")];
  const reader = state.ItemReader;
  if (reader) {
    const input = reader.ReaderConfig?.InputType;
    const what = reader.Resource.replace(/^arn:aws:states:::s3:/, "s3:");
    lines.push(
      `items: ${what}${what === "s3:listObjectsV2" ? (reader.ReaderConfig?.Transformation === "LOAD_AND_FLATTEN" ? ` → ${input ?? "JSON"} contents` : " (every page)") : input ? ` ${input}` : ""}`,
    );
  } else if (state.ItemsPath) {
    lines.push(`items: ${state.ItemsPath}`);
  }
  const limits: string[] = [];
  const batch = state.ItemBatcher?.MaxItemsPerBatch ?? state.ItemBatcher?.MaxItemsPerBatchPath;
  if (batch !== undefined) limits.push(`batches of ${batch}`);
  if (state.ItemBatcher?.MaxInputBytesPerBatch !== undefined) limits.push(`≤ ${state.ItemBatcher.MaxInputBytesPerBatch} bytes a batch`);
  if (state.ToleratedFailurePercentage !== undefined) limits.push(`tolerates ${state.ToleratedFailurePercentage}% failed`);
  if (state.ToleratedFailureCount !== undefined) limits.push(`tolerates ${state.ToleratedFailureCount} failed`);
  if (limits.length) lines.push(limits.join(" · "));
  if (state.ResultWriter?.Resource) lines.push("results: ResultWriter → S3");
  return lines.join("\n");
}
