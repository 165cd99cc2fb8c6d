/**
 * The state graph of one scope (the top level, a Parallel branch, or a Map's processor):
 * transition targets, reachability from StartAt, and reachability of a terminal state.
 *
 * Rules (https://states-language.net/spec.html, https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html):
 * - StartAt, Next, Default, and each Choice rule's and Catcher's Next must name a state of the same
 *   scope: "the states in a branch/ItemProcessor ... can only transition to each other, and no state
 *   outside the branch can transition into it" (amazon-states-language-parallel-state, state-map-inline).
 * - "Each state ... MUST be reachable from the StartAt state" — AWS rejects unreachable states.
 * - AWS's MISSING_END_STATE: "The workflow does not have a terminal state."
 * - State names: "must be unique within the scope of the whole state machine" and "must have length
 *   of less than or equal to 80 Unicode characters" (statemachine-structure).
 * Each scope is linear in its number of states and transitions: no pairwise comparisons.
 */
import { CODES } from "./codes";
import type { Context, Segments } from "./context";
import { LIMITS } from "../types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** One transition: its target and where it is declared, relative to the state (built only on report). */
interface Edge {
  target: string;
  rel: readonly (string | number)[];
  field: string;
}

/** Outgoing transitions of one state, each with the location of the field that declares it. */
function edgesOf(state: Obj): Edge[] {
  const edges: Edge[] = [];
  if (typeof state["Next"] === "string") edges.push({ target: state["Next"], rel: NEXT, field: "Next" });
  if (typeof state["Default"] === "string") edges.push({ target: state["Default"], rel: DEFAULT, field: "Default" });
  const choices = state["Choices"];
  if (Array.isArray(choices)) {
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      if (isObj(c) && typeof c["Next"] === "string") edges.push({ target: c["Next"], rel: ["Choices", i, "Next"], field: "Choices Next" });
    }
  }
  const catchers = state["Catch"];
  if (Array.isArray(catchers)) {
    for (let i = 0; i < catchers.length; i++) {
      const c = catchers[i];
      if (isObj(c) && typeof c["Next"] === "string") edges.push({ target: c["Next"], rel: ["Catch", i, "Next"], field: "Catch Next" });
    }
  }
  return edges;
}
const NEXT = ["Next"] as const;
const DEFAULT = ["Default"] as const;

function isTerminal(state: Obj): boolean {
  return state["Type"] === "Succeed" || state["Type"] === "Fail" || state["End"] === true;
}

/** Nested scopes of a state: Parallel branches and a Map's ItemProcessor/Iterator. */
export function childScopes(state: Obj, at: Segments): Array<{ scope: Obj; at: Segments; kind: "branch" | "processor" }> {
  const out: Array<{ scope: Obj; at: Segments; kind: "branch" | "processor" }> = [];
  const branches = state["Branches"];
  if (state["Type"] === "Parallel" && Array.isArray(branches)) {
    branches.forEach((b, i) => isObj(b) && out.push({ scope: b, at: [...at, "Branches", i], kind: "branch" }));
  }
  if (state["Type"] === "Map") {
    for (const key of ["ItemProcessor", "Iterator"] as const) {
      const p = state[key];
      if (isObj(p)) out.push({ scope: p, at: [...at, key], kind: "processor" });
    }
  }
  return out;
}

/** Every state name of the machine, with the location of each declaration, in document order. */
export function collectStateNames(scope: Obj, at: Segments, into = new Map<string, Segments[]>()): Map<string, Segments[]> {
  const states = scope["States"];
  if (!isObj(states)) return into;
  for (const name of Object.keys(states)) {
    const loc = [...at, "States", name];
    const list = into.get(name);
    if (list) list.push(loc);
    else into.set(name, [loc]);
    const s = states[name];
    if (isObj(s)) for (const child of childScopes(s, loc)) collectStateNames(child.scope, child.at, into);
  }
  return into;
}

export function checkStateNames(names: Map<string, Segments[]>, ctx: Context): void {
  for (const [name, locations] of names) {
    // Code points, not UTF-16 units: AWS counts "Unicode characters".
    const length = [...name].length;
    if (length > LIMITS.stateNameChars) {
      ctx.report(CODES.INVALID_STATE_NAME, locations[0]!, `state name is ${length} characters long; the limit is ${LIMITS.stateNameChars}`);
    }
    if (length === 0) ctx.report(CODES.INVALID_STATE_NAME, locations[0]!, "state name must not be empty");
    for (let i = 1; i < locations.length; i++) {
      ctx.report(
        CODES.DUPLICATE_STATE_NAME,
        locations[i]!,
        `state name '${name}' is already used at ${locations[0]!.map(String).join("/")}; names must be unique across the whole state machine, including branches and Map processors`,
      );
    }
  }
}

