/**
 * The package's command line as a user runs it: `npx sfn-local ...` in a project that has only the
 * packed tarball installed (no tsx, no ts-node, no TypeScript, no checkout), plain node.
 */
import { strict as assert } from "node:assert";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { installedProject, packOnce, ROOT, run } from "./packed";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe("the tarball's bin (sfn-local), in a project with only the tarball installed", function () {
  this.timeout(600_000);
  let dir: string;

  const sfn = async (...args: string[]): Promise<Ran> => {
    const bin = join(dir, "node_modules", ".bin", "sfn-local");
    // The bin link runs by its shebang (#!/usr/bin/env node): this node first on PATH, nothing preloaded.
    const env = { ...process.env, NODE_OPTIONS: "", PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
    return run(bin, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: typeof e.code === "number" ? e.code : -1,
        stdout: e.stdout ?? "",
        stderr: e.stderr ?? "",
      }),
    );
  };

  before(async () => {
    dir = await installedProject("sfn-bin-");
    cpSync(join(ROOT, "examples", "exec", "csv-map.asl.json"), join(dir, "csv-map.asl.json"));
    cpSync(join(ROOT, "examples", "exec", "rows.csv"), join(dir, "rows.csv"));
    // The README's handlers, as JavaScript: this project has no TypeScript runner.
    writeFileSync(
      join(dir, "handlers.js"),
      `exports.Double = async (row) => {
  const qty = Number(row.qty);
  if (!Number.isFinite(qty)) throw Object.assign(new Error("qty is not a number: " + JSON.stringify(row.qty)), { name: "BadRow" });
  return { name: row.name, qty: qty * 2 };
};\n`,
    );
    writeFileSync(
      join(dir, "workflow.js"),
      `const { distributedMap, lambda, machine, path, s3CsvReader, s3ResultWriter, task } = require("sfn-distributed-map/asl");
const { Double } = require("./handlers");
exports.doubleRows = machine(distributedMap("Rows", {
  reader: s3CsvReader({ bucket: "my-data", key: path("$.key") }),
  childExecution: "EXPRESS",
  toleratedFailurePercentage: 50,
  resultWriter: s3ResultWriter({ bucket: "my-results", prefix: "doubled" }),
  processor: task("Double", lambda("Double", Double)),
}));\n`,
    );
    writeFileSync(
      join(dir, "workflow.ts"),
      readFileSync(join(dir, "workflow.js"), "utf8").replace(
        "const { Double }",
        "const { Double }: { Double: (row: unknown) => Promise<unknown> }",
      ),
    );
  });

  it("package.json names the bin, and the tarball holds it", async () => {
    const { manifest, files } = await packOnce();
    assert.deepEqual(manifest.bin, { "sfn-local": "dist/tools/cli/main.js" });
    assert.ok(files.includes("dist/tools/cli/main.js"));
    assert.ok(
      !existsSync(join(dir, "node_modules", "tsx")) &&
        !existsSync(join(dir, "node_modules", "ts-node")) &&
        !existsSync(join(dir, "node_modules", "typescript")),
    );
  });

  it("--help lists the commands; --version prints the package's; each command has --help", async () => {
    const help = await sfn("--help");
    assert.equal(help.code, 0, help.stderr);
    for (const c of ["validate", "exec", "iam", "graph"]) assert.match(help.stdout, new RegExp(`^  ${c} `, "m"));
    assert.equal((await sfn("--version")).stdout.trim(), (await packOnce()).manifest.version);
    for (const c of ["validate", "exec", "iam", "graph"]) {
      const r = await sfn(c, "--help");
      assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: sfn-local ${c} `));
    }
  });

  it("an unknown command is one line on stderr with a suggestion, exit 2", async () => {
    const r = await sfn("valdate", "x.json");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "sfn-local: unknown command 'valdate'; did you mean 'validate'? (sfn-local --help lists the commands)\n");
  });

  it("validate: a valid file exits 0, a broken one 1 with the diagnostic", async () => {
    const ok = await sfn("validate", "csv-map.asl.json");
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "csv-map.asl.json: OK\n");
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ StartAt: "Nope", States: { A: { Type: "Pass", End: true } } }));
    const bad = await sfn("validate", "--json", "broken.json");
    assert.equal(bad.code, 1);
    assert.equal((JSON.parse(bad.stdout) as Array<{ valid: boolean }>)[0]!.valid, false);
  });

  it("exec --put runs the CSV Distributed Map on the embedded S3 with JavaScript handlers, and downloads the results", async () => {
    const r = await sfn(
      "exec",
      "csv-map.asl.json",
      "--handlers",
      "handlers.js",
      "--put",
      "s3://my-data/rows.csv=rows.csv",
      "--input",
      '{"key": "rows.csv"}',
      "--out",
      "out",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { status: string; output: { ResultWriterDetails: { Bucket: string; Key: string } } };
    assert.equal(summary.status, "SUCCEEDED");
    assert.ok(existsSync(join(dir, "out", "my-results", summary.output.ResultWriterDetails.Key)), "manifest.json downloaded");
  });

  it("exec of a JavaScript builder module runs its own handlers", async () => {
    const r = await sfn("exec", "workflow.js", "--put", "s3://my-data/rows.csv=rows.csv", "--input", '{"key": "rows.csv"}', "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, "SUCCEEDED");
  });

  it("iam prints the derived policy; an undeclared run-time location is exit 1 naming --dynamic", async () => {
    const missing = await sfn("iam", "csv-map.asl.json");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--dynamic s3:\/\/BUCKET\/PREFIX/);
    const r = await sfn("iam", "workflow.js", "--dynamic", "s3://my-data/", "--account", "111122223333");
    assert.equal(r.code, 0, r.stderr);
    const policy = JSON.parse(r.stdout) as { Statement: Array<{ Sid: string; Resource: string[] }> };
    assert.deepEqual(policy.Statement.find((s) => s.Sid === "InvokeWorkflowFunctions")!.Resource, [
      "arn:aws:lambda:us-east-1:111122223333:function:Double",
      "arn:aws:lambda:us-east-1:111122223333:function:Double:*",
    ]);
    assert.ok(policy.Statement.some((s) => s.Resource.includes("arn:aws:s3:::my-data/*")));
  });

  it("graph writes Mermaid and SVG", async () => {
    const r = await sfn("graph", "workflow.js", "--out", "drawn", "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { mermaid: join("drawn", "workflow.mmd"), svg: join("drawn", "workflow.svg") });
    assert.match(readFileSync(join(dir, "drawn", "workflow.mmd"), "utf8"), /^flowchart TD/);
    assert.match(readFileSync(join(dir, "drawn", "workflow.svg"), "utf8"), /^<svg /);
  });

  it("a TypeScript module without tsx or ts-node: loaded where Node strips types itself, otherwise an error that says what to install", async () => {
    mkdirSync(join(dir, "drawn-ts"), { recursive: true });
    const r = await sfn("graph", "workflow.ts", "--out", "drawn-ts");
    if ((process.features as { typescript?: unknown }).typescript) assert.equal(r.code, 0, r.stderr);
    else {
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^graph: cannot load workflow module 'workflow\.ts': it is TypeScript, and this project has neither tsx nor ts-node installed.*npm install --save-dev tsx/s,
      );
    }
  });

  it("a TypeScript module with tsx installed in the project: loaded through tsx", async () => {
    symlinkSync(join(ROOT, "node_modules", "tsx"), join(dir, "node_modules", "tsx"), "dir");
    try {
      const r = await sfn("iam", "workflow.ts", "--dynamic", "s3://my-data/");
      assert.equal(r.code, 0, r.stderr);
      assert.ok((JSON.parse(r.stdout) as { Statement: unknown[] }).Statement.length > 0);
    } finally {
      unlinkSync(join(dir, "node_modules", "tsx"));
    }
  });
});
