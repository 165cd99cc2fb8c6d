/**
 * `npm start -- [--stack dev] [--workflow NAME] [--input JSON] [--inline] [--json] [--objects N]`
 *
 * Runs a workflow of the stack locally, end to end (see tools/runner/run.ts), with a live Map Run
 * display on stderr and the summary on stdout. Exit status: 0 the execution succeeded, 1 it failed,
 * 2 bad usage or bad config, 130 interrupted by SIGINT (Ctrl-C), 143 stopped by SIGTERM (128 + the
 * signal's number, as a shell reports a process the signal ended).
 *
 * The npm script is `exec node ...`: npm runs scripts through `sh -c` and forwards SIGINT/SIGTERM
 * to that shell only (@npmcli/run-script signal-manager.js); dash does not exec the last command,
 * so without `exec` the shell dies and node runs on, orphaned. With it, node is npm's child and
 * gets the signal.
 */
import { InvalidDefinitionError } from "../../asl/diagnostics";
import { createProgressDisplay, fitForStream, paletteFor, progressModeFor } from "../progress";
import { parseStartArgs, START_USAGE, UsageError } from "./args";
import { formatSummary } from "./summary";
import { usageLine, type UsageContext } from "./usage";

const USAGE_CONTEXT: UsageContext = { program: "npm start", help: "npm start -- --help" };

/**
 * The SDK's retry middleware warns on the console when a streaming request (an upload) fails
 * (@smithy/core retryMiddleware: "An error was encountered in a non-retryable streaming request."),
 * then throws the error, which the run reports. On Ctrl-C every upload in flight fails that way:
 * the warnings say nothing the run does not, and would land in the middle of the display.
 */
function dropSdkStreamingWarnings(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("non-retryable streaming request")) return;
    warn(...args);
  };
}

/**
 * npm prints its banner ("> sfn-distributed-map@0.2.0 start") on stdout before the script runs,
 * so `npm start -- --json | jq` reads the banner first. `npm start -s` (--silent) leaves it out,
 * and npm then passes loglevel "silent" to the script: anything else gets a hint on stderr.
 */
function npmBannerHint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env["npm_lifecycle_event"] !== "start" || env["npm_config_loglevel"] === "silent") return undefined;
  return "npm start: npm printed its banner on stdout before this JSON; run `npm start -s -- --json` for JSON alone";
}

/** Everything start.ts says on stderr, wrapped at spaces to the terminal's width when it is one. */
const say = (text: string) => process.stderr.write(fitForStream(text, process.stderr));

export async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseStartArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      say(usageLine(USAGE_CONTEXT, e.message));
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(START_USAGE + "\n");
    return 0;
  }
  // --json: stdout carries the summary object and nothing else, whatever a handler logs.
  if (flags.json) {
    console.log = console.info = (...args: unknown[]) => console.error(...args);
    const hint = process.stdout.isTTY ? undefined : npmBannerHint();
    if (hint) say(hint);
  }
  dropSdkStreamingWarnings();
  const progress = createProgressDisplay({ mode: flags.json ? "off" : progressModeFor(process.stderr) });

  const controller = new AbortController();
  let interrupted = false;
  let interruptedAt = 0;
  let exitCode = 130;
  // Set once the summary is printed: a signal then only closes the --ui console.
  let runFinished = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (runFinished && !interrupted) {
      interrupted = true;
      interruptedAt = Date.now();
      say(`${signal}: closing the console`);
      controller.abort(new Error(`interrupted by ${signal}`));
      return;
    }
    // One Ctrl-C can arrive twice: from the terminal (to the whole process group) and relayed by a
    // parent launcher (tsx, npm). Only a second press, later, forces the exit.
    if (interrupted && Date.now() - interruptedAt < 750) return;
    if (interrupted) {
      progress.stop();
      say(`${signal} again: exiting now; the next npm start removes what this run left.`);
      process.exit(exitCode);
    }
    interrupted = true;
    exitCode = signal === "SIGTERM" ? 143 : 130;
    interruptedAt = Date.now();
    // On a terminal this is the display's step line (erased at the end); in a log, a line.
    progress.interrupt(`${signal}: stopping the execution and the S3 server; Ctrl-C again forces`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // Loaded after the flags are checked, so bad usage is reported without loading the engine and the SDK.
  // The load takes a second or more on a busy machine: the display says so first.
  progress.phase("Loading the engine and the AWS SDK");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load works under every TS loader (tsx CLI, node -r tsx/cjs).
  const { runLocal } = require("../runner/run") as typeof import("../runner/run");
  // --ui: the local console, open before the run so the page follows it live (tools/console).
  const ui =
    flags.ui || flags["ui-port"] !== undefined
      ? await (require("../console") as typeof import("../console")).openRunConsole({ port: flags["ui-port"], log: (line) => say(line) })
      : undefined;
  try {
    const summary = await runLocal({
      stack: flags.stack,
      workflow: flags.workflow,
      input: flags.input,
      variant: flags.variant ?? (flags.inline ? "inline" : undefined),
      objects: flags.objects,
      whatIf: flags["what-if"],
      progress,
      signal: controller.signal,
      ...(ui ? { observer: ui.observer, holdServers: ui.holdServers } : {}),
    });
    if (interrupted || summary.status === "ABORTED") {
      say("Interrupted: the execution was stopped (ABORTED); nothing of this run was kept.");
      if (flags.json) process.stdout.write(JSON.stringify(summary) + "\n");
      return exitCode;
    }
    const stdout = process.stdout;
    process.stdout.write(
      flags.json
        ? JSON.stringify(summary) + "\n"
        : formatSummary(summary, { width: stdout.isTTY ? stdout.columns : undefined, palette: paletteFor(stdout) }),
    );
    // --ui: serves until Ctrl-C/SIGTERM; the exit status is the execution's last (a redrive may have changed it).
    runFinished = true;
    const status = ui ? await ui.serveUntil(controller.signal) : summary.status;
    return status === "SUCCEEDED" ? 0 : 1;
  } catch (e) {
    progress.stop();
    if (interrupted) {
      say("Interrupted before the execution finished; nothing of this run was kept.");
      return exitCode;
    }
    if (e instanceof UsageError) {
      say(`npm start: ${e.message}`);
      return 2;
    }
    if (e instanceof InvalidDefinitionError) {
      // The stack's settings produced a definition AWS would reject: a config problem.
      say(`npm start: the stack's configuration builds an invalid workflow.\n${e.message}`);
      return 2;
    }
    // No stack trace for the user: the error's name and message say what failed and why.
    say(`npm start: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return 1;
  } finally {
    await ui?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Everything was stopped; if a stray handle (a keep-alive socket) lingers, do not hang the shell.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (e) => {
      say(`npm start: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      process.exit(1);
    },
  );
}
