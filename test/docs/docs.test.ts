/**
 * The docs run: every ```sh run and ```ts run block of README.md and docs/*.md is executed, and each
 * ```text output block is compared with what its commands printed, so an example that no longer
 * works, or output the code no longer prints, fails here rather than in a reader's terminal. The
 * conventions are documented in docs/repository.md ("Tested docs").
 *
 * Blocks marked `slow` run only under `npm run test:slow` (SFN_SLOW_TESTS=1), which runs nothing else
 * of this file but the blocks marked `packed` once more: in a project that has only the packed
 * tarball installed (and tsx, as the docs tell a user to install), with the package's own imports and
 * its own `sfn-local` command, as a user runs them.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";
import { installedProject } from "../package/packed";

const ROOT = join(__dirname, "..", "..");
const SLOW = process.env.SFN_SLOW_TESTS === "1";
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The pages: the README and every page of docs/ but the generated builder reference. */
const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "builders.md")
    .sort()
    .map((f) => `docs/${f}`),
];

export interface Block {
  /** The info string's first word (`sh`, `ts`, `text`), and its other words (`run`, `exit=2`, `file=x.ts`). */
  lang: string;
  attrs: Map<string, string>;
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The fenced blocks of a markdown text, in order. */
export function fencedBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [lang = "", ...words] = open[2]!.trim().split(/\s+/);
    const attrs = new Map(words.map((w) => [w.split("=")[0]!, w.includes("=") ? w.slice(w.indexOf("=") + 1) : ""] as [string, string]));
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== open[1]) body.push(lines[j++]!);
    out.push({ lang, attrs, body: body.join("\n"), line: i + 1 });
    i = j;
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One expected line as a pattern: `...` is any text, a run of spaces any run of spaces. */
function linePattern(expected: string): RegExp {
  const parts = expected.split("...").map((p) => escapeRegExp(p).replace(/ +/g, " +"));
  return new RegExp(`^${parts.join(".*")}$`);
}

const clean = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/^\n+|\n+$/g, "")
    .split("\n");

/**
 * Whether `actual` is what `expected` shows, with its placeholders; undefined when it is, else the
 * first expected line that could not be matched.
 */
