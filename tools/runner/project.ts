import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The project folder: the nearest folder from `start` up that holds Pulumi.yaml (as the Pulumi CLI finds it), else this repository. */
export function findProjectDir(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, "..", "..");
    dir = parent;
  }
}
