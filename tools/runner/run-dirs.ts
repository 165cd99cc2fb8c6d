/**
 * The folders a local run keeps its data in, and the only code that deletes any of them.
 *
 *   <run root>/                 `.local-s3` of the project, `$LOCAL_S3_DIR`, or RunRequest.dataRoot
 *     .sfn-local-root           written when this tool first uses the folder
 *     <stack>/                  one per stack (its name checked as one path segment, config/names.ts)
 *       .sfn-local-stack
 *       local-<time>-<id>/      one per run
 *         IN_PROGRESS           while the run lasts: the pid (and start time) of the process running it
 *         .sfn-local-run        the run's marker, naming this folder; written at creation
 *         s3/                   the embedded S3's data
 *
 * A local tool runs next to people's own files: it deletes a folder only when it is a real folder
 * (not a link) directly under a stack folder, its name is a run name, and it holds a marker naming
 * it, written by this module when it created that folder. Anything else is left where it is. A run
 * root given by the user (`LOCAL_S3_DIR`, `dataRoot`) must be new, empty, or a run root this tool
 * made and holding nothing else: a folder with other files in it is refused with a clear error,
 * before anything is written.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isPathSegment } from "../../config/names";
import { UsageError } from "../cli/args";

const TOOL = "sfn-distributed-map local run";
const ROOT_MARKER = ".sfn-local-root";
const STACK_MARKER = ".sfn-local-stack";
const RUN_MARKER = ".sfn-local-run";
/** A stack folder being made (see ensureStackDir). */
const TEMP_PREFIX = ".sfn-local-new-";
/** Marks a run in progress: holds the pid of the process that runs it (and that process's start time). */
const IN_PROGRESS = "IN_PROGRESS";
/** The names runner/run.ts gives runs: `local-YYYYMMDDTHHMMSS-xxxxxxxx`. */
const RUN_NAME = /^local-\d{8}T\d{6}-[0-9a-f]{8}$/;
/** Markers are a few dozen bytes; one larger than this is not ours. */
const MARKER_MAX_BYTES = 1024;

interface Marker {
  tool: string;
  kind: "root" | "stack" | "run";
  name: string;
}

function markerText(kind: Marker["kind"], dir: string): string {
  return JSON.stringify({ tool: TOOL, kind, name: basename(dir) } satisfies Marker) + "\n";
}

/**
 * A small regular file's text, or undefined: not there, a link, a FIFO or a device (O_NOFOLLOW |
 * O_NONBLOCK, then fstat), or larger than MARKER_MAX_BYTES.
 */
function readSmallFile(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MARKER_MAX_BYTES) return undefined;
    const buffer = Buffer.alloc(MARKER_MAX_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, MARKER_MAX_BYTES, 0)).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether `dir` holds this tool's marker of `kind` naming `dir` itself. */
function hasMarker(dir: string, kind: Marker["kind"], file: string): boolean {
  const text = readSmallFile(join(dir, file));
  if (text === undefined) return false;
  try {
    const marker = JSON.parse(text) as Partial<Marker>;
    return marker.tool === TOOL && marker.kind === kind && marker.name === basename(dir);
  } catch {
    return false;
  }
}

/** A real folder (not a link to one), or undefined when the path does not exist. */
async function folderAt(path: string): Promise<"folder" | "other" | undefined> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  return st === undefined ? undefined : st.isDirectory() ? "folder" : "other";
}

/**
 * Makes sure `root` can hold run data: creates and marks it when new or empty. `userGiven`: the
 * user chose it (LOCAL_S3_DIR, dataRoot), so it must hold nothing but this tool's own folders.
 * The project's default `.local-s3` is this tool's by name: data an older version left there
 * without markers is kept (never pruned), not refused.
 */
