/**
 * What the console's JSON API answers, read from a ConsoleSession: the run's live snapshot, one
 * execution, one state, a page of history, a state machine's graph. Pure reads; the server routes to them.
 */
import { z } from "zod";
import { buildStateGraph, toSvg, type GraphScope } from "../../asl/graph";
import type { StateMachineDefinition } from "../../asl/types";
import { HttpError } from "./http";
import type { ConsoleSession, ExecutionView } from "./session";

/** `?offset=&limit=` of a paged list: at most 500 rows a request, so a page never holds a whole Map Run. */
export const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** The whole run at a glance (sent again on every live update): execution, each state's status, the Map Runs. */
export function runSnapshot(session: ConsoleSession) {
  const parent = session.parent;
  const states: Record<string, unknown> = {};
  for (const [name, s] of parent?.states ?? []) states[name] = { status: s.status, failures: s.failures };
  for (const [name, c] of session.processorStates()) states[name] = { status: c.status, children: c };
  const now = Date.now();
  const mapRuns = [...session.mapRuns.values()].map((r) => {
    const start = r.startDate.getTime();
    const durationMs = (r.stopDate?.getTime() ?? now) - start;
    const i = r.itemCounts;
    const done = i.succeeded + i.failed + i.timedOut + i.aborted;
    const ledger = session.ledgers.byArn.get(r.mapRunArn);
    return {
      ...r,
      durationMs,
      itemsPerSecond: durationMs > 0 ? (done * 1000) / durationMs : 0,
      failuresListed: (ledger?.failureCount ?? 0) + (ledger?.failuresDropped ?? 0),
    };
  });
  return {
    version: session.version,
    execution: session.summary(),
    states,
    mapRuns,
    historyTotal: parent?.events.length ?? 0,
    childHistoriesDropped: session.childHistoriesDropped,
  };
}

function viewOf(session: ConsoleSession, arn: string): ExecutionView {
  const view = session.execution(arn);
  if (!view) throw new HttpError(404, `no execution ${arn} with a kept history`);
  return view;
}

export function executionDetail(session: ConsoleSession, arn: string) {
  const view = viewOf(session, arn);
  const states: Record<string, unknown> = {};
  for (const [name, s] of view.states) states[name] = s;
  return {
    arn,
    status: view.status,
    startDate: view.startDate,
    stopDate: view.stopDate,
    input: view.input,
    output: view.output,
    error: view.error,
    cause: view.cause,
    states,
    historyTotal: view.events.length,
  };
}

export function stateDetail(session: ConsoleSession, arn: string, name: string) {
  const view = viewOf(session, arn);
  const s = view.states.get(name);
  const children = arn === session.parent?.arn ? session.processorStates().get(name) : undefined;
  return {
    name,
    ...(s ?? { status: children ? "—" : "NOT_RUN" }),
    ...(children ? { children } : {}),
    executionStart: view.startDate,
  };
}

/** One page of an execution's history, filtered by state and event type, with the filters' choices. */
export function historyPage(session: ConsoleSession, arn: string, query: URLSearchParams) {
  const view = viewOf(session, arn);
  const { offset, limit } = PageQuery.parse(Object.fromEntries(query));
  const stateFilter = query.get("state") ?? "";
  const typeFilter = query.get("type") ?? "";
  const start = view.startDate ?? 0;
  const matched: number[] = [];
  const types = new Set<string>();
  const states = new Set<string>();
  view.events.forEach((e, i) => {
    types.add(e.type);
    const st = view.eventState[i];
    if (st) states.add(st);
    if (stateFilter && st !== stateFilter) return;
    if (typeFilter && e.type !== typeFilter) return;
    matched.push(i);
  });
  const events = matched.slice(offset, offset + limit).map((i) => {
    const e = view.events[i]!;
    const plain = (e as { toJSON?: () => Record<string, unknown> }).toJSON?.() ?? (e as unknown as Record<string, unknown>);
    const details = Object.entries(plain).find(([k]) => k.endsWith("EventDetails"))?.[1];
    return {
      id: e.id,
      type: e.type,
      state: view.eventState[i] ?? null,
      elapsedMs: (e.timestamp as Date).getTime() - start,
      timestamp: (e.timestamp as Date).toISOString(),
      details: details === undefined ? "" : JSON.stringify(details),
    };
  });
  return { total: matched.length, all: view.events.length, offset, events, types: [...types].sort(), states: [...states].sort() };
}

/** Each definition's graph drawn once (SVG and the state name of each node), however often it is asked for. */
export class GraphCache {
  private readonly graphs = new WeakMap<object, Promise<{ svg: string; nodes: Record<string, string> }>>();

  of(definition: StateMachineDefinition): Promise<{ svg: string; nodes: Record<string, string> }> {
    let g = this.graphs.get(definition);
    if (!g) {
      g = toSvg(definition).then((svg) => {
        const nodes: Record<string, string> = {};
        const visit = (scope: GraphScope) => {
          for (const n of scope.nodes) {
            if (n.kind === "state") nodes[n.id] = n.name;
            n.scopes.forEach(visit);
          }
        };
        visit(buildStateGraph(definition).root);
        return { svg, nodes };
      });
      this.graphs.set(definition, g);
    }
    return g;
  }
}
