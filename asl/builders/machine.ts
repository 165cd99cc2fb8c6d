/**
 * A state machine: a chain plus machine-level settings. It walks the state graph once to find name
 * collisions and the Lambda functions used, renders ASL JSON given a Lambda resolver, and validates
 * what it renders (an invalid definition never leaves this module).
 */
import { InvalidDefinitionError, jsonPointer, type Diagnostic } from "../diagnostics";
import type { QueryLanguage, State, StateMachineDefinition } from "../types";
import { validateDefinition } from "../validator/index";
import { BuilderError, StateNameCollisionError } from "./errors";
import { localLambdaArn, type AnyLambdaRef, type LambdaResolver } from "./lambda";
import { compact, type Chainable, type RenderContext, type StateBuilder } from "./state";

export type StateMachineType = "STANDARD" | "EXPRESS";

export interface MachineOptions {
  readonly comment?: string;
  /** Fails the execution with States.Timeout after this many seconds. */
  readonly timeoutSeconds?: number;
  /** Default query language of every state (JSONPath when omitted, as on AWS). */
  readonly queryLanguage?: QueryLanguage;
  /** The workflow type it will be deployed as; enables type-dependent checks (no Distributed Map in EXPRESS). */
  readonly type?: StateMachineType;
  /** ASL `Version`; "1.0" is the only one AWS knows. */
  readonly version?: "1.0";
}

/** A handler as the local engine calls it: input is whatever JSON the state passes. */
export type UntypedHandler = (event: unknown) => Promise<unknown>;

interface Placement {
  readonly state: StateBuilder;
  readonly location: string;
  readonly scope: number;
}

/** One scope (the machine, a branch, a processor) in walk order. */
interface ScopePlan {
  readonly id: number;
  readonly start: StateBuilder;
  readonly states: ReadonlyArray<{
    readonly state: StateBuilder;
    readonly segments: ReadonlyArray<string | number>;
    readonly children: ScopePlan[];
  }>;
}

/**
 * Walks every scope of the graph, breadth first, registering names machine-wide.
 * Throws StateNameCollisionError for two different states with one name, and BuilderError for one
 * state object reachable from two scopes (a transition cannot leave a branch or a processor).
 */
function plan(start: StateBuilder): { root: ScopePlan; placements: Map<string, Placement> } {
  const placements = new Map<string, Placement>();
  let nextScopeId = 0;
  const walkScope = (scopeStart: StateBuilder, prefix: ReadonlyArray<string | number>): ScopePlan => {
    const id = nextScopeId++;
    const ordered: Array<{ state: StateBuilder; segments: ReadonlyArray<string | number>; children: ScopePlan[] }> = [];
    const seen = new Set<StateBuilder>();
    const queue: StateBuilder[] = [scopeStart];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      if (seen.has(state)) continue;
      seen.add(state);
      const segments = [...prefix, "States", state.name];
      const location = jsonPointer(segments);
      const prior = placements.get(state.name);
      if (prior) {
        if (prior.state !== state) throw new StateNameCollisionError(state.name, prior.location, location);
        throw new BuilderError(
          `State "${state.name}" is reached from two scopes (${prior.location} and ${location}); ` +
            `a transition cannot leave a Parallel branch or a Map processor. Use a fragment function to place a fresh copy.`,
        );
      }
      placements.set(state.name, { state, location, scope: id });
      ordered.push({ state, segments, children: [] });
      for (const s of state.successors()) if (!seen.has(s)) queue.push(s);
    }
    // Nested scopes after the scope's own states, so a collision names the outer state first.
    for (const entry of ordered) {
      for (const sub of entry.state.subScopes()) entry.children.push(walkScope(sub.start, [...entry.segments, ...sub.segments]));
    }
    return { id, start: scopeStart, states: ordered };
  };
  const root = walkScope(start, []);
  return { root, placements };
}

/** One state's use of a Lambda reference: what a deployer reports when the reference has no function. */
export interface LambdaUse {
  /** The state's name (names are unique machine-wide). */
  readonly state: string;
  /** JSON pointer of the state in the rendered definition, e.g. `/States/MapData/ItemProcessor/States/ProcessData`. */
  readonly location: string;
  readonly ref: AnyLambdaRef;
}

function collectLambdas(root: ScopePlan): { refs: AnyLambdaRef[]; uses: LambdaUse[] } {
  const byName = new Map<string, AnyLambdaRef>();
  const uses: LambdaUse[] = [];
  const visit = (scope: ScopePlan) => {
    for (const { state, segments, children } of scope.states) {
      for (const ref of state.lambdaRefs()) {
        uses.push({ state: state.name, location: jsonPointer(segments), ref });
        const known = byName.get(ref.name);
        if (known && known !== ref && known.handler !== ref.handler) {
          throw new BuilderError(
            `Two different Lambda references are both named "${ref.name}" (state "${state.name}" uses the second); ` +
              `one name must mean one function, or the engine and the IAM policy cannot tell them apart`,
          );
        }
        if (!known) byName.set(ref.name, ref);
      }
      children.forEach(visit);
    }
  };
  visit(root);
  return { refs: [...byName.values()], uses };
}

