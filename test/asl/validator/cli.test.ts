/**
 * `npm run validate` as users run it: a subprocess, exit codes, and a --json stdout that is pure JSON.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(__dirname, "..", "..", "..");
const tsx = join(repo, "node_modules", ".bin", "tsx");
const cli = join(repo, "tools", "cli", "validate.ts");
const fixtures = join(repo, "test", "fixtures", "asl");

function run(...args: string[]) {
  const r = spawnSync(tsx, [cli, ...args], { cwd: repo, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("validate CLI", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "validate-cli-"));
    writeFileSync(join(dir, "ok.json"), JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } } }));
    writeFileSync(
      join(dir, "warn.json"),
      JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Parameters: { a: "$.x" }, End: true } } }),
    );
    writeFileSync(join(dir, "broken.json"), '{ "StartAt": ');
    writeFileSync(
      join(dir, "express.json"),
      JSON.stringify({
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
              StartAt: "P",
              States: { P: { Type: "Succeed" } },
            },
            End: true,
          },
        },
      }),
    );
    writeFileSync(join(dir, "notes.txt"), "not a definition");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints OK and exits 0 when every file is valid (warnings do not fail)", () => {
    const r = run(join(dir, "ok.json"), join(dir, "warn.json"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok\.json: OK\n/);
    assert.match(r.stdout, /warn\.json: OK \(1 warning\)\n  WARNING NO_DOLLAR at \/States\/A\/Parameters\/a: /);
    assert.equal(r.stderr, "");
  });

  it("--json prints exactly [{file, valid, diagnostics}] and exits 1 if any file is invalid, unreadable or not JSON", () => {
    const invalid = join(fixtures, "invalid", "missing-target.asl.json");
    const missing = join(dir, "nope.json");
    const r = run("--json", join(dir, "ok.json"), invalid, join(dir, "broken.json"), missing);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "");
    const out = JSON.parse(r.stdout) as Array<{ file: string; valid: boolean; diagnostics: Array<Record<string, string>> }>;
    assert.deepEqual(
      out.map((f) => [f.file, f.valid]),
      [
        [join(dir, "ok.json"), true],
        [invalid, false],
        [join(dir, "broken.json"), false],
        [missing, false],
      ],
    );
    for (const f of out) {
      assert.deepEqual(Object.keys(f), ["file", "valid", "diagnostics"]);
      for (const d of f.diagnostics) assert.deepEqual(Object.keys(d), ["code", "location", "message", "severity"]);
    }
    assert.deepEqual(
      out[1]!.diagnostics.map((d) => [d.code, d.location]),
      [["MISSING_TRANSITION_TARGET", "/States/A/Next"]],
    );
    assert.equal(out[2]!.diagnostics[0]!.code, "INVALID_JSON_DESCRIPTION");
    assert.equal(out[3]!.diagnostics[0]!.code, "INVALID_JSON_DESCRIPTION");
    assert.match(out[3]!.diagnostics[0]!.message, /file not found/);
  });

  it("expands directories to their .json files and applies --type", () => {
    const r = run("--json", "--type", "EXPRESS", dir);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Array<{ file: string; valid: boolean; diagnostics: Array<{ code: string }> }>;
    assert.deepEqual(
      out.map((f) => f.file.slice(dir.length + 1)),
      ["broken.json", "express.json", "ok.json", "warn.json"],
    );
    assert.deepEqual(
      out[1]!.diagnostics.map((d) => d.code),
      ["DISTRIBUTED_MAP_IN_EXPRESS"],
    );
  });

  it("exits 2 with a message on stderr for usage errors (no files, unknown flag, bad --type)", () => {
    for (const args of [[], ["--nope", join(dir, "ok.json")], ["--type", "BATCH", join(dir, "ok.json")]]) {
      const r = run(...args);
      assert.equal(r.code, 2, `args ${args.join(" ")}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^validate: .+\nusage: sfn-local validate /);
    }
  });
});
