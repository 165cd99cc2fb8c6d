import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { WORKFLOWS } from "../../app/catalog";
import { validateDefinition } from "../../asl/validator";
import { loadStackConfig } from "../../config/load";
import { PLACEHOLDERS, synthesizeWorkflow } from "../../tools/cli/synth";
import { runCli } from "./run-cli";
import { tempDir } from "../support/temp-dirs";

describe("npm run synth", function () {
  this.timeout(60_000);

  it("writes ASL, policy, Mermaid and SVG for every workflow of the stack", async () => {
    const out = tempDir("synth-");
    const result = await runCli(["--stack", "dev", "--out", out], { script: "synth" });
    assert.equal(result.code, 0, result.stderr);
    const files = readdirSync(join(out, "dev")).sort();
    const expected = WORKFLOWS.flatMap((w) => [`${w.name}.asl.json`, `${w.name}.mmd`, `${w.name}.policy.json`, `${w.name}.svg`]).sort();
    assert.deepEqual(files, expected);

    const asl = readFileSync(join(out, "dev", "seed.asl.json"), "utf8");
    assert.ok(asl.includes('"Resource": "${CaptureInputFunctionArn}"'));
    assert.ok(asl.includes('"Resource": "${ProcessDataFunctionArn}"'));
    assert.ok(asl.includes(PLACEHOLDERS.bucket));
    // What synth writes is what `npm run validate` accepts: the placeholders are reminders, not errors.
    for (const w of WORKFLOWS) {
      const verdict = validateDefinition(readFileSync(join(out, "dev", `${w.name}.asl.json`), "utf8"));
      assert.ok(verdict.valid, `${w.name}: ${JSON.stringify(verdict.diagnostics)}`);
    }
    const policy = JSON.parse(readFileSync(join(out, "dev", "seed.policy.json"), "utf8")) as { Statement: Array<{ Action: string[] }> };
    assert.ok(policy.Statement.length > 0);
    assert.ok(
      policy.Statement.every((s) => s.Action.every((a) => !a.includes("*"))),
      "no wildcard actions",
    );
    assert.match(readFileSync(join(out, "dev", "map-reduce.mmd"), "utf8"), /subgraph \w+\["Map: MapObjects/);
    const svg = readFileSync(join(out, "dev", "map-reduce.svg"), "utf8");
    assert.match(svg, /^<svg /);
    assert.ok(svg.includes("Map: MapObjects") && svg.includes("CountWords") && svg.includes("batches of 250"));
  });

  it("exits 2 on a bad flag or an unknown stack", async () => {
    const [flag, stack] = await Promise.all([
      runCli(["--outdir", "x"], { script: "synth", direct: true }),
      runCli(["--stack", "nostack"], { script: "synth", direct: true }),
    ]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^npm run synth: unknown option --outdir; did you mean --out\? \(npm run synth -- --help for usage\)\n$/);
    assert.equal(stack.code, 2);
    assert.match(stack.stderr, /stack file not found/);
  });

  it("renders the same definition the deployer renders, with placeholders only where deploy-time values go", async () => {
    const { project, stack, config } = loadStackConfig({ stack: "dev" });
    for (const workflow of WORKFLOWS) {
      const a = await synthesizeWorkflow(workflow, config, project, stack);
      assert.ok(validateDefinition(a.definition).valid, workflow.name);
      // Same shape: only the Resource ARNs differ between the placeholder file and the validated render.
      const strip = (d: unknown) => JSON.stringify(d).replace(/"(arn:aws:lambda:[^"]+|\$\{[A-Za-z]+FunctionArn\})"/g, '"FN"');
      assert.equal(strip(a.placeholderDefinition), strip(a.definition));
    }
  });
});
