/**
 * `npm start` end to end, as a subprocess: the seed demo (20,000 child executions, exactly-once),
 * the Inline Map variant failing as AWS fails it, the map-reduce job, and every bad-usage case.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunSummary } from "../../tools/runner/run";
import { execFile } from "node:child_process";
import { ROOT, runCli, TEST_DATA_DIR, type CliResult } from "./run-cli";
import { tempDir } from "../support/temp-dirs";

function summaryOf(result: CliResult): RunSummary {
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `--json must print exactly one line on stdout, got:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return JSON.parse(lines[0]!) as RunSummary;
}

describe("npm start (subprocess)", function () {
  this.timeout(120_000);

  it("runs the seed demo: SUCCEEDED, 20,000 child executions, every number processed exactly once", async () => {
    const result = await runCli(["--json"]);
    assert.equal(result.code, 0, result.stderr);
    const s = summaryOf(result);
    assert.equal(s.workflow, "seed");
    assert.equal(s.status, "SUCCEEDED");
    assert.deepEqual(s.input, { number: 100_000, chunk: 5 });
    assert.equal(s.items, 20_000);
    assert.equal(s.childExecutions, 20_000);
    assert.equal(s.mapRuns[0]?.childExecutionsSucceeded, 20_000);
    assert.equal(s.mapRuns[0]?.maxConcurrency, 5);
    assert.equal(s.check?.name, "exactly-once");
    assert.equal(s.check?.passed, true, s.check?.detail);
    assert.match(s.resultWriter?.manifest ?? "", /^s3:\/\/sfn-distributed-map-dev\/results\/.+\/manifest\.json$/);
    assert.ok(s.stateTransitions.total >= 20_000);
    assert.ok(s.historyEvents.parent > 0 && s.historyEvents.parent < 25_000);
    // The bill: 20,000 child transitions at $25 per million is $0.50, plus Lambda.
    assert.ok(s.bill.totalUsd >= 0.5 && s.bill.totalUsd < 1, String(s.bill.totalUsd));
    assert.ok(s.bill.sources.includes("https://aws.amazon.com/step-functions/pricing/"));
  });

  it("shows the summary and plain progress lines without --json (piped, CI)", async () => {
    const result = await runCli(["--input", '{"number": 2000, "chunk": 10}']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\[Map Run MapData\] SUCCEEDED 100% 200\/200 items \| succeeded 200 · failed 0/);
    assert.match(result.stdout, /Status {8}SUCCEEDED/);
    assert.match(result.stdout, /Check {9}PASSED exactly-once: every number of \[0, 2,000\) processed exactly once/);
    assert.match(result.stdout, /Estimated AWS bill for this run:/);
  });

  it("`npm start -s -- --json | jq` reads one JSON object; without -s, npm's banner comes first and stderr says to add -s", async () => {
    const pipe = (command: string) =>
      new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
        execFile("sh", ["-c", command], { cwd: ROOT, env: { ...process.env, LOCAL_S3_DIR: TEST_DATA_DIR } }, (e, stdout, stderr) =>
          e ? reject(e) : resolve({ stdout, stderr }),
        ),
      );
    const input = `--input '{"number": 200, "chunk": 5}'`;
    // The README's form; node stands in for jq (the same pipe, one JSON document on stdin).
    const parse = `node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t).status))'`;
    const [silent, banner] = await Promise.all([pipe(`npm start -s -- --json ${input} | ${parse}`), pipe(`npm start -- --json ${input}`)]);
    assert.equal(silent.stdout, "SUCCEEDED\n", silent.stderr);
    assert.match(banner.stdout, /^\n?> sfn-distributed-map@/);
    assert.match(banner.stderr, /run `npm start -s -- --json` for JSON alone/);
  });

  it("--inline fails at CaptureInput with States.DataLimitExceeded and says why", async () => {
    const result = await runCli(["--inline", "--json"]);
    assert.equal(result.code, 1, result.stderr);
    const s = summaryOf(result);
    assert.equal(s.status, "FAILED");
    assert.equal(s.variant, "inline");
    assert.equal(s.error, "States.DataLimitExceeded");
    assert.equal(s.failedState, "CaptureInput");
    assert.match(s.explanation ?? "", /256 KiB/);
    assert.match(s.explanation ?? "", /Distributed Map/);
    assert.equal(s.childExecutions, 0);
  });

  it("runs the map-reduce workflow over a generated data set and checks the reduce totals", async () => {
    const result = await runCli(["--workflow", "map-reduce", "--objects", "300", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const s = summaryOf(result);
    assert.equal(s.workflow, "map-reduce");
    assert.equal(s.status, "SUCCEEDED");
    assert.equal(s.items, 300);
    // ItemBatcher: 250 objects a batch → 2 child executions (250 + 50).
    assert.equal(s.childExecutions, 2);
    assert.equal(s.check?.name, "reduce-totals");
    assert.equal(s.check?.passed, true, s.check?.detail);
    assert.equal((s.output as { objects: number }).objects, 300);
  });

  describe("bad usage and bad config: exit 2, a clear message on stderr, nothing on stdout", () => {
    let badProject: string;
    const cases: Array<{ name: string; args: string[]; message: RegExp; inBadProject?: boolean }> = [
      { name: "an unknown flag", args: ["--bogus"], message: /^npm start: unknown option --bogus \(npm start -- --help for usage\)\n$/ },
      {
        name: "a misspelt flag",
        args: ["--wokrflow", "seed"],
        message: /^npm start: unknown option --wokrflow; did you mean --workflow\? \(npm start -- --help for usage\)\n$/,
      },
      { name: "--input that is not JSON", args: ["--input", "{number: 1}"], message: /--input must be JSON/ },
      { name: "--input that is not an object", args: ["--input", "[1,2]"], message: /--input must be a JSON object/ },
      {
        name: "--input without a value",
        args: ["--input"],
        message: /^npm start: --input needs a value \(npm start -- --help for usage\)\n$/,
      },
      {
        name: "--objects that is not a number",
        args: ["--workflow", "map-reduce", "--objects", "many"],
        message: /--objects must be a whole number/,
      },
      { name: "--objects 0", args: ["--workflow", "map-reduce", "--objects", "0"], message: /--objects must be at least 1/ },
      { name: "an unknown workflow", args: ["--workflow", "nope"], message: /unknown workflow "nope" \(this stack has: seed/ },
      {
        name: "a misspelt workflow",
        args: ["--workflow", "map-reduse"],
        message: /unknown workflow "map-reduse"; did you mean map-reduce\?/,
      },
      {
        name: "--inline on another workflow",
        args: ["--workflow", "map-reduce", "--inline"],
        message: /--inline applies to the seed workflow only/,
      },
      { name: "--objects on the seed workflow", args: ["--objects", "5"], message: /--objects applies to the map-reduce workflow only/ },
      { name: "a stack name with a slash", args: ["--stack", "../etc"], message: /--stack must be a stack name/ },
      { name: "a stack without a stack file", args: ["--stack", "nostack"], message: /Pulumi\.nostack\.yaml[\s\S]*stack file not found/ },
      {
        name: "a bad value in the stack file",
        args: ["--stack", "bad"],
        message: /sfn-distributed-map:maxConcurrency: maxConcurrency must be between 0 and 10000/,
        inBadProject: true,
      },
    ];
    const results = new Map<string, CliResult>();

    before(async function () {
      this.timeout(120_000);
      // A project folder like the repository's, with a stack whose value breaks a rule.
      badProject = tempDir("bad-project-");
      copyFileSync(join(ROOT, "Pulumi.yaml"), join(badProject, "Pulumi.yaml"));
      const dev = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
      writeFileSync(join(badProject, "Pulumi.bad.yaml"), dev.replace(/maxConcurrency: \d+/, "maxConcurrency: 20000"));
      // All cases at once, each its own process running start.ts directly (npm start runs the same file).
      await Promise.all(
        cases.map(async (c) => results.set(c.name, await runCli(c.args, c.inBadProject ? { cwd: badProject } : { direct: true }))),
      );
    });

    for (const c of cases) {
      it(`rejects ${c.name}`, () => {
        const r = results.get(c.name)!;
        assert.equal(r.code, 2, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        assert.match(r.stderr, c.message);
        assert.equal(r.stdout, "");
      });
    }
  });
});
