import { strict as assert } from "node:assert";
import {
  areaPrefix,
  catalogLambda,
  LAMBDAS,
  lambdaEnvironment,
  MAP_REDUCE_FOLDER,
  payloadFormatOf,
  WORKFLOWS,
  workflowByName,
} from "../../app/catalog";
import { distributedMap, lambda, machine, path, s3JsonlReader, s3JsonReader, task } from "../../asl/builders";
import { deriveStateMachinePolicy } from "../../asl/permissions";
import { loadStackConfig } from "../../config/load";
import { mapReducePrefixes } from "../../app/demos/map-reduce";

const { config } = loadStackConfig({ stack: "dev" });

describe("app/catalog: the one list of Lambdas and workflows", () => {
  it("every workflow builds from the dev stack and uses only catalog Lambdas (same handler objects)", () => {
    for (const w of WORKFLOWS) {
      const machine = w.build(config, { bucket: "local-bucket" });
      for (const ref of machine.lambdas) {
        assert.ok(catalogLambda(ref.name), `${w.name} uses ${ref.name}`);
        assert.equal(catalogLambda(ref.name)!.ref.handler, ref.handler);
      }
      machine.renderLocal();
    }
  });

  it("the registry is the one place a function is named: each key is its ref's name", () => {
    for (const [name, entry] of Object.entries(LAMBDAS)) assert.equal(entry.ref.name, name);
  });

  it("every workflow's definition has a derivable policy (no unknown resources)", () => {
    for (const w of WORKFLOWS) {
      const definition = w.build(config, { bucket: "local-bucket" }).renderLocal();
      deriveStateMachinePolicy(definition, {
        region: "us-east-1",
        accountId: "123456789012",
        stateMachineName: w.name,
        logging: true,
        tracing: true,
        dynamicS3: w.dynamicS3(config, { bucket: "local-bucket" }),
      });
    }
  });

  it("workflows keep to their own folders: the map-reduce prefixes are its catalog folder", () => {
    assert.deepEqual(mapReducePrefixes(config), {
      inputPrefix: areaPrefix(config, "payload", MAP_REDUCE_FOLDER),
      resultsPrefix: areaPrefix(config, "results", MAP_REDUCE_FOLDER),
    });
    const folders = Object.values(LAMBDAS).flatMap((l) => l.settings.s3.map((g) => areaPrefix(config, g.area, g.folder)));
    for (const f of folders) assert.ok(f.startsWith(config.payloadPrefix) || f.startsWith(config.resultsPrefix), f);
  });

  it("lambdaEnvironment: PAYLOAD_BUCKET, PAYLOAD_PREFIX with the function's folder, PAYLOAD_FORMAT", () => {
    assert.deepEqual(lambdaEnvironment("CaptureInput", config, "b"), {
      PAYLOAD_BUCKET: "b",
      PAYLOAD_PREFIX: "payloads/seed/",
      PAYLOAD_FORMAT: "json",
    });
    assert.throws(() => lambdaEnvironment("Nope", config, "b"), /unknown Lambda "Nope"/);
    assert.throws(() => workflowByName("nope"), /unknown workflow "nope" \(known: seed/);
  });
});

describe("catalog: PAYLOAD_FORMAT inferred from the reader that reads a function's output", () => {
  const config = loadStackConfig({ stack: "dev" }).config;
  const writer = lambda("Writer", async () => ({ bucket: "b", key: "k" }));
  const each = lambda("Each", async (x: unknown) => x);
  const feeding = (reader: ReturnType<typeof s3JsonReader>) =>
    machine(task("Writer", writer).next(distributedMap("Map", { reader, processor: task("Each", each) })));
  const entry = (name: string, m: () => ReturnType<typeof machine>) => ({ ...WORKFLOWS[0]!, name, build: m });

  it("CaptureInput declares none: the seed's JSON reader makes it json", () => {
    assert.equal(LAMBDAS.CaptureInput.settings.payloadFormat, undefined);
    assert.equal(lambdaEnvironment("CaptureInput", config, "b").PAYLOAD_FORMAT, "json");
  });

  it("a JSONL reader makes jsonl; a declared format that disagrees, or two readers of different formats, are errors", () => {
    const jsonl = entry("jsonl", () => feeding(s3JsonlReader({ bucket: path("$.bucket"), key: path("$.key") })));
    const json = entry("json", () => feeding(s3JsonReader({ bucket: path("$.bucket"), key: path("$.key") })));
    assert.equal(payloadFormatOf("Writer", undefined, config, [jsonl]), "jsonl");
    assert.equal(payloadFormatOf("Writer", undefined, config, []), "json");
    assert.throws(
      () => payloadFormatOf("Writer", "json", config, [jsonl]),
      /payloadFormat "json" but the ItemReader that reads its output expects "jsonl"/,
    );
    assert.throws(() => payloadFormatOf("Writer", undefined, config, [jsonl, json]), /feeds readers of different formats/);
  });
});