export async function prepareRunRoot(root: string, userGiven: boolean, what: string): Promise<void> {
  const kind = await folderAt(root);
  if (kind === "other") throw new UsageError(`${what} (${root}) is not a folder`);
  if (kind === undefined) await mkdir(root, { recursive: true });
  const entries = await readdir(root);
  if (userGiven) {
    const foreign: string[] = [];
    for (const entry of entries) {
      if (entry === ROOT_MARKER || entry.startsWith(TEMP_PREFIX)) continue;
      const path = join(root, entry);
      if ((await folderAt(path)) !== "folder" || !hasMarker(path, "stack", STACK_MARKER)) foreign.push(entry);
    }
    if (foreign.length > 0) throw new UsageError(refusal(root, what, foreign.slice(0, 3)));
  }
  if (!hasMarker(root, "root", ROOT_MARKER)) {
    // Written aside and renamed into place: a run starting at the same moment reads all of it or none.
    const temp = join(root, `${TEMP_PREFIX}${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(temp, markerText("root", root), { flag: "wx" });
    await rename(temp, join(root, ROOT_MARKER));
  }
}

function refusal(root: string, what: string, examples: string[]): string {
  return (
    `${what} (${root}) holds files this tool did not create (${examples.map((e) => JSON.stringify(e)).join(", ")}${examples.length === 3 ? ", ..." : ""}). ` +
    `Runs prune old run data in that folder, so it must be new, empty, or used only for run data: point ${what} to a new folder.`
  );
}

/** The start time of process `pid` (clock ticks since boot, Linux /proc), or undefined where unknown. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime); fields after the ")" that ends the command name (which may hold spaces).
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * The stack's folder, marked. A new one is made under a temporary name and renamed into place with
 * its marker inside, so a run starting at the same moment never sees an unmarked stack folder.
 */
async function ensureStackDir(stackDir: string): Promise<void> {
  const kind = await folderAt(stackDir);
  if (kind === "other") throw new UsageError(`${stackDir} is not a folder`);
  if (kind === undefined) {
    const temp = await mkdtemp(join(dirname(stackDir), TEMP_PREFIX));
    await writeFile(join(temp, STACK_MARKER), markerText("stack", stackDir));
    try {
      await rename(temp, stackDir);
    } catch (e) {
      // Another run made it first (EEXIST/ENOTEMPTY): use theirs.
      await rm(temp, { recursive: true, force: true });
      if ((await folderAt(stackDir)) !== "folder") throw e;
    }
  }
  if (!hasMarker(stackDir, "stack", STACK_MARKER)) await writeFile(join(stackDir, STACK_MARKER), markerText("stack", stackDir));
}

/**
 * Creates the run's folder under `stackDir` (and `stackDir`, marked, if new): the folder must not
 * exist yet; IN_PROGRESS first, then the run's marker, so a pruner running at the same moment either
 * does not see a run yet or sees one in progress.
 */
export async function createRunDir(stackDir: string, runName: string): Promise<string> {
  if (!RUN_NAME.test(runName)) throw new Error(`not a run name: ${runName}`);
  await ensureStackDir(stackDir);
  const runDir = join(stackDir, runName);
  await mkdir(runDir);
  await writeFile(join(runDir, IN_PROGRESS), JSON.stringify({ pid: process.pid, start: processStartTime(process.pid) }), { flag: "wx" });
  await writeFile(join(runDir, RUN_MARKER), markerText("run", runDir), { flag: "wx" });
  return runDir;
}

/** Whether `dir` is a run folder this tool made: a real folder, a run name, its marker naming it. */
async function isOwnRun(dir: string): Promise<boolean> {
  return RUN_NAME.test(basename(dir)) && (await folderAt(dir)) === "folder" && hasMarker(dir, "run", RUN_MARKER);
}

/** Removes a run folder this tool made; anything else is left alone (and reported false). */
export async function removeRunDir(runDir: string): Promise<boolean> {
  if (!(await isOwnRun(runDir))) return false;
  await rm(runDir, { recursive: true, force: true });
  return true;
}

/** Marks a run finished: its data is kept (until pruned). */
export async function finishRunDir(runDir: string): Promise<void> {
  if (await isOwnRun(runDir)) await rm(join(runDir, IN_PROGRESS), { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the process an IN_PROGRESS marker names still runs that run: alive, and (where the OS
 * says) started when the marker says; a pid reused by another process later does not count.
 */
function runnerAlive(text: string): boolean {
  let pid: number;
  let start: string | undefined;
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; start?: unknown };
    pid = Number(parsed.pid);
    start = typeof parsed.start === "string" ? parsed.start : undefined;
  } catch {
    pid = Number(text); // written by an older version: the pid alone
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return false;
  const now = start === undefined ? undefined : processStartTime(pid);
  return start === undefined || now === undefined || now === start;
}

/**
 * Keeps the newest `keep` finished runs of a stack, and removes every run whose process died
 * mid-way (killed, crashed): a run's data is either complete or gone. Only this tool's marked run
 * folders directly under `stackDir` are considered; anything else there is never touched.
 */
export async function pruneOldRuns(stackDir: string, keep: number): Promise<void> {
  if ((await folderAt(stackDir).catch(() => undefined)) !== "folder" || !hasMarker(stackDir, "stack", STACK_MARKER)) return;
  const entries = await readdir(stackDir).catch(() => [] as string[]);
  const runs = (
    await Promise.all(
      entries.map(async (e) => {
        const dir = join(stackDir, e);
        if (!(await isOwnRun(dir))) return undefined;
        const marker = readSmallFile(join(dir, IN_PROGRESS));
        const t = (await lstat(dir).catch(() => undefined))?.mtimeMs ?? 0;
        return { dir, inProgress: marker !== undefined, alive: marker !== undefined && runnerAlive(marker), t };
      }),
    )
  ).filter((r) => r !== undefined);
  const orphans = runs.filter((r) => r.inProgress && !r.alive);
  const finished = runs.filter((r) => !r.inProgress).sort((a, b) => b.t - a.t);
  await Promise.all([...orphans, ...finished.slice(keep)].map(({ dir }) => removeRunDir(dir)));
}

/** The folder of `stack`'s runs under `root`; the stack name is checked as one path segment. */
export function stackDirOf(root: string, stack: string): string {
  if (!isPathSegment(stack)) throw new UsageError(`stack name "${stack}" cannot name a folder`);
  return join(root, stack);
}
