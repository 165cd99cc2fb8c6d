/**
 * The hazard campaign, printed by `npm run bench -- faults` after the S3 fault campaign: seeded runs
 * of what once harmed a local run or the machine around it, each checked for its outcome.
 *   runaway JSONata   a never-ending or exploding expression, ended by TimeoutSeconds, a stop, or
 *                     JSONata's bounds (States.QueryEvaluationError); never a hang or a heap crash
 *   long timers       a Wait, a Retry interval, a TimeoutSeconds of months to years, on the real
 *                     clock over jumping timers: each ends exactly when it says (not after 1 ms)
 *   SIGTERM mid-run   `npm start` in a throwaway project, signalled at a random moment: exit 143
 *                     (or 0 when it finished first), no run data of the signalled run kept
 *   concurrent runs   8 runWorkflow() at once, a Distributed Map over each run's own S3 objects:
 *                     each item processed exactly once, each handler on its own server, process.env
 *                     unchanged
 * A run that does not end within its watchdog counts as hung. Around everything, every file in the
 * throwaway project outside its run root, and a neighbouring folder, must be unchanged.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { run } from "../engine";
import { MAX_TIMER_MS, RealClock, type TimerFunctions } from "../engine/model/clock";
import { runWorkflow } from "../testing";
import type { JsonValue } from "../asl/types";

const ROOT = resolve(__dirname, "..");
const YEAR_S = 365 * 24 * 3600;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export interface HazardFigures {
  runs: Record<string, number>;
  outcomes: Record<string, number>;
  wrong: string[];
  hung: number;
  lost: number;
  doubled: number;
  touchedOutsideRunRoot: number;
  wallMs: number;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

/** Node-like timers that jump to the earliest due one (a delay over 2^31-1 fires after 1 ms, as Node's). */
class JumpingTimers implements TimerFunctions {
  now = 0;
  longest = 0;
  private queue: Array<{ due: number; seq: number; callback: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  setTimeout(callback: () => void, ms: number): unknown {
    this.longest = Math.max(this.longest, ms);
    const timer = { due: this.now + (ms > MAX_TIMER_MS || !(ms >= 1) ? 1 : ms), seq: this.seq++, callback };
    this.queue.push(timer);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.fire());
    }
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t !== handle);
  }
  private fire(): void {
    this.scheduled = false;
    const next = this.queue.sort((a, b) => a.due - b.due || a.seq - b.seq).shift();
    if (!next) return;
    this.now = Math.max(this.now, next.due);
    next.callback();
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.fire());
    }
  }
}

function watchdog<T>(work: Promise<T>, ms: number): Promise<T | "HUNG"> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<"HUNG">((r) => (timer = setTimeout(() => r("HUNG"), ms)))]).finally(() => clearTimeout(timer));
}

