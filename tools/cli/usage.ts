/**
 * Usage errors as one line, the way git and the Pulumi CLI print them: what was wrong, the nearest
 * known flag or name when it is a likely typo, and where the full usage is. The usage text itself
 * is printed by `--help` only, never after an error (it scrolled the error off the screen).
 */

/** Bad usage or bad config: the CLI prints the message on stderr and exits 2. One class for every command. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    /** Whether the usage text helps: not for a handlers mismatch, which names its own fix. */
    readonly showUsage = true,
  ) {
    super(message);
  }
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions): "--wokrflow" is one
 * edit from "--workflow", as a person counts typos.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The candidate nearest to `word`, when it is near enough to be a typo of it: at most a third of
 * the word's letters changed (and at least one allowed), ties going to the first candidate; a
 * candidate that starts what was typed, or is started by it, counts as near too.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(w, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (best && best.distance > 0 && best.distance <= Math.max(1, Math.floor(w.replace(/^-+/, "").length / 3))) return best.name;
  // An abbreviation (--work) or a word run on (--outdir): one candidate it starts, or that starts it.
  const bare = (t: string) => t.replace(/^-+/, "");
  const related = candidates.filter((c) => {
    const [a, b] = [bare(w), bare(c.toLowerCase())];
    return Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a));
  });
  return related.length === 1 ? related[0] : undefined;
}

export interface UsageContext {
  /** How the command is run, e.g. `npm start` or `npm run exec`: the line's prefix. */
  program: string;
  /** How to ask for the full usage, e.g. `npm start -- --help`. */
  help: string;
}

/**
 * node:util parseArgs's message, reworded for a person: the flag it names, a "did you mean" for
 * an unknown one. parseArgs's wording: "Unknown option '--foo'. To specify a positional argument
 * starting with a '-', place it at the end of the command after '--', as in '-- \"--foo\"",
 * "Option '--input <value>' argument missing", "Option '--json' does not take an argument".
 */
export function parseArgsMessage(message: string, flags: readonly string[]): string {
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (unknown) {
    const flag = unknown[1]!;
    const near = didYouMean(
      flag.replace(/=.*$/, ""),
      flags.map((f) => `--${f}`),
    );
    return `unknown option ${flag}${near ? `; did you mean ${near}?` : ""}`;
  }
  const missing = /^Option '(-{1,2}[^' ]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const noArg = /^Option '(-{1,2}[^' ]+)[^']*' does not take an argument/.exec(message);
  if (noArg) return `${noArg[1]} takes no value`;
  return message.replace(/\. To specify a positional argument.*$/s, "");
}

/** `npm start: unknown option --wokflow; did you mean --workflow? (npm start -- --help for usage)`, on one line. */
export function usageLine(context: UsageContext, message: string): string {
  const oneLine = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("; ");
  return `${context.program}: ${oneLine} (${context.help} for usage)`;
}
