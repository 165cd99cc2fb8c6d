/** The `npm run exec` CLI, run as a subprocess. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cli = join(root, "tools/cli/exec.ts");

function exec(args: string[]) {
  const r = spawnSync(tsx, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("exec CLI", function () {
  this.timeout(60_000);
  const dir = tempDir("exec-cli-");
  const def = join(dir, "def.json");
  writeFileSync(
    def,
    JSON.stringify({
      StartAt: "T",
      States: { T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Add", End: true } },
    }),
  );
  const handlers = join(dir, "handlers.cjs");
  writeFileSync(
    handlers,
    "exports.Add = async (e) => ({ sum: e.a + e.b });\nexports.Boom = async () => { const e = new Error('kaput'); e.name = 'BoomError'; throw e; };\n",
  );
  const failDef = join(dir, "fail.json");
  writeFileSync(
    failDef,
    JSON.stringify({
      StartAt: "T",
      States: { T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Boom", End: true } },
    }),
  );

  it("--json prints exactly status, output, stateTransitions, historyEvents, durationMs, mapRuns (always there); exit 0", () => {
    const r = exec([def, "--input", '{"a":1,"b":2}', "--handlers", handlers, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["status", "output", "stateTransitions", "historyEvents", "durationMs", "mapRuns"]);
    assert.deepEqual(out.mapRuns, []);
    assert.equal(out.status, "SUCCEEDED");
    assert.deepEqual(out.output, { sum: 3 });
    assert.equal(out.stateTransitions, 1);
    assert.equal(out.historyEvents, 7);
  });

  it("a failed execution prints error and cause and exits 1", () => {
    const r = exec([failDef, "--handlers", handlers, "--json"]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    // The state the execution failed in is part of the answer (issue 17: every failure names its state).
    assert.deepEqual(Object.keys(out), ["status", "error", "cause", "stateTransitions", "historyEvents", "durationMs", "state", "mapRuns"]);
    assert.equal(out.error, "BoomError");
    assert.equal(out.state, "T");
  });

  it("--handlers accepts a module exporting a { FunctionName: handler } map", () => {
    const mapModule = join(dir, "map.cjs");
    writeFileSync(mapModule, "exports.HANDLERS = { Add: async (e) => ({ sum: e.a * 100 + e.b }) };\nexports.notAHandler = 42;\n");
    const r = exec([def, "--input", '{"a":1,"b":2}', "--handlers", mapModule, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).output, { sum: 102 });
  });

  it("an invalid definition is refused with the validator's findings (exit 1)", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ StartAt: "Nope", States: { A: { Type: "Pass", End: true } } }));
    const r = exec([bad, "--json"]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.error, "InvalidDefinition");
    assert.match(out.cause, /StartAt/);
  });

  it("--input-file reads the input", () => {
    const input = join(dir, "in.json");
    writeFileSync(input, '{"a":5,"b":5}');
    const r = exec([def, "--input-file", input, "--handlers", handlers, "--json"]);
    assert.deepEqual(JSON.parse(r.stdout).output, { sum: 10 });
  });

  it("bad usage exits 2 with a clear message", () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /definition file/],
      [[def, "--put", "s3://Bad_Bucket/k=./x"], /not a valid S3 bucket name/],
      [[def, "--put", "nope"], /expected s3:\/\/bucket\/key=/],
      [[def, "--put", `s3://bucket-a/k=${join(dir, "absent.txt")}`], /no such file or folder/],
      [[def, "--input", "{nope"], /--input is not valid JSON/],
      [[def, "--input", "{}", "--input-file", "x.json"], /not both/],
      [[def, "--clock", "sometimes"], /clock/],
      [[def, "--bogus"], /^exec: unknown option --bogus \(npm run exec -- --help for usage\)\n$/],
      [[def, "--s3-endpoint", "not a url"], /--s3-endpoint must be a URL/],
      [[join(dir, "missing.json")], /cannot read definition file/],
    ];
    for (const [args, message] of cases) {
      const r = exec(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it("--batch runs one case per line and prints one JSON result line each", () => {
    const cases = join(dir, "cases.jsonl");
    const addDef = {
      StartAt: "T",
      States: { T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Add", End: true } },
    };
    writeFileSync(
      cases,
      [
        JSON.stringify({ name: "one", definition: addDef, input: { a: 1, b: 1 } }),
        JSON.stringify({ name: "two", definition: { StartAt: "F", States: { F: { Type: "Fail", Error: "E" } } }, input: {} }),
        "",
      ].join("\n"),
    );
    const r = exec(["--batch", cases, "--handlers", handlers]);
    assert.equal(r.code, 1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual([lines[0].name, lines[0].status, lines[0].output], ["one", "SUCCEEDED", { sum: 2 }]);
    assert.deepEqual([lines[1].name, lines[1].status, lines[1].error], ["two", "FAILED", "E"]);
  });
});