function snapshot(dir: string, skip: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (p === skip) continue;
      const st = lstatSync(p);
      // A folder's own mtime changes when the run root is made inside it: folders by existence, files by size and mtime.
      out.set(p, st.isDirectory() ? "d" : `f ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export async function runHazardCampaign(options: {
  runaway: number;
  timers: number;
  sigterm: number;
  concurrentBatches: number;
}): Promise<HazardFigures> {
  const started = performance.now();
  const figures: HazardFigures = { runs: {}, outcomes: {}, wrong: [], hung: 0, lost: 0, doubled: 0, touchedOutsideRunRoot: 0, wallMs: 0 };
  const count = (kind: string, outcome: string) => {
    figures.runs[kind] = (figures.runs[kind] ?? 0) + 1;
    figures.outcomes[`${kind}: ${outcome}`] = (figures.outcomes[`${kind}: ${outcome}`] ?? 0) + 1;
    if (outcome === "HUNG") figures.hung++;
  };
  const expect = (kind: string, seed: number, ok: boolean, what: string) => {
    if (!ok) figures.wrong.push(`${kind} seed ${seed}: ${what}`);
  };

  // The throwaway project the CLI runs in, and a neighbour: nothing outside the run root may change.
  const outer = mkdtempSync(join(tmpdir(), "hazards-"));
  const project = join(outer, "project");
  mkdirSync(join(project, "src"), { recursive: true });
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) copyFileSync(join(ROOT, f), join(project, f));
  copyFileSync(join(ROOT, "Pulumi.dev.yaml"), join(project, "Pulumi....yaml"));
  writeFileSync(join(project, "src", "index.ts"), "export {};\n");
  writeFileSync(join(outer, "neighbour.txt"), "keep me\n");
  const runRoot = join(project, ".local-s3");
  const envBefore = { ...process.env };
  const filesBefore = snapshot(outer, runRoot);

  try {
    // 1. Runaway JSONata.
    const runaways = [
      {
        name: "tail recursion, TimeoutSeconds 1",
        expr: "( $f := function($n) { $f($n + 1) }; $f(0) )",
        extra: { TimeoutSeconds: 1 },
        stopAfterMs: undefined,
        expected: ["TIMED_OUT States.Timeout"],
      },
      {
        name: "tail recursion, stopped",
        expr: "( $f := function($n) { $f($n + 1) }; $f(0) )",
        extra: {},
        stopAfterMs: 100,
        expected: ["ABORTED"],
      },
      {
        name: "deep recursion",
        expr: "( $f := function($n) { 1 + $f($n + 1) }; $f(0) )",
        extra: {},
        stopAfterMs: undefined,
        expected: ["FAILED States.QueryEvaluationError"],
      },
      {
        name: "doubling sequence",
        expr: "$reduce([1..64], function($a, $v) { $append($a, $a) }, [1])",
        extra: {},
        stopAfterMs: undefined,
        expected: ["FAILED States.QueryEvaluationError"],
      },
    ];
    for (let seed = 1; seed <= options.runaway; seed++) {
      const c = runaways[seed % runaways.length]!;
      const stop = new AbortController();
      const timer = c.stopAfterMs === undefined ? undefined : setTimeout(() => stop.abort(), c.stopAfterMs);
      const def = {
        QueryLanguage: "JSONata",
        ...c.extra,
        StartAt: "P",
        States: { P: { Type: "Pass", Output: `{% ${c.expr} %}`, End: true } },
      };
      const r = await watchdog(
        run(def, {}, { handlers: {}, clock: "real", validate: false, keepHistory: false, signal: stop.signal }),
        30_000,
      );
      clearTimeout(timer);
      const outcome = r === "HUNG" ? "HUNG" : `${r.status}${r.error ? ` ${r.error}` : ""}`;
      count("runaway JSONata", outcome);
      expect("runaway JSONata", seed, c.expected.includes(outcome), `${c.name}: ${outcome}`);
    }

    // 2. Long timers on the real clock over jumping timers.
    for (let seed = 1; seed <= options.timers; seed++) {
      const random = seeded(seed);
      const timers = new JumpingTimers();
      const seconds = Math.floor(30 * 86_400 + random() * 330 * 86_400); // 30 to 360 days
      const kind = seed % 3;
      let calls = 0;
      const flaky = async (): Promise<JsonValue> => {
        if (++calls === 1) throw Object.assign(new Error("once"), { name: "Flaky" });
        return { calls };
      };
      const def =
        kind === 0
          ? { StartAt: "W", States: { W: { Type: "Wait", Seconds: seconds, End: true } } }
          : kind === 1
            ? {
                StartAt: "T",
                States: {
                  T: {
                    Type: "Task",
                    Resource: fnArn("Flaky"),
                    Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: seconds, MaxAttempts: 1 }],
                    End: true,
                  },
                },
              }
            : { TimeoutSeconds: seconds, StartAt: "W", States: { W: { Type: "Wait", Seconds: seconds + 1, End: true } } };
      const r = await watchdog(
        run(def, {}, { handlers: { Flaky: flaky }, clock: new RealClock(timers), validate: false, keepHistory: false }),
        30_000,
      );
      const label = ["Wait", "Retry interval", "TimeoutSeconds"][kind]!;
      const outcome = r === "HUNG" ? "HUNG" : r.status;
      count("long timers", `${label} ${outcome}`);
      const expectedStatus = kind === 2 ? "TIMED_OUT" : "SUCCEEDED";
      expect(
        "long timers",
        seed,
        outcome === expectedStatus && timers.now === seconds * 1000 && timers.longest <= MAX_TIMER_MS,
        `${label} of ${seconds} s: ${outcome} after ${timers.now / 1000} s`,
      );
    }

    // 3. SIGTERM mid-run: `npm start` (start.ts run directly) in the throwaway project.
    for (let seed = 1; seed <= options.sigterm; seed++) {
      const random = seeded(1000 + seed);
      const runsIn = () => {
        try {
          return readdirSync(join(runRoot, "dev")).filter((n) => n.startsWith("local-"));
        } catch {
          return [];
        }
      };
      const keptBefore = runsIn();
      const child = spawn(
        process.execPath,
        ["-r", require.resolve("tsx/cjs"), join(ROOT, "tools", "cli", "start.ts"), "--input", '{"number": 200000, "chunk": 5}'],
        {
          cwd: project,
          env: { ...process.env, CI: "true", LOCAL_S3_DIR: "" },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      // Signalled once the Map Run runs, after a random further 0-1.5 s.
      const running = await watchdog(
        new Promise<void>((r) => {
          const poll = setInterval(() => {
            if (/\[Map Run MapData\] RUNNING/.test(stderr) || child.exitCode !== null) {
              clearInterval(poll);
              r();
            }
          }, 20);
        }),
        120_000,
      );
      await new Promise((r) => setTimeout(r, random() * 1500));
      child.kill("SIGTERM");
      const code = await watchdog(exited, 30_000);
      if (code === "HUNG") child.kill("SIGKILL");
      const left = runsIn();
      const outcome = running === "HUNG" || code === "HUNG" ? "HUNG" : `exit ${code}`;
      count("SIGTERM mid-run", outcome);
      // 143: stopped mid-run; 0: it finished first; null: killed by the signal itself after it
      // finished (its handlers were already gone), its data complete.
      expect("SIGTERM mid-run", seed, code === 143 || code === 0 || code === null, `exit ${String(code)}: ${stderr.slice(-300)}`);
      const incomplete = left.filter((n) => existsSync(join(runRoot, "dev", n, "IN_PROGRESS")));
      expect("SIGTERM mid-run", seed, incomplete.length === 0, `runs left in progress: ${incomplete.join(", ")}`);
      // An interrupted run keeps nothing; finished ones are kept (three at most).
      expect(
        "SIGTERM mid-run",
        seed,
        left.length <= 3 && (code !== 143 || left.every((n) => keptBefore.includes(n))),
        `kept ${left.join(", ")} (before: ${keptBefore.join(", ")})`,
      );
    }

    // 4. Concurrent runs: 8 at once, a Distributed Map over each run's own objects.
    for (let batch = 1; batch <= options.concurrentBatches; batch++) {
      const random = seeded(2000 + batch);
      const sizes = Array.from({ length: 8 }, () => 5 + Math.floor(random() * 40));
      const seen = sizes.map(() => new Map<number, number>());
      const wrongServer: string[] = [];
      const results = await watchdog(
        Promise.all(
          sizes.map((size, i) =>
            runWorkflow({
              definition: {
                StartAt: "Map",
                States: {
                  Map: {
                    Type: "Map",
                    ItemReader: {
                      Resource: "arn:aws:states:::s3:getObject",
                      ReaderConfig: { InputType: "JSON" },
                      Parameters: { Bucket: "data", Key: "items.json" },
                    },
                    ItemProcessor: {
                      ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
                      StartAt: "P",
                      States: { P: { Type: "Task", Resource: fnArn("Process"), End: true } },
                    },
                    MaxConcurrency: 4,
                    End: true,
                  },
                },
              },
              handlers: {
                Process: async (event: unknown) => {
                  const { run: who, item } = event as { run: number; item: number };
                  seen[who]!.set(item, (seen[who]!.get(item) ?? 0) + 1);
                  if (item === 0) {
                    const client = new S3Client({ maxAttempts: 1 });
                    const got = await client.send(new GetObjectCommand({ Bucket: "data", Key: "owner.txt" }));
                    const owner = await got.Body!.transformToString();
                    client.destroy();
                    if (owner !== `run ${who}` || process.env.AWS_SESSION_TOKEN !== undefined) wrongServer.push(`run ${who} saw ${owner}`);
                  }
                  return { item };
                },
              },
              s3Objects: [
                { bucket: "data", key: "items.json", body: JSON.stringify(Array.from({ length: size }, (_, item) => ({ run: i, item }))) },
                { bucket: "data", key: "owner.txt", body: `run ${i}` },
              ],
              clock: "real",
            }),
          ),
        ),
        120_000,
      );
      if (results === "HUNG") {
        for (let i = 0; i < 8; i++) count("concurrent runs", "HUNG");
        continue;
      }
      results.forEach((r, i) => {
        count("concurrent runs", r.status);
        expect("concurrent runs", batch * 100 + i, r.status === "SUCCEEDED", `${r.error}: ${r.cause}`);
        for (let item = 0; item < sizes[i]!; item++) {
          const n = seen[i]!.get(item) ?? 0;
          if (n === 0) figures.lost++;
          if (n > 1) figures.doubled += n - 1;
        }
      });
      for (const w of wrongServer) figures.wrong.push(`concurrent batch ${batch}: ${w}`);
      const envAfter = { ...process.env };
      const changed = [...new Set([...Object.keys(envBefore), ...Object.keys(envAfter)])].filter((k) => envBefore[k] !== envAfter[k]);
      if (changed.length > 0) figures.wrong.push(`concurrent batch ${batch}: process.env changed: ${changed.join(", ")}`);
    }

    const filesAfter = snapshot(outer, runRoot);
    for (const [p, v] of filesBefore) if (filesAfter.get(p) !== v) figures.touchedOutsideRunRoot++;
    for (const p of filesAfter.keys()) if (!filesBefore.has(p)) figures.touchedOutsideRunRoot++;
  } finally {
    rmSync(outer, { recursive: true, force: true });
  }
  figures.wallMs = performance.now() - started;
  return figures;
}
