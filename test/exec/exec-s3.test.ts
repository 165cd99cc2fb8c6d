/**
 * `npm run exec` end to end with the embedded S3 (issue 17): a raw ASL file whose CSV ItemReader
 * reads an object seeded with --put, --out receiving the ResultWriter's manifest; a handlers
 * mismatch refused before the run; the first failed child in --json; nothing left behind (no
 * temporary folder, no listening port) after a run, after an error and after SIGINT.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "../..");
const cli = join(root, "tools/cli/exec.ts");

function exec(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const csvMap = (handler: string, extra: Record<string, unknown> = {}) => ({
  StartAt: "Rows",
  States: {
    Rows: {
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
        Parameters: { Bucket: "data-in", Key: "rows.csv" },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        StartAt: "Handle",
        States: { Handle: { Type: "Task", Resource: `arn:aws:lambda:us-east-1:123456789012:function:${handler}`, End: true } },
      },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "data-out", Prefix: "results" } },
      End: true,
      ...extra,
    },
  },
});

describe("exec with the embedded S3", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "exec-s3-"));
  // Every temporary folder the runs make goes here, so the test can see that none is left.
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const env = { TMPDIR: tmp };
  const csv = join(dir, "rows.csv");
  writeFileSync(csv, "name,qty\napple,3\npear,x\nplum,5\n");
  const handlers = join(dir, "handlers.cjs");
  writeFileSync(
    handlers,
    "exports.Double = async (row) => { const n = Number(row.qty); if (!Number.isFinite(n)) { const e = new Error(`qty is not a number: ${row.qty}`); e.name = 'BadRow'; throw e; } return { name: row.name, qty: n * 2 }; };\n" +
      "exports.Unused = async () => null;\n",
  );
  const def = join(dir, "csv.asl.json");
  writeFileSync(def, JSON.stringify(csvMap("Double", { ToleratedFailurePercentage: 50 })));

  it("runs a CSV ItemReader over an object put with --put; --out receives the ResultWriter manifest and result files", () => {
    const out = join(dir, "out");
    const r = exec([def, "--handlers", handlers, "--put", `s3://data-in/rows.csv=${csv}`, "--out", out, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, "SUCCEEDED");
    assert.equal(s.output.ResultWriterDetails.Bucket, "data-out");
    const manifest = join(out, "data-out", ...String(s.output.ResultWriterDetails.Key).split("/"));
    assert.ok(existsSync(manifest), `manifest at ${manifest}; downloaded: ${s.downloaded}`);
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    assert.ok(m.ResultFiles.SUCCEEDED.length >= 1);
    // The unused export is a warning, not an error.
    assert.match(r.stderr, /export "Unused" is not used by any state/);
    // One row failed (1 of 3 ≤ 50 %): the failure is listed with its item index, error and state.
    assert.equal(s.failures.length, 1);
    assert.deepEqual([s.failures[0].itemIndex, s.failures[0].error, s.failures[0].state], [1, "BadRow", "Rows/Handle"]);
  });

  it("--put of a folder seeds every file under the prefix", () => {
    const folder = join(dir, "in");
    mkdirSync(join(folder, "sub"), { recursive: true });
    writeFileSync(join(folder, "sub", "rows.csv"), "name,qty\nfig,1\n");
    const d = join(dir, "prefix.asl.json");
    const m = csvMap("Double");
    (m.States.Rows.ItemReader.Parameters as { Key: string }).Key = "batch/sub/rows.csv";
    writeFileSync(d, JSON.stringify(m));
    const r = exec([d, "--handlers", handlers, "--put", `s3://data-in/batch/=${folder}/`, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, "SUCCEEDED");
  });

  it("runs a workflow module (a catalog entry built from the dev stack, its own handlers) with --put", () => {
    const ranges = join(dir, "ranges.jsonl");
    writeFileSync(ranges, '{"from":0,"to":5}\n{"from":5,"to":7}\n');
    const r = exec(
      [
        join(root, "app", "demos", "jsonl-ranges.ts"),
        "--put",
        `s3://sfn-distributed-map-dev/payloads/jsonl-ranges/ranges.jsonl=${ranges}`,
        "--json",
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, "SUCCEEDED");
    assert.match(s.output.ResultWriterDetails.Key, /^results\/jsonl-ranges\//);
  });

  it("a Map Run over its threshold: the execution's error stays AWS's, --json lists the first failed child", () => {
    const d = join(dir, "strict.asl.json");
    writeFileSync(d, JSON.stringify(csvMap("Double")));
    const r = exec([d, "--handlers", handlers, "--put", `s3://data-in/rows.csv=${csv}`, "--json"], env);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.error, "States.ExceedToleratedFailureThreshold");
    assert.equal(s.state, "Rows");
    assert.equal(s.failures[0].error, "BadRow");
    assert.equal(s.failures[0].itemIndex, 1);
    assert.match(s.failures[0].cause, /qty is not a number: x/);
    assert.equal(s.mapRuns[0].items.failed >= 1, true);
  });

  it("a function the module lacks is an error before the run, listing the exports", () => {
    const d = join(dir, "missing.asl.json");
    writeFileSync(d, JSON.stringify(csvMap("Triple")));
    const r = exec([d, "--handlers", handlers, "--put", `s3://data-in/rows.csv=${csv}`], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /function "Triple" \(used by state Rows\/Handle\) has no handler in --handlers/);
    assert.match(r.stderr, /exports: Double, Unused/);
  });

  it("--keep leaves the data folder and says where it is", () => {
    const r = exec([def, "--handlers", handlers, "--put", `s3://data-in/rows.csv=${csv}`, "--keep", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const kept = JSON.parse(r.stdout).s3DataDir as string;
    assert.ok(existsSync(join(kept, "data-in")), kept);
    assert.match(r.stderr, /--keep: the embedded S3's data is in/);
  });

  it("SIGINT stops the execution and the server, exits 130 and leaves no temporary folder", async () => {
    const slow = join(dir, "slow.cjs");
    writeFileSync(slow, "exports.Double = async (row) => { await new Promise((r) => setTimeout(r, 60_000)); return row; };\n");
    const child = spawn(process.execPath, ["--import", "tsx", cli, def, "--handlers", slow, "--put", `s3://data-in/rows.csv=${csv}`], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Wait until the children are running (the server is up and the object seeded).
    const before = Date.now();
    while (readdirSync(tmp).filter((f) => f.startsWith("embedded-s3-")).length === 0 && Date.now() - before < 30_000)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_500));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 130, stderr);
  });

  after(() => {
    // After the runs above (success, error, SIGINT), no embedded-S3 temporary folder is left (--keep's is its own).
    const left = readdirSync(tmp).filter((f) => f.startsWith("embedded-s3-"));
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left, []);
  });
});
