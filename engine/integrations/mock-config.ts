/**
 * AWS Step Functions Local's MockConfigFile, loaded as is: `StateMachines` → `TestCases` → state
 * name → a mocked response name; `MockedResponses` → name → per-invocation keys (`"0"`, `"1-2"`) →
 * `{ "Return": ... }` or `{ "Throw": { "Error", "Cause" } }`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
import { z } from "zod";
import type { JsonValue } from "../../asl/types";
import { formatIssues } from "../../asl/zod-issues";

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]),
);

const invocationKey = z.string().regex(/^\d+(-\d+)?$/, 'must be an invocation number ("0") or a range ("1-2")');
const mockedResponse = z.union([
  z.object({ Return: json }).strict(),
  z.object({ Throw: z.object({ Error: z.string(), Cause: z.string().optional() }).strict() }).strict(),
]);

// Not exported: the published .d.ts stays free of zod's types (they need esModuleInterop); the file
// is checked here, at the boundary, by MockedTestCase.from.
const MockConfigSchema = z.object({
  StateMachines: z.record(z.string(), z.object({ TestCases: z.record(z.string(), z.record(z.string(), z.string())) })),
  MockedResponses: z.record(z.string(), z.record(invocationKey, mockedResponse)),
});
type MockConfigFile = z.infer<typeof MockConfigSchema>;

export type MockAnswer = { Return: JsonValue } | { Throw: { Error: string; Cause?: string } };

/**
 * The mock config file does not have AWS Step Functions Local's shape (the message names each field
 * and rule), or its test case cannot be used with this run (unknown machine, test case or state).
 */
export class MockConfigError extends Error {
  override readonly name = "MockConfigError";
}

/** One test case of a mock file, resolved: which states are mocked and what they answer per call. */
export class MockedTestCase {
  private constructor(
    private readonly byState: ReadonlyMap<string, Array<{ from: number; to: number; answer: MockAnswer }>>,
    readonly name: string,
    /** The state machine (of the file's `StateMachines`) the test case belongs to. */
    readonly stateMachine: string,
  ) {}

  /** Whether this test case answers for the state of this name (its Task needs no handler). */
  answers(stateName: string): boolean {
    return this.byState.has(stateName);
  }

  /** The state names the test case mocks. */
  get states(): string[] {
    return [...this.byState.keys()];
  }

  /**
   * A test case of the file, named `TestCase` or `Machine/TestCase` (the form the "known" list
   * prints); `stateMachine` names the machine too. Step Functions Local selects it by the state
   * machine's name and the test case (`stateMachineArn#TestCase`):
   * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html
   * `config` is the file's parsed JSON, checked here. Throws a MockConfigError naming each bad
   * field, or what is missing and what the file has.
   */
  static from(config: unknown, testCase: string, stateMachine?: string): MockedTestCase {
    const parsed = MockConfigSchema.safeParse(config);
    if (!parsed.success) throw new MockConfigError(formatIssues(parsed.error, { root: "(file)" }));
    const file: MockConfigFile = parsed.data;
    let machineName = stateMachine;
    let caseName = testCase;
    const slash = testCase.indexOf("/");
    // A test case named with a slash in the file wins over the Machine/TestCase reading.
    if (slash > 0 && stateMachine === undefined && !Object.values(file.StateMachines).some((m) => testCase in m.TestCases)) {
      machineName = testCase.slice(0, slash);
      caseName = testCase.slice(slash + 1);
    }
    const known = Object.entries(file.StateMachines).flatMap(([n, m]) => Object.keys(m.TestCases).map((t) => `${n}/${t}`));
    if (machineName !== undefined && !(machineName in file.StateMachines)) {
      throw new MockConfigError(
        `state machine '${machineName}' is not in the mock config's StateMachines (known test cases: ${known.join(", ") || "none"})`,
      );
    }
    const machines = Object.entries(file.StateMachines).filter(
      ([name, m]) => (machineName === undefined || name === machineName) && caseName in m.TestCases,
    );
    if (machines.length === 0) {
      throw new MockConfigError(
        `test case '${caseName}'${machineName ? ` of state machine '${machineName}'` : ""} is not in the mock config (known: ${known.join(", ") || "none"})`,
      );
    }
    if (machines.length > 1) {
      throw new MockConfigError(
        `test case '${caseName}' is defined for several state machines: name one as ${machines.map(([n]) => `${n}/${caseName}`).join(" or ")} (--test-case MACHINE/TESTCASE; MockedTestCase.from(file, "MACHINE/TESTCASE"))`,
      );
    }
    const [machine, cases] = machines[0]!;
    const byState = new Map<string, Array<{ from: number; to: number; answer: MockAnswer }>>();
    for (const [state, responseName] of Object.entries(cases.TestCases[caseName]!)) {
      const responses = file.MockedResponses[responseName];
      if (!responses)
        throw new MockConfigError(`state '${state}' uses mocked response '${responseName}', which MockedResponses does not define`);
      byState.set(
        state,
        Object.entries(responses).map(([key, answer]) => {
          const [from, to] = key.split("-").map(Number) as [number, number | undefined];
          return { from, to: to ?? from, answer: answer as MockAnswer };
        }),
      );
    }
    return new MockedTestCase(byState, caseName, machine);
  }

  has(state: string): boolean {
    return this.byState.has(state);
  }

  /** `checkStates` over every state name of these definitions (or `{ definition }` entries), nested scopes included. */
  checkDefinitions(definitions: ReadonlyArray<unknown>): void {
    const names = new Set<string>();
    const visit = (states: unknown): void => {
      if (!states || typeof states !== "object") return;
      for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
        names.add(name);
        const s = state as {
          Branches?: Array<{ States?: unknown }>;
          ItemProcessor?: { States?: unknown };
          Iterator?: { States?: unknown };
        };
        for (const b of s.Branches ?? []) visit(b.States);
        visit(s.ItemProcessor?.States);
        visit(s.Iterator?.States);
      }
    };
    for (const d of definitions) {
      const def = d && typeof d === "object" && "definition" in d && !("StartAt" in d) ? (d as { definition: unknown }).definition : d;
      visit((def as { States?: unknown } | undefined)?.States);
    }
    this.checkStates(names);
  }

  /**
   * Every state the test case mocks must exist in the machines the run can start: a mock for a
   * state the definition lacks would be ignored, and the test would pass without testing it.
   */
  checkStates(stateNames: ReadonlySet<string>): void {
    const unknown = this.states.filter((s) => !stateNames.has(s));
    if (unknown.length > 0) {
      throw new MockConfigError(
        `test case '${this.stateMachine}/${this.name}' mocks ${unknown.map((s) => `'${s}'`).join(", ")}, which ${unknown.length === 1 ? "is not a state" : "are not states"} of the definition (states: ${[...stateNames].join(", ")})`,
      );
    }
  }

  /**
   * The answer to this state's next invocation in the execution whose counters `calls` are (each
   * attempt, retries included, counts: the n-th call gets key n, counted from 0 in every
   * execution). A call beyond every key is "exhausted". (Step Functions Local's documentation
   * does not say what a call past every key gets; a mock that runs out is a test bug, so it fails
   * the task rather than guess.)
   */
  next(state: string, calls: Map<string, number>): MockAnswer | "exhausted" | undefined {
    const ranges = this.byState.get(state);
    if (!ranges) return undefined;
    const n = calls.get(state) ?? 0;
    calls.set(state, n + 1);
    const hit = ranges.find((r) => n >= r.from && n <= r.to);
    return hit ? hit.answer : "exhausted";
  }
}
