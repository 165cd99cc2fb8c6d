/**
 * The README's program in a project scaffolded as `pulumi new aws-typescript` scaffolds one (its
 * package.json and tsconfig.json verbatim, test/fixtures/pulumi-template/), with only the packed
 * tarball added: plain `tsc --noEmit` passes, and the program loads through the TypeScript step of
 * `pulumi preview` (@pulumi/pulumi's cmd/run: `tsutils` reads tsconfig.json's compilerOptions and
 * registers its vendored ts-node 7 with the project's TypeScript) under preview-mode mocks, with the
 * definition and the role policy known. Also under node16 and bundler resolution.
 *
 * One tarball and one node_modules for every variant (test/package/packed.ts); each variant is a
 * folder beside it with its own package.json, tsconfig.json and index.ts.
 */
import { strict as assert } from "node:assert";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installedProject, ROOT, run } from "./packed";

const TEMPLATE = join(ROOT, "test", "fixtures", "pulumi-template");

interface Variant {
  name: string;
  /** The template folder whose package.json and tsconfig.json are copied. */
  template: "commonjs" | "nodenext";
  /** Changes to the template's compilerOptions (none for the templates themselves). */
  compilerOptions?: Record<string, unknown>;
  /** Whether `pulumi preview`'s ts-node step can run it (bundler resolution emits ES modules, which ts-node's require hook cannot load). */
  load: boolean;
}

const VARIANTS: Variant[] = [
  { name: "pulumi new aws-typescript until March 2026 (commonjs, moduleResolution node)", template: "commonjs", load: true },
  { name: "pulumi new aws-typescript today (nodenext)", template: "nodenext", load: true },
  { name: "node16", template: "commonjs", compilerOptions: { module: "node16", moduleResolution: "node16" }, load: true },
  { name: "bundler", template: "commonjs", compilerOptions: { module: "preserve", moduleResolution: "bundler" }, load: false },
];

/**
 * The docs' program: every TypeScript block of docs/deploying.md's "Your own Pulumi program" whose
 * first line names a file of the project (`// index.ts`, `// workflow.ts`), by file name.
 */
export function readmeProgram(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "docs", "deploying.md"), "utf8");
  const start = readme.indexOf("## Your own Pulumi program");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const files = new Map([...section.matchAll(/```ts[^\n]*\n\/\/ ([\w-]+\.ts)\n([\s\S]*?)```/g)].map((m) => [m[1]!, `// ${m[1]}\n${m[2]}`]));
  assert.ok(files.has("index.ts"), 'docs/deploying.md: no ```ts block starting with // index.ts in "Your own Pulumi program"');
  return files;
}

/**
 * What `pulumi preview` does before it runs a TypeScript program (@pulumi/pulumi cmd/run/run.js,
 * the non-ESM branch), then the program under preview mocks; prints the registered resources.
 */
const PREVIEW = String.raw`
const dir = process.argv[2];
process.chdir(dir);
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ? process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const registered = [];
pulumi.runtime.setMocks(
  {
    // A new stack's first preview: inputs and autonamed names are known, computed ARNs are not.
    newResource: (r) => {
      registered.push({ type: r.type, name: r.name, inputs: r.inputs });
      const autoname = r.type === "aws:s3/bucket:Bucket" ? "bucket" : "name";
      return { id: "", state: { ...r.inputs, [autoname]: r.inputs[autoname] ?? r.name + "-1a2b3c" } };
    },
    call: (c) =>
      c.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "123456789012" }
      : c.token === "aws:index/getRegion:getRegion" ? { region: "eu-west-1", name: "eu-west-1" }
      : { partition: "aws" },
  },
  "orders", "dev", true,
).then(async () => {
  const program = require(require("path").join(dir, "index.ts"));
  const known = {};
  for (const [k, v] of Object.entries(program)) {
    // An unknown Output (an ARN at a first preview) never runs apply(): ask whether it is known first.
    known[k] = !pulumi.Output.isInstance(v) ? v : (await v.isKnown) ? await v.promise() : "<unknown>";
  }
  await new Promise((r) => setTimeout(r, 100));
  process.stdout.write(JSON.stringify({ outputs: known, resources: registered }));
}).catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });
`;

