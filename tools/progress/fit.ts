/**
 * Text fitted to a terminal: lines wrapped at spaces (never inside a word) with a hanging indent,
 * colours only where the reader wants them. Shared by the live display and the run summary, so
 * both obey the same width and the same NO_COLOR / CI rules.
 */

/** ANSI SGR and cursor sequences: they take no column. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Columns a line takes: every character we print is one column wide (no CJK, no emoji). */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

/** The last resort for a line that cannot wrap (a live display line): cut with "…". */
export function cutLine(text: string, width: number): string {
  if (text.length <= width) return text;
  return width > 1 ? `${text.slice(0, width - 1)}…` : "";
}

/**
 * Breaks a word longer than a whole line at its last "/", "-", "," or "." that fits (an S3 URI,
 * an ARN), else at the width: a path split after a "/" still reads as a path.
 */
function breakLongWord(word: string, room: number): [string, string] {
  const head = word.slice(0, room);
  const slash = head.lastIndexOf("/");
  const at = slash >= Math.floor(room / 3) ? slash : Math.max(head.lastIndexOf("-"), head.lastIndexOf(","), head.lastIndexOf("."));
  const cut = at >= Math.floor(room / 3) ? at + 1 : room;
  return [word.slice(0, cut), word.slice(cut)];
}

/**
 * One logical line as one or more lines of at most `width` columns: wrapped at spaces, the
 * continuation lines indented by `indent` columns. A line that fits is returned as it is
 * (its own spacing kept, e.g. a table's columns).
 */
export function wrapLine(text: string, width: number, indent = 0): string[] {
  if (!Number.isFinite(width) || text.length <= width) return [text];
  const pad = " ".repeat(Math.min(indent, Math.max(0, width - 10)));
  // A row's label column (text, then spaces, `indent` wide) is kept as it is; the value wraps beside it.
  const labelled = indent > 0 && indent === pad.length && text.length > indent && text[indent - 1] === " " && text[indent] !== " ";
  const lead = labelled ? text.slice(0, indent) : /^ */.exec(text)![0];
  // Words with the spaces before each, so a line keeps its own spacing (a table's columns) where it does not break.
  const tokens = [...text.slice(lead.length).matchAll(/( *)([^ ]+)/g)].map((m) => ({ gap: m[1]!, word: m[2]! }));
  const lines: string[] = [];
  let line = lead;
  let fresh = true;
  for (const token of tokens) {
    let word = token.word;
    const gap = () => (fresh ? "" : token.gap || " ");
    const room = () => width - line.length - gap().length;
    while (word.length > 0) {
      if (word.length <= room()) {
        line += gap() + word;
        fresh = false;
        word = "";
      } else if (!fresh && (word.length <= width - pad.length || room() < 8)) {
        lines.push(line);
        line = pad;
        fresh = true;
      } else {
        // Longer than a whole line: broken where it stands, not pushed to a line of its own.
        const [head, rest] = breakLongWord(word, Math.max(1, room()));
        lines.push(line + gap() + head);
        line = pad;
        fresh = true;
        word = rest;
      }
    }
  }
  if (!fresh || lines.length === 0) lines.push(line);
  return lines;
}

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  /** A status word in the console's colours: SUCCEEDED green, FAILED/TIMED_OUT/ABORTED red, RUNNING cyan. */
  status(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/**
 * Colours when writing to a terminal, unless NO_COLOR is set to anything non-empty
 * (https://no-color.org) or CI is set (logs); plain text otherwise.
 */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  const enabled = stream.isTTY === true && !env["NO_COLOR"] && !isCi(env) && env["TERM"] !== "dumb";
  const id = (t: string) => t;
  const green = enabled ? sgr(32, 39) : id;
  const red = enabled ? sgr(31, 39) : id;
  const cyan = enabled ? sgr(36, 39) : id;
  return {
    green,
    red,
    yellow: enabled ? sgr(33, 39) : id,
    cyan,
    dim: enabled ? sgr(2, 22) : id,
    bold: enabled ? sgr(1, 22) : id,
    status: (t) =>
      /^(SUCCEEDED|PASSED)/.test(t) ? green(t) : /^(FAILED|TIMED_OUT|ABORTED)/.test(t) ? red(t) : /^RUNNING/.test(t) ? cyan(t) : t,
  };
}

/** CI set to anything but "", "false" or "0" (GitHub Actions, GitLab and most runners set CI=true). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env["CI"];
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * Text for a stream, each line wrapped at spaces to the stream's width when it is a terminal
 * (continuation lines indented by `indent`), as it is otherwise (a log keeps its lines whole).
 */
export function fitForStream(text: string, stream: { isTTY?: boolean; columns?: number }, indent = 2): string {
  const columns = stream.isTTY ? stream.columns : undefined;
  const lines = text.replace(/\n$/, "").split("\n");
  return (columns ? lines.flatMap((l) => wrapLine(l, columns - 1, indent)) : lines).join("\n") + "\n";
}
