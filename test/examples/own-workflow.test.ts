/**
 * The package as a user gets it: `npm pack` (which builds), the tarball installed into a scratch
 * project, imported with plain node (no TypeScript runner), its types checked by tsc, and
 * examples/own-workflow run from it under preview-mode Pulumi mocks.
 *
 * The scratch project sits under this repo's .tmp/, so the tarball's dependencies resolve to this
 * repo's node_modules (the same @pulumi/pulumi instance the mocks use); a separate test checks that
 * every package the compiled code requires is declared in package.json.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { packOnce } from "../package/packed";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const SCRATCH = join(ROOT, ".tmp", `package-${process.pid}`);
const PKG = join(SCRATCH, "node_modules", "sfn-distributed-map");

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("the package: npm pack, installed and used as a user would", function () {
  this.timeout(300_000);
  let tarballFiles: string[];

  before(async () => {
    rmSync(SCRATCH, { recursive: true, force: true });
    mkdirSync(PKG, { recursive: true });
    // The one `npm pack` of the run, shared with test/package/.
    const packed = await packOnce();
    tarballFiles = packed.files;
    await run("tar", ["-xzf", packed.tarball, "-C", PKG, "--strip-components=1"]);
  });

  after(() => rmSync(SCRATCH, { recursive: true, force: true }));

  it("this repo's own stack still runs index.ts: package.json `main` is the library, so Pulumi.yaml names the program", () => {
    const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string };
    assert.equal(project.main, "index.ts");
    assert.ok(existsSync(join(ROOT, "index.ts")));
  });

  it("the tarball holds compiled JavaScript and .d.ts, and no TypeScript sources, tests, bench or examples", () => {
    assert.ok(tarballFiles.includes("dist/infra/index.js") && tarballFiles.includes("dist/infra/index.d.ts"));
    assert.ok(tarballFiles.includes("dist/asl/index.js") && tarballFiles.includes("dist/asl/index.d.ts"));
    assert.ok(tarballFiles.includes("dist/testing/index.js") && tarballFiles.includes("dist/testing/index.d.ts"));
    const stray = tarballFiles.filter(
      (f) => /^(test|bench|examples)\//.test(f) || /\.test\./.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts")),
    );
    assert.deepEqual(stray, []);
  });

  it("plain node: the Pulumi-free entries load no @pulumi module (the testing entry runs a Distributed Map); the Pulumi entry exports the components and registers nothing on import", async () => {
    const probe = `
      const asl = require("sfn-distributed-map/asl");
      const pulumiLoaded = () => Object.keys(require.cache).some((k) => k.includes("@pulumi"));
      const out = { aslLoadsPulumi: pulumiLoaded(), aslExports: ["machine", "distributedMap", "validateDefinition", "deriveStateMachinePolicy"].filter((k) => typeof asl[k] !== "function") };
      const m = asl.machine(asl.pass("Hello"));
      out.rendered = m.renderLocal();
      const lib = require("sfn-distributed-map");
      out.libExports = ["StepFunctionsWorkflow", "SecureBucket", "buildWith"].filter((k) => typeof lib[k] !== "function");
      out.buildersOnceInAsl = lib.machine === undefined && lib.distributedMap === undefined;
      out.component = lib.StepFunctionsWorkflow.prototype instanceof require("@pulumi/pulumi").ComponentResource;
      process.stdout.write(JSON.stringify(out));`;
    const testingProbe = `
      const { runWorkflow } = require("sfn-distributed-map/testing");
      const asl = require("sfn-distributed-map/asl");
      const double = asl.lambda("Double", async (n) => n * 2);
      const m = asl.machine(asl.distributedMap("Each", { itemsPath: "$.xs", processor: asl.task("Double", double) }));
      runWorkflow({ machine: m, input: { xs: [1, 2, 3] } }).then((r) => {
        const pulumiLoaded = Object.keys(require.cache).some((k) => k.includes("@pulumi"));
        process.stdout.write(JSON.stringify({ status: r.status, output: r.output, items: r.mapRuns[0].items.succeeded, pulumiLoaded }));
      });`;
    // No tsx anywhere: NODE_OPTIONS cleared, a plain .js probe.
    const { stdout } = await run(process.execPath, ["-e", probe], { cwd: SCRATCH, env: { ...process.env, NODE_OPTIONS: "" } });
    const out = JSON.parse(stdout) as {
      aslLoadsPulumi: boolean;
      aslExports: string[];
      rendered: unknown;
      libExports: string[];
      buildersOnceInAsl: boolean;
      component: boolean;
    };
    assert.equal(out.aslLoadsPulumi, false);
    assert.deepEqual(out.aslExports, []);
    assert.deepEqual(out.rendered, { StartAt: "Hello", States: { Hello: { Type: "Pass", End: true } } });
    assert.deepEqual(out.libExports, []);
    assert.equal(out.buildersOnceInAsl, true, "the builders are exported by /asl only");
    assert.equal(out.component, true);

    const ran = await run(process.execPath, ["-e", testingProbe], { cwd: SCRATCH, env: { ...process.env, NODE_OPTIONS: "" } });
    assert.deepEqual(JSON.parse(ran.stdout), { status: "SUCCEEDED", output: [2, 4, 6], items: 3, pulumiLoaded: false });
  });

  it("every package the code behind the entry points requires is a Node builtin or declared in dependencies/peerDependencies", () => {
    const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      exports: Record<string, string | { default: string }>;
    };
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const missing = new Set<string>();
    // Follow relative requires from each export: the modules a user can load.
    const queue = Object.values(manifest.exports)
      .map((e) => join(PKG, typeof e === "string" ? e : e.default))
      .filter((f) => f.endsWith(".js"));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/require\("([^"]+)"\)/g)) {
        if (spec!.startsWith(".")) {
          const target = join(dirname(file), spec!);
          if (spec!.endsWith(".json")) {
            // A data file (asl/integrations/data/*.json): shipped, and it requires nothing.
            if (!existsSync(target)) missing.add(`${spec} (${relative(PKG, file)})`);
            continue;
          }
          queue.push(existsSync(`${target}.js`) ? `${target}.js` : join(target, "index.js"));
          continue;
        }
        const name = spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!;
        if (!builtinModules.includes(name.replace(/^node:/, "")) && !declared.has(name)) missing.add(`${name} (${relative(PKG, file)})`);
      }
    }
    assert.ok(seen.size > 20, `followed ${seen.size} modules`);
    assert.deepEqual([...missing], []);
  });

  it("examples/own-workflow type-checks against the package's .d.ts and runs under preview mocks: its definition and role policy are known and scoped", async () => {
    for (const f of ["index.ts", "handlers.ts", "handlers.js"]) cpSync(join(ROOT, "examples", "own-workflow", f), join(SCRATCH, f));
    writeFileSync(
      join(SCRATCH, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "node16",
          moduleResolution: "node16",
          target: "ES2022",
          types: ["node"],
          skipLibCheck: true,
        },
        files: ["index.ts"],
      }),
    );
    await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", SCRATCH], { cwd: SCRATCH }).catch(
      (e: { stdout?: string }) => {
        throw new Error(`tsc on the example failed:\n${e.stdout ?? String(e)}`);
      },
    );
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(__dirname, "run-under-mocks.ts"), join(SCRATCH, "index.ts")], {
      cwd: SCRATCH,
      maxBuffer: 64 * 1024 * 1024,
    });
    const resources = JSON.parse(stdout) as Recorded[];
    const one = (type: string) => resources.find((r) => r.type === type)!;
    const sm = one("aws:sfn/stateMachine:StateMachine").inputs as { definition: string; type: string; name: string };
    assert.equal(typeof sm.definition, "string", "definition known at the first preview");
    const def = JSON.parse(sm.definition);
    assert.equal(def.States.ListOrders.Resource, "arn:aws:lambda:us-east-1:123456789012:function:list-orders-e5f6a7b");
    assert.equal(def.States.ScoreEach.ResultWriter.Parameters.Bucket, "orders-a1b2c3d");
    assert.equal(sm.type, "STANDARD");
    const policy = JSON.parse(resources.find((r) => r.name === "score-orders-sfn-policy")!.inputs.policy as string) as {
      Statement: Array<{ Sid: string; Resource: string[] }>;
    };
    const read = policy.Statement.find((s) => s.Sid === "ReadItems")!;
    assert.deepEqual(read.Resource, ["arn:aws:s3:::orders-a1b2c3d/work/*"]);
    assert.ok(resources.some((r) => r.type === "sfn-distributed-map:index:StepFunctionsWorkflow"));
  });
});
