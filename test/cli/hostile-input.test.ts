/**
 * Hostile input to the CLIs: AWS's limits checked before anything recursive, a clear error naming
 * the rule, every file of a batch reported, and never a stack trace.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeUtf8, invalidUtf8Offset, jsonTextDepth, parseJsonText, valueDepth } from "../../asl/json-text";
import { validateDefinition } from "../../asl/validator";
import { parseStartArgs } from "../../tools/cli/args";
import { InvalidExecutionInputError, run } from "../../engine";
import { tempDir } from "../support/temp-dirs";

const root = resolve(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

function cli(name: string, args: string[]) {
  const r = spawnSync(tsx, [join(root, "tools/cli", `${name}.ts`), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack trace line ("    at fn (file:line:col)"). */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

const pass = (name: string) => JSON.stringify({ StartAt: name, States: { [name]: { Type: "Pass", End: true } } });
const deepArray = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepDefinition = (n: number) => `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":${deepArray(n)},"End":true}}}`;

describe("hostile input", function () {
  this.timeout(60_000);
  const dir = tempDir("hostile-");
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  describe("asl/json-text", () => {
    it("finds the byte offset of the first invalid UTF-8 sequence (stray continuation, overlong, surrogate, truncated)", () => {
      assert.equal(invalidUtf8Offset(Buffer.from("abc")), -1);
      assert.equal(invalidUtf8Offset(Buffer.from("aé€😀")), -1);
      assert.equal(invalidUtf8Offset(Buffer.from([0x61, 0x80])), 1);
      assert.equal(invalidUtf8Offset(Buffer.from([0x61, 0x62, 0xc0, 0xaf])), 2); // overlong "/"
      assert.equal(invalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80])), 0); // U+D800
      assert.equal(invalidUtf8Offset(Buffer.from([0x61, 0xe2, 0x82])), 1); // truncated
      assert.equal(invalidUtf8Offset(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // > U+10FFFF
    });

    it("drops a leading BOM (RFC 8259 §8.1) and refuses invalid UTF-8 naming the offset", () => {
      assert.equal(decodeUtf8(Buffer.from("\uFEFF{}"), "x"), "{}");
      assert.throws(
        () => decodeUtf8(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), "f.json"),
        /f\.json is not valid UTF-8: invalid byte sequence at byte offset 2/,
      );
      assert.throws(() => decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xff]), "f.json"), /at byte offset 4/);
    });

    it("measures depth without recursion (text and value), strings ignored", () => {
      assert.equal(jsonTextDepth('{"a":"[[[{{{","b":[1,{"c":[]}]}'), 4);
      assert.equal(jsonTextDepth(deepArray(200_000)), 200_000);
      assert.equal(valueDepth(JSON.parse(deepArray(200_000))), 200_000);
      assert.equal(valueDepth({ a: [1, { b: "[[[" }] }), 3);
    });

    it("checks size, then depth, then parses", () => {
      assert.throws(
        () => parseJsonText("[" + "1,".repeat(200_000) + "1]", { what: "--input", maxBytes: 262_144 }),
        /--input is 400,003 bytes; the limit is 262,144/,
      );
      assert.throws(
        () => parseJsonText(deepArray(100_000), { what: "--input", maxBytes: 262_144 }),
        /--input nests objects\/arrays more than 1,000 deep/,
      );
      assert.deepEqual(parseJsonText(deepArray(3), { what: "x" }), [[[]]]);
    });
  });

  describe("the validator", () => {
    it("refuses a definition nested 100,000 deep before any recursive walk (text and value)", () => {
      for (const d of [deepDefinition(100_000), JSON.parse(deepDefinition(100_000)) as unknown]) {
        const r = validateDefinition(d);
        assert.equal(r.valid, false);
        assert.equal(r.diagnostics[0]?.code, "DEFINITION_TOO_DEEP");
      }
    });

    it("accepts nesting up to the limit, and an execution runs on it", async () => {
      const d = deepDefinition(995);
      assert.equal(validateDefinition(d).valid, true);
      const result = await run(JSON.parse(d), JSON.parse(deepArray(990)) as never, { handlers: {} });
      assert.equal(result.status, "SUCCEEDED");
    });

    it("refuses a definition longer than CreateStateMachine's 1,048,576 characters", () => {
      const big = JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Result: "x".repeat(1_048_576), End: true } } });
      for (const d of [big, JSON.parse(big) as unknown]) {
        const r = validateDefinition(d);
        assert.equal(r.diagnostics[0]?.code, "DEFINITION_TOO_LARGE");
        assert.match(r.diagnostics[0]!.message, /AWS accepts at most 1,048,576/);
      }
    });

    it("takes any state name AWS allows, __proto__ and constructor included", async () => {
      for (const name of ["__proto__", "constructor", "hasOwnProperty", "toString"]) {
        assert.equal(validateDefinition(pass(name)).valid, true, name);
        const result = await run(JSON.parse(pass(name)), { v: 1 }, { handlers: {} });
        assert.equal(result.status, "SUCCEEDED", name);
        assert.deepEqual(result.output, { v: 1 });
      }
    });

    it("the engine refuses an input nested deeper than the limit as InvalidExecutionInput", async () => {
      await assert.rejects(
        run(JSON.parse(pass("A")), JSON.parse(deepArray(100_000)) as never, { handlers: {} }),
        InvalidExecutionInputError,
      );
    });
  });

  describe("npm run validate", () => {
    it("reports every file of a batch: deep, huge, invalid UTF-8, BOM, __proto__, and a good one; no stack trace", () => {
      const files = [
        file("deep.json", deepDefinition(100_000)),
        file("huge.json", JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Result: "x".repeat(1_100_000), End: true } } })),
        file(
          "latin1.json",
          Buffer.concat([
            Buffer.from('{"StartAt":"A","States":{"A":{"Type":"Pass","Comment":"caf'),
            Buffer.from([0xe9]),
            Buffer.from('","End":true}}}'),
          ]),
        ),
        file("bom.json", "\uFEFF" + pass("A")),
        file("proto.json", pass("__proto__")),
        file("good.json", pass("A")),
      ];
      const r = cli("validate", ["--json", ...files]);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.stderr + r.stdout, STACK);
      const results = JSON.parse(r.stdout) as Array<{
        file: string;
        valid: boolean;
        diagnostics: Array<{ code: string; message: string }>;
      }>;
      assert.equal(results.length, 6);
      const byName = Object.fromEntries(results.map((x) => [x.file.slice(dir.length + 1), x]));
      assert.equal(byName["deep.json"]!.diagnostics[0]!.code, "DEFINITION_TOO_DEEP");
      assert.equal(byName["huge.json"]!.diagnostics[0]!.code, "DEFINITION_TOO_LARGE");
      assert.match(byName["latin1.json"]!.diagnostics[0]!.message, /not valid UTF-8: invalid byte sequence at byte offset 58/);
      assert.equal(byName["bom.json"]!.valid, true);
      assert.equal(byName["proto.json"]!.valid, true);
      assert.equal(byName["good.json"]!.valid, true);
    });
  });

  describe("npm run exec", () => {
    it("refuses an execution input over 256 KiB before parsing it (exit 2, the limit named)", () => {
      const def = file("ok.json", pass("A"));
      const r = cli("exec", [def, "--input-file", file("big-input.json", JSON.stringify({ a: "x".repeat(600_000) }))]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /is 600,008 bytes; the limit is 262,144/);
      assert.doesNotMatch(r.stderr, STACK);
    });

    it("refuses an input or a definition nested 100,000 deep with a clear error, no stack trace", () => {
      const def = file("ok2.json", pass("A"));
      const input = cli("exec", [def, "--input-file", file("deep-input.json", deepArray(100_000))]);
      assert.equal(input.code, 2);
      assert.match(input.stderr, /nests objects\/arrays more than 1,000 deep/);
      const definition = cli("exec", [file("deep-def.json", deepDefinition(100_000))]);
      assert.equal(definition.code, 2);
      assert.match(definition.stderr, /nests objects\/arrays more than 1,000 deep/);
      for (const r of [input, definition]) assert.doesNotMatch(r.stderr, STACK);
    });

    it("refuses invalid UTF-8 naming the byte offset", () => {
      const r = cli("exec", [file("bad-utf8.json", Buffer.from([0x7b, 0x7d, 0xc3]))]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /not valid UTF-8: invalid byte sequence at byte offset 2/);
    });
  });

  describe("npm start --input", () => {
    it("refuses more than 256 KiB and deep nesting before parsing, naming the flag", () => {
      assert.throws(
        () => parseStartArgs(["--input", JSON.stringify({ a: "x".repeat(300_000) })]),
        /--input is 300,008 bytes; the limit is 262,144/,
      );
      assert.throws(() => parseStartArgs(["--input", `{"a":${deepArray(100_000)}}`]), /--input nests objects\/arrays more than 1,000 deep/);
      assert.throws(() => parseStartArgs(["--input", "{nope"]), /--input must be JSON/);
    });
  });

  describe("npm run synth --out FILE", () => {
    it("says a file is in the way, exit 2, no stack trace", () => {
      const r = cli("synth", ["--out", file("not-a-dir", "x")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--out .*not-a-dir: cannot create .*: a file is in the way \(--out must be a folder\)/);
      assert.doesNotMatch(r.stderr, STACK);
    });
  });
});
