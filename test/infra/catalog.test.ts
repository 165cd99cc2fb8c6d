import { strict as assert } from "node:assert";
import { areaPrefix, LAMBDAS, lambdaEnvironment, MAP_REDUCE_FOLDER, WORKFLOWS, workflowByName } from "../../app/catalog";
import { deriveStateMachinePolicy } from "../../asl/permissions";
import { loadStackConfig } from "../../config/load";
import { mapReducePrefixes } from "../../workflows/map-reduce";

const { config } = loadStackConfig({ stack: "dev" });

describe("app/catalog: the one list of Lambdas and workflows", () => {
  it("every workflow builds from the dev stack and uses only catalog Lambdas (same handler objects)", () => {
    for (const w of WORKFLOWS) {
      const machine = w.build(config, { bucket: "local-bucket" });
      for (const ref of machine.lambdas) {
        assert.ok(LAMBDAS[ref.name], `${w.name} uses ${ref.name}`);
        assert.equal(LAMBDAS[ref.name]!.ref.handler, ref.handler);
      }
      machine.renderLocal();
    }
  });

  it("every workflow's definition has a derivable policy (no unknown resources)", () => {
    for (const w of WORKFLOWS) {
      const definition = w.build(config, { bucket: "local-bucket" }).renderLocal();
      deriveStateMachinePolicy(definition, { region: "us-east-1", accountId: "123456789012", stateMachineName: w.name, logging: true, tracing: true, dynamicS3: w.dynamicS3(config, { bucket: "local-bucket" }) });
    }
  });

  it("workflows keep to their own folders: the map-reduce prefixes are its catalog folder", () => {
    assert.deepEqual(mapReducePrefixes(config), { inputPrefix: areaPrefix(config, "payload", MAP_REDUCE_FOLDER), resultsPrefix: areaPrefix(config, "results", MAP_REDUCE_FOLDER) });
    const folders = Object.values(LAMBDAS).flatMap((l) => l.settings.s3.map((g) => areaPrefix(config, g.area, g.folder)));
    for (const f of folders) assert.ok(f.startsWith(config.payloadPrefix) || f.startsWith(config.resultsPrefix), f);
  });

  it("lambdaEnvironment: PAYLOAD_BUCKET, PAYLOAD_PREFIX with the function's folder, PAYLOAD_FORMAT", () => {
    assert.deepEqual(lambdaEnvironment("CaptureInput", config, "b"), { PAYLOAD_BUCKET: "b", PAYLOAD_PREFIX: "payloads/seed/", PAYLOAD_FORMAT: "json" });
    assert.throws(() => lambdaEnvironment("Nope", config, "b"), /unknown Lambda "Nope"/);
    assert.throws(() => workflowByName("nope"), /unknown workflow "nope" \(known: seed/);
  });
});
