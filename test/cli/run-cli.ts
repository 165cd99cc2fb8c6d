/** Runs a CLI of this project as a subprocess, the way a user (or CI) does, and collects what it printed. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { tempDir } from "../support/temp-dirs";

export const ROOT = resolve(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run data of subprocess runs goes to a temporary folder, not the checkout's .local-s3. */
export const TEST_DATA_DIR = tempDir("cli-test-s3-");

export interface RunCliOptions {
  script?: "start" | "synth";
  /** Run the script's entry file with node directly (`node -r tsx/cjs tools/cli/<script>.ts`), skipping npm's and tsx's own start-up (~1 s). */
  direct?: boolean;
  /** Working folder; implies `direct` (npm needs the package folder). */
  cwd?: string;
  env?: Record<string, string>;
}

/** `npm start -- ARGS` (or `npm run synth -- ARGS`) from the repository root, or the same entry file run directly. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const script = options.script ?? "start";
  const [command, commandArgs] =
    options.direct || options.cwd
      ? [process.execPath, ["-r", require.resolve("tsx/cjs"), join(ROOT, "tools", "cli", `${script}.ts`), ...args]]
      : [NPM, script === "start" ? ["start", "--silent", "--", ...args] : ["run", "--silent", "synth", "--", ...args]];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, CI: "true", LOCAL_S3_DIR: TEST_DATA_DIR, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}
