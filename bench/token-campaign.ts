/**
 * The fault campaign's task-token part: seeded Distributed Map runs whose children wait for task
 * tokens (HeartbeatSeconds and TimeoutSeconds), answered at random: after some ticks, after some
 * real milliseconds, with a heartbeat first, with a failure, too late (after the heartbeat timed
 * out, so the answer must get TaskTimedOut), twice (the second answer must be refused), or never.
 * Some seeds leave one child without a timeout and unanswered: that run must stop loudly
 * (RunStalledError), never wait or pass silently. Each run is checked against what the answers
 * make certain: every item SUCCEEDED or FAILED as answered (0 lost), no answer accepted twice
 * (0 doubled), and every run ends with an outcome (0 silent).
 */
import { run, RunStalledError, VirtualClock, type TaskTokenHook } from "../engine";
import { seededRandom } from "../engine/model/random";
import type { StateMachineDefinition } from "../asl/types";

type Plan = "ticks" | "ms" | "heartbeat" | "fail" | "late" | "twice" | "never";
const PLANS: Plan[] = ["ticks", "ms", "heartbeat", "fail", "late", "twice", "never"];

export interface TokenCampaignFigures {
  runs: number;
  items: number;
  outcomes: Record<string, number>;
  plans: Record<Plan, number>;
  succeeded: number;
  failed: number;
  lost: number;
  doubled: number;
  silent: number;
  /** Late and second answers refused with TaskTimedOut, as SendTaskSuccess returns it. */
  refusedLate: number;
  stalledAsExpected: number;
  violations: string[];
  wallMs: number;
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

function definition(heartbeat: number, timeout: number, stallItem: number | undefined): StateMachineDefinition {
  const task = (extra: Record<string, unknown>) => ({
    Type: "Task",
    Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    Parameters: {
      QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/work",
      MessageBody: { "token.$": "$$.Task.Token", "item.$": "$.i" },
    },
    ResultPath: "$.answer",
    End: true,
    ...extra,
  });
  const states: Record<string, unknown> =
    stallItem === undefined
      ? { Ask: task({ HeartbeatSeconds: heartbeat, TimeoutSeconds: timeout }) }
      : {
          Route: { Type: "Choice", Choices: [{ Variable: "$.i", NumericEquals: stallItem, Next: "AskForever" }], Default: "Ask" },
          Ask: task({ HeartbeatSeconds: heartbeat, TimeoutSeconds: timeout }),
          AskForever: task({}),
        };
  return {
    StartAt: "M",
    States: {
      M: {
        Type: "Map",
        ItemsPath: "$.items",
        MaxConcurrency: 8,
        ToleratedFailurePercentage: 100,
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: stallItem === undefined ? "Ask" : "Route",
          States: states,
        },
        End: true,
      },
    },
  } as unknown as StateMachineDefinition;
}

