/**
 * Every npm script stops with its process. npm runs a script through `sh -c` and forwards SIGTERM
 * and SIGINT to that shell only (@npmcli/run-script signal-manager.js); dash does not exec the last
 * command, so without `exec` in the script the shell died and node ran on, orphaned, holding its
 * ports. Each script that starts a long-lived process starts it with `exec`.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./run-cli";
import { alive, descendants } from "../support/processes";
import { tempDir } from "../support/temp-dirs";

describe("npm scripts stop with their process", function () {
  this.timeout(120_000);

  it("every script's last command is exec'd (or is another npm script)", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    for (const [name, command] of Object.entries(scripts)) {
      const last = command.split("&&").at(-1)!.trim();
      assert.ok(last.startsWith("exec ") || last.startsWith("npm run "), `${name}: "${command}" (the last command must be exec'd)`);
    }
  });

  for (const [label, signal, definition] of [
    ["a 1-hour Wait", "SIGTERM", { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } }],
    [
      "a never-ending JSONata function",
      "SIGTERM",
      {
        QueryLanguage: "JSONata",
        StartAt: "P",
        States: { P: { Type: "Pass", Output: "{% ( $f := function($n) { $f($n + 1) }; $f(0) ) %}", End: true } },
      },
    ],
    [
      "a Choice loop",
      "SIGINT",
      {
        StartAt: "C",
        States: {
          C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 2, Next: "Done" }], Default: "P" },
          P: { Type: "Pass", Next: "C" },
          Done: { Type: "Succeed" },
        },
      },
    ],
  ] as const) {
    it(`${signal} to npm alone during \`npm run exec\` of ${label} ends node: no process left, the embedded S3's port freed`, async () => {
      const dir = tempDir("npm-exec-signal-");
      const file = join(dir, "def.json");
      writeFileSync(file, JSON.stringify(definition));
      // The Choice loop runs as EXPRESS: a STANDARD one ends itself at 25,000 history events, as on AWS.
      const type = label === "a Choice loop" ? ["--type", "EXPRESS"] : [];
      const child = spawn("npm", ["run", "--silent", "exec", "--", file, "--s3", "--input", '{"x": 1}', ...type], {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, CI: "true" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      let closed = false;
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => ((closed = true), resolve(code))));
      // Running: node has started and listens (the embedded S3) once its port shows.
      let below: number[] = [];
      let port: string | undefined;
      for (let i = 0; i < 600 && port === undefined && !closed; i++) {
        await new Promise((r) => setTimeout(r, 100));
        below = descendants(child.pid!);
        const listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
        port = listening
          .split("\n")
          .find((l) => below.some((pid) => l.includes(`pid=${pid},`)))
          ?.match(/127\.0\.0\.1:(\d+)/)?.[1];
      }
      assert.ok(port, `node never listened:\n${stderr}`);
      const sentAt = Date.now();
      process.kill(child.pid!, signal);
      await exited;
      const tookMs = Date.now() - sentAt;
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(below.filter(alive), [], `no process of the script is left\n${stderr}`);
      assert.ok(!execFileSync("ss", ["-ltnH"], { encoding: "utf8" }).includes(`127.0.0.1:${port} `), `port ${port} freed`);
      assert.ok(tookMs < 10_000, `exits promptly (took ${tookMs} ms)`);
    });
  }
});
