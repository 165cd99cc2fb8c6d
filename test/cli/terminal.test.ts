/**
 * The live display and the summary on a real terminal: a tmux pane of 80×24 and one of 120×40 (a
 * pseudo-terminal, so cursor movement, erasing and the terminal's own wrapping are real), driven
 * step by step with a scripted clock (fixtures/display-driver.ts) and compared with recorded frames
 * (golden/*.txt; the spinner's glyph, the one thing that moves on its own, is normalised to "*").
 * `UPDATE_GOLDEN=1` records them again. Then a real `npm start` in an 80×24 pane: no line wrapped,
 * the outcome block on screen when it returns.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TEST_DATA_DIR } from "./run-cli";
import { tempDir } from "../support/temp-dirs";

const SOCKET = `sfn-dm-test-${process.pid}`;
const tmux = (...args: string[]): string =>
  execFileSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const GOLDEN = join(__dirname, "golden");

/** The pane's rows, wrapped rows joined back into the line the program wrote, trailing blanks dropped. */
function screen(session: string): string[] {
  const rows = tmux("capture-pane", "-p", "-J", "-t", session)
    .split("\n")
    .map((l) => l.trimEnd());
  while (rows.length > 0 && rows.at(-1) === "") rows.pop();
  return rows;
}

const normalise = (rows: string[]) => rows.map((r) => r.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, "*")).join("\n");