export function outputMismatch(expected: string, actual: string): string | undefined {
  const want = clean(expected);
  const got = clean(actual);
  const patterns = want.map((l) => (l.trim() === "..." ? undefined : linePattern(l)));
  // memo[i][j]: want[i..] matches got[j..]
  const memo = new Map<number, boolean>();
  let failedAt = -1;
  const match = (i: number, j: number): boolean => {
    const key = i * (got.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok: boolean;
    if (i === want.length) ok = j === got.length;
    else if (patterns[i] === undefined) ok = match(i + 1, j) || (j < got.length && match(i, j + 1));
    else {
      ok = j < got.length && patterns[i]!.test(got[j]!) && match(i + 1, j + 1);
      if (!ok && (j >= got.length || !patterns[i]!.test(got[j]!))) failedAt = Math.max(failedAt, i);
    }
    memo.set(key, ok);
    return ok;
  };
  return match(0, 0) ? undefined : want[Math.max(failedAt, 0)] || "(an empty line)";
}

/**
 * A scratch view of the repository: every top-level entry linked, except the folders commands write
 * to (out/, .local-s3/, .tmp/, dist/), which are its own, so a run of the docs leaves the checkout
 * as it was.
 */
function scratchView(): string {
  const dir = tempDir("sfn-docs-");
  const own = new Set([".git", "out", ".local-s3", ".tmp", "dist"]);
  for (const entry of readdirSync(ROOT)) if (!own.has(entry)) symlinkSync(join(ROOT, entry), join(dir, entry));
  return dir;
}

/** The package's imports pointed at this repository's source. */
function fromSource(code: string): string {
  const entries: Record<string, string> = {
    "sfn-distributed-map/asl": join(ROOT, "asl", "index.ts"),
    "sfn-distributed-map/testing": join(ROOT, "testing", "index.ts"),
    "sfn-distributed-map": join(ROOT, "infra", "index.ts"),
  };
  return code.replace(/(["'])(sfn-distributed-map(?:\/asl|\/testing)?)\1/g, (_, _q: string, name: string) => JSON.stringify(entries[name]));
}

/** Writes a file into the scratch view; a link to the checkout's own file is replaced, never written through. */
function writeInView(view: string, name: string, text: string): string {
  const file = resolve(view, name);
  assert.ok(file.startsWith(view + "/"), `${name} is outside the scratch view`);
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file) || lstatSync(file, { throwIfNoEntry: false })) {
    assert.ok(lstatSync(file).isSymbolicLink() || lstatSync(file).isFile(), `${name} is a folder`);
    unlinkSync(file);
  }
  writeFileSync(file, text);
  return file;
}

interface Ran {
  code: number | null;
  output: string;
}

/** Runs a script with bash in `cwd`; stdout and stderr go to one pipe, in the order they were written. */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn("bash", ["-c", `exec 2>&1\n${script}`], { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", fail);
    child.on("close", (code) => done({ code, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

/** The environment of a documented command: no npm banner, no colours, plain progress lines, run data in the scratch view. */
function commandEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // npm test's own npm_* variables would tell the nested npm which script it runs.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("npm_") && k !== "INIT_CWD") env[k] = v;
  return { ...env, npm_config_loglevel: "silent", NO_COLOR: "1", CI: "true" };
}

for (const page of PAGES) {
  const markdown = readFileSync(join(ROOT, page), "utf8");
  const blocks = fencedBlocks(markdown);

  describe(`docs: ${page}`, function () {
    this.timeout(240_000);
    let view: string;
    before(async function () {
      // The slow run's `packed` blocks run in a project with the packed tarball installed.
      if (SLOW && blocks.some((b) => b.attrs.has("packed"))) {
        this.timeout(600_000);
        view = await installedProject("sfn-docs-packed-", ["tsx"]);
      } else view = scratchView();
    });
    // From source in the fast run; as the installed package's in the slow run.
    const code = (text: string) => (SLOW ? text : fromSource(text));

    if (!SLOW) {
      it("links to files that exist, names package.json's version, and no issue numbers", () => {
        const outside = markdown.replace(/^(`{3,}).*\n[\s\S]*?^\1$/gm, "");
        for (const [, target] of outside.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^(https?:|mailto:|#)/.test(target!)) continue;
          const path = target!.split("#")[0]!;
          assert.ok(existsSync(join(ROOT, dirname(page), path)), `${page}: the link ${target} points at nothing`);
        }
        for (const [name, version] of markdown.matchAll(/sfn-distributed-map[@-](\d+\.\d+\.\d+)/g))
          assert.equal(version, VERSION, `${page}: ${name} is not package.json's version ${VERSION}`);
        assert.doesNotMatch(outside, /\bissues? #?\d+/i, `${page}: user docs name no issue numbers`);
      });
    }

    blocks.forEach((block, index) => {
      const where = `${page}:${block.line}`;
      const slow = block.attrs.has("slow");
      // The slow run runs the slow and the packed blocks only; the fast run lists the slow ones as pending.
      if (SLOW && !slow && !block.attrs.has("packed")) return;
      const test = slow && !SLOW ? it.skip : it;
      if (block.attrs.has("excerpt")) {
        test(`${where}: is an excerpt of ${block.attrs.get("excerpt")}`, () => {
          const source = readFileSync(join(ROOT, block.attrs.get("excerpt")!), "utf8");
          assert.ok(source.includes(block.body), `${where}: the block is no longer a part of ${block.attrs.get("excerpt")}`);
        });
        return;
      }
      const runnable = block.attrs.has("run") || block.attrs.has("file");
      if (!runnable) return;

      if (block.lang === "ts" && block.attrs.has("file")) {
        test(`${where}: writes ${block.attrs.get("file")}`, () => {
          writeInView(view, block.attrs.get("file")!, code(block.body));
        });
        return;
      }

      if (block.lang === "ts") {
        test(`${where}: the ts block runs as a mocha test file`, async function () {
          const named = /^\/\/ (\S+\.test\.ts)$/m.exec(block.body)?.[1];
          const file = writeInView(view, `docs-block-${block.line}-${basename(named ?? "block.test.ts")}`, code(block.body));
          const mocha = join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
          const ran = await bash(
            `exec node ${JSON.stringify(mocha)} --no-config -r tsx/cjs --timeout 60000 ${JSON.stringify(file)}`,
            view,
            commandEnv(),
          );
          assert.equal(ran.code, 0, `${where}: the block's tests failed:\n${ran.output}`);
          assert.match(ran.output, /\d+ passing/);
        });
        return;
      }

      if (block.lang === "sh") {
        const next = blocks[index + 1];
        const expected = next && next.lang === "text" && next.attrs.has("output") ? next.body : undefined;
        const exit = Number(block.attrs.get("exit") ?? 0);
        test(`${where}: ${block.body
          .split("\n")
          .find((l) => l && !l.startsWith("#"))!
          .slice(0, 70)}`, async function () {
          const script = SLOW
            ? block.body
            : block.body.replace(/\bnpx sfn-local\b/g, `node --import tsx ${JSON.stringify(join(ROOT, "tools", "cli", "main.ts"))}`);
          const ran = await bash(exit === 0 ? `set -e\n${script}` : script, view, commandEnv());
          assert.equal(ran.code, exit, `${where}: exit status ${ran.code}, the docs say ${exit}; it printed:\n${ran.output}`);
          if (expected !== undefined) {
            const mismatch = outputMismatch(expected, ran.output);
            assert.equal(
              mismatch,
              undefined,
              `${where}: the output shown does not match what was printed, from the line\n  ${mismatch}\nPrinted:\n${ran.output}`,
            );
          }
        });
      }
    });
  });
}

if (!SLOW) {
  describe("docs: the README", () => {
    it("keeps the two set-up commands, verbatim, and stays short", () => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const sh = fencedBlocks(readme).filter((b) => b.lang === "sh");
      assert.ok(sh.some((b) => b.body.includes("npm ci && npm start") && /^npm test\b/m.test(b.body)));
      assert.ok(readme.split("\n").length <= 250, `README.md has ${readme.split("\n").length} lines; detail belongs in docs/`);
    });

    it("the output matcher: placeholders within a line and for whole lines, and a mismatch is reported", () => {
      assert.equal(outputMismatch("a ... c\n...\nend", "a b c\nx\ny\nend"), undefined);
      assert.equal(outputMismatch("a  b", "a     b"), undefined);
      assert.equal(outputMismatch("status: SUCCEEDED", "status: FAILED"), "status: SUCCEEDED");
      assert.equal(outputMismatch("one\ntwo", "one"), "two");
      assert.equal(outputMismatch("a\n...\nz", "a\nb\ny"), "z");
    });
  });
}
