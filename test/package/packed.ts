/**
 * The package as a user gets it, made once per mocha process: `npm pack` (which runs the build), and
 * project folders that have only the tarball installed.
 *
 * "Installed" without the network: the tarball is unpacked into `node_modules/sfn-distributed-map`
 * as npm would place it, and each of its dependencies (and whatever else the project declares, such
 * as `@pulumi/pulumi` or `typescript`) is a link to this repository's installed copy. The folder is
 * under the system's temporary folder, outside this repository, so nothing else resolves: no tsx,
 * no ts-node, no TypeScript unless asked for.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "../support/temp-dirs";

export const run = promisify(execFile);
export const ROOT = join(__dirname, "..", "..");

export interface Packed {
  /** The .tgz file. */
  tarball: string;
  /** The paths inside it, as `npm pack --json` lists them. */
  files: string[];
  /** The package's package.json, as shipped. */
  manifest: { name: string; version: string; bin?: Record<string, string>; dependencies: Record<string, string>; files: string[] };
}

let packing: Promise<Packed> | undefined;

/** `npm pack` of this repository, once for every test file of the run. */
export function packOnce(): Promise<Packed> {
  packing ??= (async () => {
    // While working on these tests: a tarball made already (`npm pack`), so each run skips the build.
    const given = process.env.SFN_TEST_TARBALL;
    if (given) {
      const { stdout } = await run("tar", ["-tzf", given], { maxBuffer: 64 * 1024 * 1024 });
      const files = stdout
        .split("\n")
        .filter((f) => f && !f.endsWith("/"))
        .map((f) => f.replace(/^package\//, ""));
      const manifest = JSON.parse((await run("tar", ["-xzOf", given, "package/package.json"])).stdout) as Packed["manifest"];
      return { tarball: given, files, manifest };
    }
    const dest = tempDir("sfn-pack-");
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dest], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = join(dest, packed!.filename);
    return {
      tarball,
      files: packed!.files.map((f) => f.path),
      manifest: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Packed["manifest"],
    };
  })();
  return packing;
}

/**
 * A project folder with the tarball installed, plus `alsoInstalled` (package names linked from this
 * repository's node_modules). Returns the folder; `node_modules/.bin` holds the package's bin links.
 */
export async function installedProject(prefix: string, alsoInstalled: readonly string[] = []): Promise<string> {
  const { tarball, manifest } = await packOnce();
  const dir = tempDir(prefix);
  const pkg = join(dir, "node_modules", manifest.name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-project", version: "1.0.0", private: true }, null, 2) + "\n");
  await run("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
  for (const name of [...Object.keys(manifest.dependencies), ...alsoInstalled]) {
    const link = join(dir, "node_modules", name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), link, "dir");
  }
  // What npm does for `bin`: a link in node_modules/.bin (the file's shebang runs it with node).
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  for (const [command, file] of Object.entries(manifest.bin ?? {})) {
    chmodSync(join(pkg, file), 0o755);
    symlinkSync(join("..", manifest.name, file), join(dir, "node_modules", ".bin", command));
  }
  return dir;
}