async function until(what: string, test: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A shell command with the environment of a person's terminal: no CI, no NO_COLOR. */
const inTerminal = (command: string) => `cd '${ROOT}' && env -u CI -u NO_COLOR TERM=xterm-256color ${command}; sleep 30`;

async function driveFrames(columns: number, rows: number, mode: "run" | "interrupt"): Promise<{ frames: string[]; cursorShown: string }> {
  const session = `d${columns}${mode}`;
  const status = join(tempDir("display-driver-"), "status");
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(columns),
    "-y",
    String(rows),
    inTerminal(`node --import tsx test/cli/fixtures/display-driver.ts '${status}' ${mode}`),
  );
  try {
    await until("the driver to start", () => existsSync(status) && readFileSync(status, "utf8").length > 0);
    const pid = Number(readFileSync(status, "utf8").split("\n")[0]);
    const frames: string[] = [];
    const steps = mode === "interrupt" ? 8 : 9;
    for (let step = 1; step <= steps; step++) {
      process.kill(pid, "SIGUSR2");
      await until(`step ${step}`, () => readFileSync(status, "utf8").includes(`step ${step}\n`));
      const shown = screen(session);
      for (const line of shown)
        assert.ok(line.length < columns, `step ${step}: a line of ${line.length} columns wrapped at ${columns}:\n${line}`);
      frames.push(`--- after step ${step} ---\n${normalise(shown)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
    return { frames, cursorShown: tmux("display-message", "-p", "-t", session, "#{cursor_flag}").trim() };
  } finally {
    tmux("kill-session", "-t", session);
  }
}

function compareWithGolden(name: string, frames: string[]): void {
  const file = join(GOLDEN, name);
  const text = frames.join("\n") + "\n";
  if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, text);
  assert.equal(text, readFileSync(file, "utf8"), `the frames differ from ${file} (UPDATE_GOLDEN=1 records them again)`);
}

describe("the terminal display in a pseudo-terminal (tmux)", function () {
  this.timeout(180_000);

  before(function () {
    try {
      execFileSync("tmux", ["-V"]);
    } catch {
      throw new Error("these tests need tmux (apt-get install tmux); .ci/run installs it");
    }
    // One idle session for the whole suite: the server exits with its last session, and a session
    // started while it shuts down fails ("server exited unexpectedly").
    tmux("new-session", "-d", "-s", "keep", "sleep 600");
  });
  after(() => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  });

  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`${columns}×${rows}: every step's frame as recorded, no line wrapped, the cursor shown again`, async () => {
      const { frames, cursorShown } = await driveFrames(columns, rows, "run");
      compareWithGolden(`display-${columns}x${rows}.txt`, frames);
      assert.equal(cursorShown, "1");
    });
  }

  it("80×24, Ctrl-C: the block gives way to one line, the cursor shown again", async () => {
    const { frames, cursorShown } = await driveFrames(80, 24, "interrupt");
    compareWithGolden("display-80x24-interrupt.txt", frames);
    assert.equal(frames.at(-1), "--- after step 8 ---\nInterrupted: the execution was stopped (ABORTED); nothing of this run was kept.");
    assert.equal(cursorShown, "1");
  });

  it("npm start at 80×24, Ctrl-C mid-run: the npm banner, then one line; no ^C, no library noise, the cursor back", async () => {
    const session = "ctrlc80";
    const done = join(tempDir("ctrlc-in-tmux-"), "done");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "80",
      "-y",
      "24",
      inTerminal(`LOCAL_S3_DIR='${TEST_DATA_DIR}' npm start -- --input '{"number": 2000000, "chunk": 5}'; echo $? > '${done}'`),
    );
    try {
      await until("the Map Run on screen", () => screen(session).some((l) => l.startsWith("Map Run MapData RUNNING")), 120_000);
      tmux("send-keys", "-t", session, "C-c");
      await until("npm start to exit", () => existsSync(done) && readFileSync(done, "utf8").trim() !== "", 60_000);
      assert.equal(readFileSync(done, "utf8").trim(), "130");
      const shown = screen(session).filter((l) => l !== "");
      assert.deepEqual(shown.slice(-1), ["Interrupted: the execution was stopped (ABORTED); nothing of this run was kept."]);
      assert.ok(
        shown.slice(0, -1).every((l) => l.startsWith(">")),
        `only npm's banner above it:\n${shown.join("\n")}`,
      );
      assert.equal(tmux("display-message", "-p", "-t", session, "#{cursor_flag}").trim(), "1");
    } finally {
      tmux("kill-session", "-t", session);
    }
  });

  it("a usage error at 80 columns: wrapped at spaces, not by the terminal", async () => {
    const session = "usage80";
    const done = join(tempDir("usage-in-tmux-"), "done");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "80",
      "-y",
      "24",
      inTerminal(`node --import tsx tools/cli/start.ts --wokrflow map-reduce; echo $? > '${done}'`),
    );
    try {
      await until("start.ts to exit", () => existsSync(done) && readFileSync(done, "utf8").trim() !== "");
      assert.equal(readFileSync(done, "utf8").trim(), "2");
      assert.deepEqual(screen(session), [
        "npm start: unknown option --wokrflow; did you mean --workflow? (npm start --",
        "  --help for usage)",
      ]);
    } finally {
      tmux("kill-session", "-t", session);
    }
  });

  it("npm start at 80×24: no line wrapped, and Status, Items, Wall time and Results on the last screen", async () => {
    const session = "start80";
    const done = join(tempDir("start-in-tmux-"), "done");
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "80",
      "-y",
      "24",
      inTerminal(`LOCAL_S3_DIR='${TEST_DATA_DIR}' npm start -- --input '{"number": 20000, "chunk": 5}'; echo $? > '${done}'`),
    );
    try {
      await until("npm start to finish", () => existsSync(done) && readFileSync(done, "utf8").trim() !== "", 150_000);
      assert.equal(readFileSync(done, "utf8").trim(), "0");
      const shown = screen(session);
      for (const line of shown) assert.ok(line.length < 80, `a line of ${line.length} columns wrapped:\n${line}`);
      // The outcome block is the last thing printed (the Results row wraps its long URI under itself).
      const status = shown.findIndex((l) => l.startsWith("Status "));
      assert.ok(status >= 0 && status >= shown.length - 24, shown.join("\n"));
      // The local copy's path is relative to the checkout, so its length (and where it wraps) depends on where the checkout is.
      assert.match(
        shown.slice(status).join("\n"),
        /^Status {8}SUCCEEDED · exactly-once check PASSED\nItems {9}4,000 in 4,000 child executions\nWall time {5}[\d.]+ s \(execution [\d.]+ s\)\nResults {7}s3:\/\/sfn-distributed-map-dev\/results\/seed\/[^\n]*\n( {14}\S+\n)? {14}local copy in( |\n {14})\S+(\n {14}\S+)?$/,
      );
      assert.equal(tmux("display-message", "-p", "-t", session, "#{cursor_flag}").trim(), "1");
    } finally {
      tmux("kill-session", "-t", session);
    }
  });
});
