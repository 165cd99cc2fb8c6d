/**
 * `npm start -- [--stack dev] [--workflow NAME] [--input JSON] [--inline] [--json] [--objects N]`
 *
 * Runs a workflow of the stack locally, end to end (see local/runner/run.ts), with a live Map Run
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
import { createProgressDisplay, progressModeFor } from "../progress";
import { parseStartArgs, START_USAGE, UsageError } from "./args";
import { formatSummary } from "./summary";

export async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseStartArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`npm start: ${e.message}\n\n${START_USAGE}\n`);
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
  }

  const controller = new AbortController();
  let interrupted = false;
  let interruptedAt = 0;
  let exitCode = 130;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice: from the terminal (to the whole process group) and relayed by a
    // parent launcher (tsx, npm). Only a second press, later, forces the exit.
    if (interrupted && Date.now() - interruptedAt < 750) return;
    if (interrupted) {
      process.stderr.write(`\n${signal} again: exiting now.\n`);
      process.exit(exitCode);
    }
    interrupted = true;
    exitCode = signal === "SIGTERM" ? 143 : 130;
    interruptedAt = Date.now();
    process.stderr.write(`\n${signal}: stopping the execution, the embedded S3 and removing this run's data (press Ctrl-C again to force)...\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // Loaded after the flags are checked, so bad usage is reported without loading the engine and the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load works under every TS loader (tsx CLI, node -r tsx/cjs).
  const { runLocal } = require("../runner/run") as typeof import("../runner/run");
  const progress = createProgressDisplay({ mode: flags.json ? "off" : progressModeFor(process.stderr) });
  // --ui: the local console, open before the run so the page follows it live (local/console).
  const ui = flags.ui || flags["ui-port"] !== undefined ? await (require("../console") as typeof import("../console")).openRunConsole({ port: flags["ui-port"], log: (line) => process.stderr.write(line + "\n") }) : undefined;
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
      process.stderr.write(`Interrupted: the execution was stopped (ABORTED); nothing of this run was kept.\n`);
      if (flags.json) process.stdout.write(JSON.stringify(summary) + "\n");
      return exitCode;
    }
    process.stdout.write(flags.json ? JSON.stringify(summary) + "\n" : formatSummary(summary));
    // --ui: serves until Ctrl-C/SIGTERM; the exit status is the execution's last (a redrive may have changed it).
    const status = ui ? await ui.serveUntil(controller.signal) : summary.status;
    return status === "SUCCEEDED" ? 0 : 1;
  } catch (e) {
    progress.stop();
    if (interrupted) {
      process.stderr.write(`Interrupted: stopped before the execution finished; nothing of this run was kept.\n`);
      return exitCode;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`npm start: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InvalidDefinitionError) {
      // The stack's settings produced a definition AWS would reject: a config problem.
      process.stderr.write(`npm start: the stack's configuration builds an invalid workflow.\n${e.message}\n`);
      return 2;
    }
    // No stack trace for the user: the error's name and message say what failed and why.
    process.stderr.write(`npm start: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
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
      process.stderr.write(`npm start: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      process.exit(1);
    },
  );
}
