/**
 * The interpreter links the Distributed Map run statically (a dynamic `import()` of a TypeScript
 * path fails under `node -r tsx/cjs`), but the AWS SDK stays lazy: a run without a Distributed
 * Map never loads @aws-sdk/client-s3.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "../..");

function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("engine: the AWS SDK is loaded lazily", function () {
  this.timeout(60_000);

  it("a run without a Distributed Map does not load @aws-sdk/client-s3 (under node -r tsx/cjs)", () => {
    const r = runScript(`
      const { run } = require("./engine");
      run({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }, { a: 1 }, {}).then((res) => {
        const sdk = Object.keys(require.cache).filter((k) => k.includes("@aws-sdk" + require("path").sep + "client-s3"));
        console.log(JSON.stringify({ status: res.status, sdk: sdk.length }));
      });
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { status: "SUCCEEDED", sdk: 0 });
  });

  it("a Distributed Map runs under node -r tsx/cjs (no dynamic import of TypeScript paths)", () => {
    const r = runScript(`
      const { run } = require("./engine");
      const definition = { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
        StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } } };
      run(definition, [1, 2, 3], {}).then((res) => console.log(JSON.stringify({ status: res.status, output: res.output, error: res.error, cause: res.cause })));
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { status: "SUCCEEDED", output: [1, 2, 3] });
  });

  it("a Distributed Map over the state input (no ItemReader, no ResultWriter resource) does not load it either", () => {
    const r = runScript(`
      const { run } = require("./engine");
      const definition = { StartAt: "M", States: { M: { Type: "Map", ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } } };
      run(definition, [1, 2], {}).then((res) => {
        const sdk = Object.keys(require.cache).filter((k) => k.includes("@aws-sdk" + require("path").sep + "client-s3"));
        console.log(JSON.stringify({ status: res.status, sdk: sdk.length }));
      });
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { status: "SUCCEEDED", sdk: 0 });
  });
});
