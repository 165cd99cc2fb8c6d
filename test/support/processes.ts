/** The processes a test started, as `ps` sees them: for tests that check a signal left nothing running. */
import { execFileSync } from "node:child_process";

/** Every process below `pid` (children, their children, ...). */
export function descendants(pid: number): number[] {
  let listed = "";
  try {
    listed = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    // ps exits 1 when there are none
  }
  const children = listed
    .split("\n")
    .map(Number)
    .filter((n) => n > 0);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** Whether `pid` still runs: it exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^Z/.test(execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim());
  } catch {
    return false;
  }
}
