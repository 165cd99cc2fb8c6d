#!/usr/bin/env node
/**
 * `sfn-local`: the package's command line (package.json `bin`), and what this repository's npm
 * scripts run. One dispatcher over the command modules; each is loaded only when it runs, so
 * `sfn-local validate` does not pay for the engine, the S3 server or the graph layout.
 *
 *   sfn-local validate [--json] FILE...
 *   sfn-local exec DEF.json|MODULE [...]
 *   sfn-local iam DEF.json|MODULE [--dynamic s3://BUCKET/PREFIX]...
 *   sfn-local graph DEF.json|MODULE --out DIR
 *
 * Exit status: each command's own; 2 for an unknown command or bad usage.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const PROGRAM = "sfn-local";

interface Command {
  summary: string;
  /** Listed by --help (a repository-only command is not). */
  listed: boolean;
  run(argv: string[]): Promise<number> | void;
}

/**
 * A command module that runs itself on import, reading process.argv (validate, exec): its
 * arguments are put where it reads them, then it is loaded.
 */
const selfRunning = (load: () => unknown) => (argv: string[]) => {
  process.argv = [process.argv[0]!, process.argv[1]!, ...argv];
  load();
};

const COMMANDS: Record<string, Command> = {
  validate: { summary: "validate ASL JSON files (exit 1 if any is invalid)", listed: true, run: selfRunning(() => require("./validate")) },
  exec: {
    summary: "run a definition or builder module locally, end to end, with the embedded S3 it needs",
    listed: true,
    run: selfRunning(() => require("./exec")),
  },
  iam: {
    summary: "print the state machine role's policy derived from a definition or module",
    listed: true,
    run: async (argv) => (await import("./iam")).main(argv),
  },
  graph: {
    summary: "draw a definition or module as Mermaid and SVG",
    listed: true,
    run: async (argv) => (await import("./graph")).main(argv),
  },
  // This repository's catalog (npm run synth): ASL, policy and graph of every workflow of a stack.
  synth: {
    summary: "this repository's catalog: ASL, policies and graphs",
    listed: false,
    run: async (argv) => (await import("./synth")).main(argv),
  },
};

/** The package's version, from the package.json above this file (source or dist). */
export function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "sfn-distributed-map") return pkg.version ?? "unknown";
    } catch {
      /* not here */
    }
  }
  return "unknown";
}

export const HELP = `usage: ${PROGRAM} <command> [options]     (${PROGRAM} <command> --help for a command's options)

Commands:
${Object.entries(COMMANDS)
  .filter(([, c]) => c.listed)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join("\n")}

  --version  print the version
  --help     print this help`;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function suggest(word: string): string | undefined {
  const [best] = Object.keys(COMMANDS)
    .filter((c) => COMMANDS[c]!.listed)
    .map((c) => [c, c.startsWith(word) ? 0 : distance(word, c)] as const)
    .sort((x, y) => x[1] - y[1]);
  return best && best[1] <= Math.max(2, Math.floor(word.length / 2)) ? best[0] : undefined;
}

async function main(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    (first === undefined ? process.stderr : process.stdout).write(HELP + "\n");
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v") {
    process.stdout.write(packageVersion() + "\n");
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    const near = suggest(first.replace(/^-+/, ""));
    process.stderr.write(
      `${PROGRAM}: unknown ${first.startsWith("-") ? "option" : "command"} '${first}'${near ? `; did you mean '${near}'?` : ""} (${PROGRAM} --help lists the commands)\n`,
    );
    return 2;
  }
  const code = await command.run(rest);
  return typeof code === "number" ? code : undefined;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${PROGRAM}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
