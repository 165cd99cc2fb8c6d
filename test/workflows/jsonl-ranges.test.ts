/**
 * The third catalog workflow, added as its definition (workflows/), its entry and demo (app/demos/) and one catalog line: it builds,
 * its settings come from `<project>:workflows.jsonl-ranges` with errors naming the stack key and
 * the field, and its demo runs end to end through the same runner as `npm start`.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { checkWorkflowSettings, WORKFLOWS, workflowByName } from "../../app/catalog";
import { loadStackConfig } from "../../config/load";
import { parseStackFileText, readProjectFile } from "../../config/load";
import { StackConfigError } from "../../config/schema";
import { createProgressDisplay } from "../../tools/progress";
import { runLocal } from "../../tools/runner/run";
import { tempDir } from "../support/temp-dirs";

const ROOT = join(__dirname, "..", "..");

describe("workflows/jsonl-ranges: a workflow added as a definition, a demo and one catalog line", function () {
  this.timeout(120_000);
  const project = readProjectFile(ROOT);
  const stackText = (extra: string) => `config:\n  aws:region: us-east-1\n${extra}`;

  it("reads its settings from <project>:workflows.jsonl-ranges (defaults when absent)", () => {
    const config = parseStackFileText(
      stackText("  sfn-distributed-map:workflows:\n    jsonl-ranges:\n      batchSize: 20\n"),
      "Pulumi.t.yaml",
      project,
    );
    const definition = workflowByName("jsonl-ranges").build(config, { bucket: "b" }).renderLocal();
    const map = definition.States["MapRanges"] as unknown as {
      ItemBatcher?: { MaxItemsPerBatch?: number };
      ItemReader: { Parameters: { Key: string } };
    };
    assert.equal(map.ItemBatcher?.MaxItemsPerBatch, 20);
    assert.equal(map.ItemReader.Parameters.Key, "payloads/jsonl-ranges/ranges.jsonl");
    const plain = loadStackConfig({ stack: "dev" }).config;
    assert.equal(
      (
        workflowByName("jsonl-ranges").build(plain, { bucket: "b" }).renderLocal().States["MapRanges"] as unknown as {
          ItemBatcher?: unknown;
        }
      ).ItemBatcher,
      undefined,
    );
  });

  it("a bad value names the stack key and the field; an unknown workflow section is reported", () => {
    const config = parseStackFileText(
      stackText("  sfn-distributed-map:workflows:\n    jsonl-ranges:\n      batchSize: -1\n      colour: red\n    nope: {}\n"),
      "Pulumi.t.yaml",
      project,
    );
    assert.throws(
      () => checkWorkflowSettings(config, WORKFLOWS, project.name, "Pulumi.t.yaml"),
      (e: unknown) =>
        e instanceof StackConfigError &&
        /sfn-distributed-map:workflows\.jsonl-ranges\.batchSize: must be ≥ 0 \(got -1\)/.test(e.message) &&
        /sfn-distributed-map:workflows\.jsonl-ranges: .*colour/.test(e.message) &&
        /sfn-distributed-map:workflows\.nope: unknown workflow/.test(e.message),
    );
    assert.throws(
      () => parseStackFileText(stackText("  sfn-distributed-map:workflows: 3\n"), "Pulumi.t.yaml", project),
      /sfn-distributed-map:workflows: workflows must be a map/,
    );
  });

  it('keys that would name another folder or JavaScript\'s object machinery are refused before a run: key "..", workflows.__proto__', () => {
    const config = parseStackFileText(
      stackText('  sfn-distributed-map:workflows:\n    jsonl-ranges:\n      key: ".."\n'),
      "Pulumi.t.yaml",
      project,
    );
    assert.throws(
      () => checkWorkflowSettings(config, WORKFLOWS, project.name, "Pulumi.t.yaml"),
      /workflows\.jsonl-ranges\.key: must be a file name, not "\." or "\.\."/,
    );
    for (const key of ["__proto__", "constructor"]) {
      assert.throws(
        () =>
          parseStackFileText(stackText(`  sfn-distributed-map:workflows:\n    ${key}:\n      batchSize: 1\n`), "Pulumi.t.yaml", project),
        new RegExp(`sfn-distributed-map:workflows\\.${key}: "${key}" is not a valid key`),
      );
    }
    assert.throws(
      () =>
        parseStackFileText(
          stackText(`  sfn-distributed-map:workflows:\n    jsonl-ranges:\n      __proto__: {batchSize: 1}\n`),
          "Pulumi.t.yaml",
          project,
        ),
      /workflows\.jsonl-ranges\.__proto__: "__proto__" is not a valid key/,
    );
    assert.throws(
      () => parseStackFileText(stackText(`  sfn-distributed-map:workflows:\n    "..": {}\n`), "Pulumi.t.yaml", project),
      /a workflow name must be one folder name/,
    );
  });

  it("its demo runs end to end: data set written, Map Run over the JSONL object, every number processed exactly once", async () => {
    const summary = await runLocal({
      stack: "dev",
      workflow: "jsonl-ranges",
      progress: createProgressDisplay({ mode: "off" }),
      signal: new AbortController().signal,
      dataRoot: tempDir("jsonl-ranges-"),
    });
    assert.equal(summary.status, "SUCCEEDED", `${summary.error} ${summary.cause}`);
    assert.equal(summary.items, 2_000);
    assert.equal(summary.check?.name, "exactly-once");
    assert.equal(summary.check?.passed, true, summary.check?.detail);
    assert.equal(summary.dataset?.objects, 1);
  });
});