/** A render with everything the validator said about it, warnings included. */
export interface CheckedRender {
  readonly definition: StateMachineDefinition;
  /** Every diagnostic; only WARNINGs when the render succeeded (errors throw). */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
}

export class StateMachine {
  /** Every distinct Lambda function the definition invokes, nested scopes included, in walk order. */
  readonly lambdas: ReadonlyArray<AnyLambdaRef>;
  /** Every state that invokes a Lambda reference, with the reference (a state may appear once per reference). */
  readonly lambdaUses: ReadonlyArray<LambdaUse>;
  readonly type: StateMachineType | undefined;
  readonly queryLanguage: QueryLanguage;
  /** The first state. */
  readonly startState: StateBuilder;

  constructor(
    chain: Chainable,
    readonly options: MachineOptions = {},
  ) {
    if (!chain || !chain.startState) throw new BuilderError(`machine(...): the first argument must be a state or a chain`);
    this.startState = chain.startState;
    this.type = options.type;
    this.queryLanguage = options.queryLanguage ?? "JSONPath";
    const { refs, uses } = collectLambdas(plan(this.startState).root);
    this.lambdas = Object.freeze(refs);
    this.lambdaUses = Object.freeze(uses);
  }

  /**
   * Renders the ASL JSON with each Lambda reference resolved to a function ARN, then validates it.
   * Throws InvalidDefinitionError (with every diagnostic) when the definition is invalid.
   */
  render(resolveLambda: LambdaResolver): StateMachineDefinition {
    return this.renderChecked(resolveLambda).definition;
  }

  /**
   * Like render(), and returns the validator's warnings too (e.g. NO_DOLLAR: a path written without
   * `.$`), so a deployer can show them or treat those that would reach IAM as errors.
   */
  renderChecked(resolveLambda: LambdaResolver): CheckedRender {
    const definition = this.renderUnchecked(resolveLambda);
    const result = validateDefinition(definition, this.type ? { stateMachineType: this.type } : {});
    const errors = result.diagnostics.filter((d) => d.severity === "ERROR");
    if (!result.valid || errors.length > 0) throw new InvalidDefinitionError(result.diagnostics);
    return { definition, diagnostics: result.diagnostics };
  }

  /** Renders for the local engine: `arn:aws:lambda:us-east-1:123456789012:function:<name>`. */
  renderLocal(): StateMachineDefinition {
    return this.render(localLambdaArn);
  }

  /** Renders without validating (for tools that report diagnostics themselves). */
  renderUnchecked(resolveLambda: LambdaResolver): StateMachineDefinition {
    const { root } = plan(this.startState);
    // Resolve each function once, so a resolver that mints values (Pulumi interpolation) is called per function.
    const arns = new Map<AnyLambdaRef, string>();
    const resolve: LambdaResolver = (ref) => {
      let arn = arns.get(ref);
      if (arn === undefined) {
        arn = resolveLambda(ref);
        if (typeof arn !== "string" || arn.length === 0) {
          throw new BuilderError(
            `The Lambda resolver returned ${JSON.stringify(arn)} for "${ref.name}"; it must return a function ARN string`,
          );
        }
        arns.set(ref, arn);
      }
      return arn;
    };
    const renderScope = (scope: ScopePlan): { StartAt: string; States: Record<string, State> } => {
      const states: Record<string, State> = {};
      for (const { state, children } of scope.states) {
        const ctx: RenderContext = {
          resolveLambda: resolve,
          machineQueryLanguage: this.queryLanguage,
          renderSubScope: (index) => {
            const child = children[index];
            if (!child) throw new BuilderError(`state "${state.name}": no nested scope #${index}`);
            return renderScope(child);
          },
          nameOf: (target) => target.name,
        };
        states[state.name] = state.render(ctx);
      }
      return { StartAt: scope.start.name, States: states };
    };
    const body = renderScope(root);
    return compact({
      Comment: this.options.comment,
      QueryLanguage: this.options.queryLanguage,
      Version: this.options.version,
      TimeoutSeconds: this.options.timeoutSeconds,
      StartAt: body.StartAt,
      States: body.States,
    });
  }

  /** Function name → handler, for the local engine (it resolves ARNs back to names). */
  handlersByName(): ReadonlyMap<string, UntypedHandler> {
    // The engine passes JSON it cannot type; each handler validates its own input (zod) at run time.
    return new Map(this.lambdas.map((ref) => [ref.name, ref.handler as unknown as UntypedHandler]));
  }
}

/** Assembles a state machine from a chain: `machine(task(...).next(...), { type: "STANDARD" })`. */
export function machine(chain: Chainable, options: MachineOptions = {}): StateMachine {
  return new StateMachine(chain, options);
}