export async function runTokenCampaign(seeds: number): Promise<TokenCampaignFigures> {
  const f: TokenCampaignFigures = {
    runs: 0,
    items: 0,
    outcomes: {},
    plans: { ticks: 0, ms: 0, heartbeat: 0, fail: 0, late: 0, twice: 0, never: 0 },
    succeeded: 0,
    failed: 0,
    lost: 0,
    doubled: 0,
    silent: 0,
    refusedLate: 0,
    stalledAsExpected: 0,
    violations: [],
    wallMs: 0,
  };
  const started = Date.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const random = seededRandom(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const heartbeat = 1 + Math.floor(random() * 3);
    const timeout = heartbeat + 1 + Math.floor(random() * 5);
    const count = 10 + Math.floor(random() * 30);
    const stallItem = random() < 0.15 ? Math.floor(random() * count) : undefined;
    const plans: Plan[] = Array.from({ length: count }, (_, i) => (i === stallItem ? "never" : pick(PLANS)));
    for (const p of plans) f.plans[p]++;
    f.items += count;
    const clock = new VirtualClock(0);
    const accepted = new Map<number, number>();
    const hook: TaskTokenHook = (req, tokens) => {
      const item = (req.parameters as { MessageBody: { item: number } }).MessageBody.item;
      const plan = plans[item]!;
      const answer = (value: unknown): boolean => {
        try {
          tokens.sendTaskSuccess(req.token, value as never);
          accepted.set(item, (accepted.get(item) ?? 0) + 1);
          return true;
        } catch (e) {
          if ((e as Error).name === "TaskTimedOut") f.refusedLate++;
          else f.violations.push(`seed ${seed} item ${item}: ${(e as Error).name}: ${(e as Error).message}`);
          return false;
        }
      };
      switch (plan) {
        case "ticks":
          return ticks(1 + (item % 50)).then(() => answer({ item }));
        case "ms":
          return new Promise((r) => setTimeout(r, item % 5)).then(() => answer({ item }));
        case "heartbeat":
          // A heartbeat half a second before the deadline, the answer a quarter second after it: the heartbeat saved it.
          void clock.sleep(heartbeat * 1000 - 500).then(() => {
            tokens.sendTaskHeartbeat(req.token);
            return clock.sleep(750).then(() => answer({ item }));
          });
          return undefined;
        case "fail":
          return ticks(2).then(() => tokens.sendTaskFailure(req.token, "Rejected", `item ${item}`));
        case "late":
          void clock.sleep(heartbeat * 1000 + 500).then(() => {
            if (answer({ item })) f.violations.push(`seed ${seed} item ${item}: an answer after the heartbeat timeout was accepted`);
          });
          return undefined;
        case "twice":
          return ticks(1).then(() => {
            answer({ item });
            answer({ item, again: true });
          });
        case "never":
          return undefined;
      }
    };
    const items = plans.map((_, i) => ({ i }));
    const expectSucceeded = plans.filter((p) => p === "ticks" || p === "ms" || p === "heartbeat" || p === "twice").length;
    const watchdog = new Promise<"silent">((resolve) => setTimeout(() => resolve("silent"), 30_000).unref());
    let outcome: string;
    try {
      const result = await Promise.race([
        run(
          definition(heartbeat, timeout, stallItem),
          { items },
          { handlers: {}, clock, random: seed, integrations: { onTaskToken: hook } },
        ),
        watchdog,
      ]);
      if (result === "silent") {
        outcome = "SILENT";
        f.silent++;
      } else {
        outcome = result.status;
        const counts = result.mapRuns[0]!.itemCounts;
        f.succeeded += counts.succeeded;
        f.failed += counts.failed + counts.timedOut;
        const ended = counts.succeeded + counts.failed + counts.timedOut + counts.aborted;
        f.lost += count - ended;
        if (stallItem !== undefined)
          f.violations.push(
            `seed ${seed}: a child waits forever for a token nobody answers, and the run ended ${result.status} instead of stopping loudly`,
          );
        if (counts.succeeded !== expectSucceeded)
          f.violations.push(`seed ${seed}: ${counts.succeeded} children succeeded, the answers make ${expectSucceeded} certain`);
      }
    } catch (e) {
      if (!(e instanceof RunStalledError)) throw e;
      outcome = "RunStalled";
      if (stallItem === undefined)
        f.violations.push(`seed ${seed}: stopped as stalled although every task has a timeout: ${e.message.split("\n")[0]}`);
      else if (e.waiting.tasks.some((t) => t.stateName === "AskForever")) f.stalledAsExpected++;
      else f.violations.push(`seed ${seed}: the stall names ${e.waiting.tasks.map((t) => t.stateName).join(", ")}, not AskForever`);
    }
    for (const [item, n] of accepted)
      if (n > 1) {
        f.doubled++;
        f.violations.push(`seed ${seed} item ${item}: ${n} answers accepted`);
      }
    f.outcomes[outcome] = (f.outcomes[outcome] ?? 0) + 1;
    f.runs++;
    if (process.env.TOKEN_CAMPAIGN_DEBUG) console.error(`seed ${seed}: ${outcome}`);
  }
  f.wallMs = Date.now() - started;
  return f;
}