describe("a `pulumi new aws-typescript` project with the packed tarball installed", function () {
  this.timeout(900_000);
  let base: string;

  before(async () => {
    base = await installedProject("sfn-template-", ["@pulumi/pulumi", "@pulumi/aws", "typescript", "@types/node"]);
    writeFileSync(join(base, "preview.js"), PREVIEW);
    for (const v of VARIANTS) {
      const dir = join(base, slug(v));
      mkdirSync(dir);
      cpSync(join(TEMPLATE, v.template, "package.json"), join(dir, "package.json"));
      const tsconfig = readFileSync(join(TEMPLATE, v.template, "tsconfig.json"), "utf8");
      if (v.compilerOptions) {
        const parsed = JSON.parse(tsconfig) as { compilerOptions: Record<string, unknown> };
        Object.assign(parsed.compilerOptions, v.compilerOptions);
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(parsed, null, 4));
      } else writeFileSync(join(dir, "tsconfig.json"), tsconfig); // verbatim
      for (const [file, text] of readmeProgram()) writeFileSync(join(dir, file), text);
    }
  });

  it("the template's tsconfig is as pulumi/templates has it: no esModuleInterop, no skipLibCheck", () => {
    for (const t of ["commonjs", "nodenext"]) {
      const { compilerOptions } = JSON.parse(readFileSync(join(TEMPLATE, t, "tsconfig.json"), "utf8")) as {
        compilerOptions: Record<string, unknown>;
      };
      assert.equal(compilerOptions.strict, true);
      assert.equal(compilerOptions.esModuleInterop, undefined);
      assert.equal(compilerOptions.skipLibCheck, undefined);
    }
  });

  // Every variant's tsc at once: each is a separate process, and the machine's cores are shared.
  let checked: Promise<Map<string, string>> | undefined;
  const tscAll = () =>
    (checked ??= Promise.all(
      VARIANTS.map(async (v) => {
        const tsc = join(base, "node_modules", "typescript", "bin", "tsc");
        const r = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", join(base, slug(v))], {
          cwd: join(base, slug(v)),
          maxBuffer: 16 * 1024 * 1024,
        }).then(
          () => "",
          (e: { stdout?: string }) => e.stdout || String(e),
        );
        return [v.name, r] as const;
      }),
    ).then((results) => new Map(results)));

  for (const v of VARIANTS) {
    it(`${v.name}: plain tsc --noEmit passes`, async () => {
      const errors = (await tscAll()).get(v.name)!;
      assert.equal(errors, "", `tsc errors:\n${errors.split("\n").slice(0, 20).join("\n")}`);
    });
  }

  for (const v of VARIANTS.filter((x) => x.load)) {
    it(`${v.name}: pulumi preview's ts-node step loads the program under preview mocks; definition and policies known`, async () => {
      await tscAll(); // one thing at a time on a shared machine
      // tsc has just checked these files with these options; ts-node's own check is the same one, twice.
      const { stdout } = await run(process.execPath, [join(base, "preview.js"), join(base, slug(v))], {
        cwd: base,
        env: { ...process.env, NODE_OPTIONS: "", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        maxBuffer: 64 * 1024 * 1024,
      }).catch((e: { stderr?: string }) => {
        throw new Error(`the program did not load:\n${e.stderr ?? String(e)}`);
      });
      const { outputs, resources } = JSON.parse(stdout) as {
        outputs: Record<string, unknown>;
        resources: Array<{ type: string; name: string; inputs: Record<string, unknown> }>;
      };
      const definition = JSON.parse(outputs.definition as string) as {
        States: Record<string, { ItemProcessor?: { ProcessorConfig: { Mode: string } } }>;
      };
      assert.equal(definition.States.ScoreEach!.ItemProcessor!.ProcessorConfig.Mode, "DISTRIBUTED");
      const policy = JSON.parse(outputs.rolePolicy as string) as { Statement: Array<{ Sid: string; Resource: string[] }> };
      assert.deepEqual(policy.Statement.find((s) => s.Sid === "ReadItems")!.Resource, ["arn:aws:s3:::orders-1a2b3c/work/*"]);
      const machine = resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine")!;
      assert.equal(machine.inputs.definition, outputs.definition, "the state machine received the definition at the first preview");
    });
  }
});

function slug(v: Variant): string {
  return v.name
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}
