/**
 * AWS Step Functions Local's MockConfigFile, loaded as is: `StateMachines` → `TestCases` → state
 * name → a mocked response name; `MockedResponses` → name → per-invocation keys (`"0"`, `"1-2"`) →
 * `{ "Return": ... }` or `{ "Throw": { "Error", "Cause" } }`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
import { z } from "zod";
import type { JsonValue } from "../../../asl/types";

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));

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

/** The mock config file does not have AWS Step Functions Local's shape; the message names each field and rule. */
export class MockConfigError extends Error {
  override readonly name = "MockConfigError";
}

export type MockAnswer = { Return: JsonValue } | { Throw: { Error: string; Cause?: string } };

/** One test case of a mock file, resolved: which states are mocked and what they answer per call. */
export class MockedTestCase {
  private readonly calls = new Map<string, number>();
  private constructor(
    private readonly byState: ReadonlyMap<string, Array<{ from: number; to: number; answer: MockAnswer }>>,
    readonly name: string,
  ) {}

  /** Whether this test case answers for the state of this name (its Task needs no handler). */
  answers(stateName: string): boolean {
    return this.byState.has(stateName);
  }

  /**
   * The test case `testCase` of `stateMachine` (or of the only machine that has such a test case).
   * `config` is the file's parsed JSON, checked here (MockConfigError names each bad field).
   * Throws a message naming what is missing.
   */
  static from(config: unknown, testCase: string, stateMachine?: string): MockedTestCase {
    const parsed = MockConfigSchema.safeParse(config);
    if (!parsed.success) throw new MockConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; "));
    const file: MockConfigFile = parsed.data;
    const machines = Object.entries(file.StateMachines).filter(([name, m]) => (stateMachine === undefined || name === stateMachine) && testCase in m.TestCases);
    if (machines.length === 0) {
      const known = Object.entries(file.StateMachines).flatMap(([n, m]) => Object.keys(m.TestCases).map((t) => `${n}/${t}`));
      throw new Error(`test case '${testCase}'${stateMachine ? ` of state machine '${stateMachine}'` : ""} is not in the mock config (known: ${known.join(", ") || "none"})`);
    }
    if (machines.length > 1) throw new Error(`test case '${testCase}' is defined for several state machines (${machines.map(([n]) => n).join(", ")}): name one`);
    const byState = new Map<string, Array<{ from: number; to: number; answer: MockAnswer }>>();
    for (const [state, responseName] of Object.entries(machines[0]![1].TestCases[testCase]!)) {
      const responses = file.MockedResponses[responseName];
      if (!responses) throw new Error(`state '${state}' uses mocked response '${responseName}', which MockedResponses does not define`);
      byState.set(
        state,
        Object.entries(responses).map(([key, answer]) => {
          const [from, to] = key.split("-").map(Number) as [number, number | undefined];
          return { from, to: to ?? from, answer: answer as MockAnswer };
        }),
      );
    }
    return new MockedTestCase(byState, testCase);
  }

  has(state: string): boolean {
    return this.byState.has(state);
  }

  /**
   * The answer to this state's next invocation (each attempt, retries included, counts: the n-th
   * call gets key n, counted from 0). A call beyond every key is "exhausted". (Its documentation does not say what a call past every key gets; a
   * mock that runs out is a test bug, so it fails the task rather than guess: see `exhausted`.)
   */
  next(state: string): MockAnswer | "exhausted" | undefined {
    const ranges = this.byState.get(state);
    if (!ranges) return undefined;
    const n = this.calls.get(state) ?? 0;
    this.calls.set(state, n + 1);
    const hit = ranges.find((r) => n >= r.from && n <= r.to);
    return hit ? hit.answer : "exhausted";
  }
}