const describeScope = (kind: "root" | "branch" | "processor") =>
  kind === "branch" ? "this Parallel branch" : kind === "processor" ? "this Map's ItemProcessor" : "the top-level States";

/** Transition targets, reachability and termination for one scope. */
export function checkScopeGraph(
  scope: Obj,
  at: Segments,
  kind: "root" | "branch" | "processor",
  allNames: Map<string, Segments[]>,
  ctx: Context,
): void {
  const states = scope["States"];
  if (!isObj(states)) return;
  const names = Object.keys(states);
  if (names.length === 0) return;
  const inScope = (n: string) => Object.prototype.hasOwnProperty.call(states, n);
  const missing = (target: string, loc: Segments, field: string) => {
    if (allNames.has(target)) {
      ctx.report(
        CODES.TRANSITION_LEAVES_SCOPE,
        loc,
        `${field} '${target}' names a state outside ${describeScope(kind)}; a branch or Map processor is a closed state machine whose states can only transition to each other`,
      );
    } else {
      const known =
        names
          .slice(0, 8)
          .map((n) => `'${n}'`)
          .join(", ") + (names.length > 8 ? ", ..." : "");
      ctx.report(
        CODES.MISSING_TRANSITION_TARGET,
        loc,
        `${field} '${target}' does not name a state in ${describeScope(kind)} (states there: ${known})`,
      );
    }
  };

  const startAt = scope["StartAt"];
  const startOk = typeof startAt === "string" && inScope(startAt);
  if (typeof startAt === "string" && !startOk) missing(startAt, [...at, "StartAt"], "StartAt");

  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  let anyTerminal = false;
  // States whose own transition is already reported broken count as "ends" below, so one mistake
  // does not cascade into NO_PATH_TO_END on every state before it.
  const broken = new Set<string>();
  for (const name of names) {
    const s = states[name];
    if (!isObj(s)) continue;
    if (isTerminal(s)) anyTerminal = true;
    else if (s["Type"] !== "Choice" && typeof s["Next"] !== "string") broken.add(name);
    const out: string[] = [];
    for (const e of edgesOf(s)) {
      if (!inScope(e.target)) {
        missing(e.target, [...at, "States", name, ...e.rel], e.field);
        broken.add(name);
      } else {
        out.push(e.target);
        const p = predecessors.get(e.target);
        if (p) p.push(name);
        else predecessors.set(e.target, [name]);
      }
    }
    successors.set(name, out);
  }

  if (!anyTerminal && broken.size === 0) {
    ctx.report(
      CODES.MISSING_END_STATE,
      [...at, "States"],
      `${describeScope(kind)} has no terminal state: add a Succeed or Fail state, or "End": true on a state`,
    );
  }

  // Reachability from StartAt (only meaningful when StartAt resolves).
  const reachable = new Set<string>();
  if (startOk) {
    const stack = [startAt];
    reachable.add(startAt);
    while (stack.length) {
      for (const next of successors.get(stack.pop()!) ?? []) {
        if (!reachable.has(next)) {
          reachable.add(next);
          stack.push(next);
        }
      }
    }
    for (const name of names) {
      if (!reachable.has(name)) {
        ctx.report(
          CODES.UNREACHABLE_STATE,
          [...at, "States", name],
          `state '${name}' cannot be reached from StartAt '${startAt}'; AWS rejects unreachable states`,
        );
      }
    }
  }

  // Every (reachable) state must be able to reach a terminal state; walk backwards from terminals.
  if (anyTerminal) {
    const ends = new Set<string>();
    const stack: string[] = [];
    for (const name of names) {
      const s = states[name];
      if (!isObj(s) || isTerminal(s) || broken.has(name)) {
        ends.add(name);
        stack.push(name);
      }
    }
    while (stack.length) {
      for (const prev of predecessors.get(stack.pop()!) ?? []) {
        if (!ends.has(prev)) {
          ends.add(prev);
          stack.push(prev);
        }
      }
    }
    for (const name of names) {
      if (!ends.has(name) && (!startOk || reachable.has(name)) && isObj(states[name])) {
        ctx.report(
          CODES.NO_PATH_TO_END,
          [...at, "States", name],
          `no path leads from state '${name}' to a terminal state (Succeed, Fail or "End": true); the execution could never finish`,
        );
      }
    }
  }
}
