/**
 * The base of every state builder, and chains.
 *
 * Modelled on AWS CDK aws-stepfunctions: one object per state, `next()` links states and returns a
 * Chain (start state + the states still open at the end). A state object is a node in a graph: using
 * the same object twice means "go to that one state" (that is how branches converge and loops close);
 * two different objects with the same name are a collision, reported when the machine is assembled.
 * A fragment is a function that returns a fresh chain each time it is called.
 */
import type { QueryLanguage, State, StateType } from "../types";
import type { AnyLambdaRef, LambdaResolver } from "./lambda";
import { BuilderError } from "./errors";

/** Anything that can be placed where a state goes: one state or a chain of states. */
export interface Chainable {
  /** The state execution enters first. */
  readonly startState: StateBuilder;
  /** The states whose `Next` is still open (they render `End: true` unless something follows). */
  readonly endStates: ReadonlyArray<NextableState>;
}

/** A nested scope a state owns: a Parallel branch or a Map's item processor. */
export interface SubScope {
  readonly start: StateBuilder;
  /** JSON pointer segments from the owning state to the nested `States` object's parent. */
  readonly segments: ReadonlyArray<string | number>;
}

/** What a state needs from the machine while rendering. */
export interface RenderContext {
  readonly resolveLambda: LambdaResolver;
  /** The machine's top-level query language; a state without its own inherits it (nested states too). */
  readonly machineQueryLanguage: QueryLanguage;
  /** Renders one of this state's nested scopes (as returned by `subScopes()`, same order). */
  renderSubScope(index: number): { StartAt: string; States: Record<string, State> };
  /** Name of a state this one transitions to. */
  nameOf(target: StateBuilder): string;
}

export interface StateOptions {
  /** Human-readable description; rendered as `Comment`. */
  readonly comment?: string;
  /** Overrides the machine's query language for this state (renders `QueryLanguage`). */
  readonly queryLanguage?: QueryLanguage;
}

/** Drops keys whose value is undefined, keeping insertion order (the rendered key order). */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

export abstract class StateBuilder implements Chainable {
  abstract readonly type: StateType;

  constructor(
    readonly name: string,
    protected readonly options: StateOptions = {},
  ) {
    if (typeof name !== "string" || name.length === 0) {
      throw new BuilderError(`A state needs a non-empty name (got ${JSON.stringify(name)})`);
    }
  }

  get startState(): StateBuilder {
    return this;
  }

  abstract get endStates(): ReadonlyArray<NextableState>;

  /** States this one can transition to within its own scope (Next, Catch targets, Choice targets). */
  successors(): StateBuilder[] {
    return [];
  }

  /** Nested scopes (Parallel branches, Map processor). */
  subScopes(): SubScope[] {
    return [];
  }

  /** Lambda references this state itself uses (not those of nested scopes). */
  lambdaRefs(): AnyLambdaRef[] {
    return [];
  }

  /** The query language this state is evaluated in. */
  queryLanguageIn(ctx: { machineQueryLanguage: QueryLanguage }): QueryLanguage {
    return this.options.queryLanguage ?? ctx.machineQueryLanguage;
  }

  /** Renders the state's ASL JSON. */
  abstract render(ctx: RenderContext): State;

  /** The fields every state starts with, in ASL's customary order. */
  protected header(): { Type: StateType; Comment?: string; QueryLanguage?: QueryLanguage } {
    return compact({ Type: this.type, Comment: this.options.comment, QueryLanguage: this.options.queryLanguage });
  }

  toString(): string {
    return `${this.type}(${this.name})`;
  }
}

/** A state that transitions (Task, Pass, Wait, Map, Parallel): it has `next()` and renders Next or End. */
export abstract class NextableState extends StateBuilder {
  private nextState?: StateBuilder;

  override get endStates(): ReadonlyArray<NextableState> {
    return [this];
  }

  /** Continues with `then` after this state; returns the chain from this state to `then`'s open ends. */
  next(then: Chainable): Chain {
    this.setNext(then.startState);
    return new Chain(this, then.endStates);
  }

  /** @internal Links this state to `target`; a second, different link is a mistake worth an error. */
  setNext(target: StateBuilder): void {
    if (this.nextState !== undefined && this.nextState !== target) {
      throw new BuilderError(
        `State "${this.name}" already continues with "${this.nextState.name}"; cannot also continue with "${target.name}". ` +
          `Use a Choice to branch, or a fragment function to get a fresh copy of the states.`,
      );
    }
    this.nextState = target;
  }

  get nextTarget(): StateBuilder | undefined {
    return this.nextState;
  }

  override successors(): StateBuilder[] {
    return this.nextState ? [this.nextState] : [];
  }

  protected transition(ctx: RenderContext): { Next: string } | { End: true } {
    return this.nextState ? { Next: ctx.nameOf(this.nextState) } : { End: true };
  }
}

/** A sequence of states: where it starts and which states are still open at the end. */
export class Chain implements Chainable {
  constructor(
    readonly startState: StateBuilder,
    readonly endStates: ReadonlyArray<NextableState>,
  ) {}

  /** Continues every open end of this chain with `then`. */
  next(then: Chainable): Chain {
    if (this.endStates.length === 0) {
      throw new BuilderError(
        `Cannot continue the chain starting at "${this.startState.name}" with "${then.startState.name}": ` +
          `it has no open ends (it finishes in Succeed/Fail, or a Choice without afterwards())`,
      );
    }
    for (const end of this.endStates) end.setNext(then.startState);
    return new Chain(this.startState, then.endStates);
  }

  /** Starts a chain from one state or chain. */
  static start(first: Chainable): Chain {
    return new Chain(first.startState, first.endStates);
  }

  /** Chains the given pieces in order: `Chain.sequence(a, b, c)` is `a.next(b).next(c)`. */
  static sequence(first: Chainable, ...rest: Chainable[]): Chain {
    let chain = Chain.start(first);
    for (const piece of rest) chain = chain.next(piece);
    return chain;
  }
}

/** Shorthand for `Chain.sequence`: `sequence(a, b, c)`. */
export function sequence(first: Chainable, ...rest: Chainable[]): Chain {
  return Chain.sequence(first, ...rest);
}
