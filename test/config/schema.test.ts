import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadStackConfig, parseStackFileText, readProjectFile } from "../../config/load";
import { PROJECT_CONFIG_TYPES, projectConfigSchema, rawFromPulumiConfig, parseStackConfig, StackConfigError } from "../../config/schema";

const root = join(__dirname, "..", "..");
const projectFile = readProjectFile(root);
const devText = readFileSync(join(root, "Pulumi.dev.yaml"), "utf8");

/** Pulumi.dev.yaml with one line changed, parsed; returns the error message (or fails). */
function errorFor(key: string, yamlValue: string): string {
  const qualified = key.includes(":") ? key : `sfn-distributed-map:${key}`;
  const lines = devText.split("\n").filter((l) => !l.trimStart().startsWith(`${qualified}:`));
  lines.push(`  ${qualified}: ${yamlValue}`);
  try {
    parseStackFileText(lines.join("\n"), "Pulumi.dev.yaml", projectFile);
  } catch (e) {
    assert.ok(e instanceof StackConfigError, `expected StackConfigError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`${qualified}: ${yamlValue} was accepted`);
}

describe("config: the stack config schema", () => {
  it("reads the dev stack: the seed demo's MaxConcurrency 5, STANDARD children, no batcher, arm64", () => {
    const { project, stack, config } = loadStackConfig({ stack: "dev", projectDir: root });
    assert.equal(project, "sfn-distributed-map");
    assert.equal(stack, "dev");
    assert.equal(config.region, "us-east-1");
    assert.equal(config.maxConcurrency, 5);
    assert.equal(config.childExecutionType, "STANDARD");
    assert.equal(config.batchSize, 0);
    assert.equal(config.lambdaArchitecture, "arm64");
    assert.equal(config.lambdaTimeoutSeconds, 900);
    assert.equal(config.logLevel, "ALL");
  });

  it("Pulumi.yaml declares exactly the schema's keys, with the same types and defaults", () => {
    const declared = projectFile.declared;
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(PROJECT_CONFIG_TYPES).sort());
    const defaults = projectConfigSchema.parse({});
    for (const [key, type] of Object.entries(PROJECT_CONFIG_TYPES)) {
      assert.equal(declared[key]!.type, type, `${key} type`);
      assert.deepEqual(declared[key]!.default, (defaults as Record<string, unknown>)[key], `${key} default`);
    }
  });

  it("every project key in Pulumi.dev.yaml is namespaced by the project and declared", () => {
    const file = parse(devText) as { config: Record<string, unknown> };
    for (const key of Object.keys(file.config)) {
      if (key === "aws:region") continue;
      assert.match(key, /^sfn-distributed-map:/);
      assert.ok(key.slice("sfn-distributed-map:".length) in projectFile.declared, key);
    }
  });

  it("reads pulumi.Config's strings through the same schema", () => {
    const all = Object.fromEntries(
      Object.entries((parse(devText) as { config: Record<string, unknown> }).config).map(([k, v]) => [k, String(v)]),
    );
    const viaPulumi = parseStackConfig(rawFromPulumiConfig(all, "sfn-distributed-map"), "pulumi", "sfn-distributed-map");
    assert.deepEqual(viaPulumi, loadStackConfig({ stack: "dev", projectDir: root }).config);
  });

  it("a missing stack file says how to create it", () => {
    assert.throws(() => loadStackConfig({ stack: "nope", projectDir: root }), /pulumi stack init nope/);
  });

  describe("a bad value fails with a message naming the key and the rule (one test per rule)", () => {
    const cases: Array<[key: string, value: string, rule: RegExp]> = [
      ["maxConcurrency", "20000", /sfn-distributed-map:maxConcurrency: maxConcurrency must be between 0 and 10000.*\(got 20000\)/],
      ["maxConcurrency", "-1", /maxConcurrency must be between 0 and 10000/],
      ["maxConcurrency", "2.5", /sfn-distributed-map:maxConcurrency: maxConcurrency must be an integer/],
      ["maxConcurrency", "five", /sfn-distributed-map:maxConcurrency: maxConcurrency must be a number.*\(got "five"\)/],
      ["childExecutionType", "SYNC", /sfn-distributed-map:childExecutionType: childExecutionType must be one of STANDARD, EXPRESS/],
      ["batchSize", "-5", /sfn-distributed-map:batchSize: batchSize must be between 0 and 100000000 \(0 = no ItemBatcher\)/],
      [
        "toleratedFailurePercentage",
        "101",
        /sfn-distributed-map:toleratedFailurePercentage: toleratedFailurePercentage must be between 0 and 100/,
      ],
      ["writeResults", "yes please", /sfn-distributed-map:writeResults: writeResults must be true or false/],
      ["lambdaMemoryMb", "64", /sfn-distributed-map:lambdaMemoryMb: lambdaMemoryMb must be between 128 and 10240/],
      ["lambdaTimeoutSeconds", "901", /sfn-distributed-map:lambdaTimeoutSeconds: lambdaTimeoutSeconds must be between 1 and 900/],
      ["lambdaArchitecture", "arm", /sfn-distributed-map:lambdaArchitecture: lambdaArchitecture must be one of arm64, x86_64/],
      ["logLevel", "DEBUG", /sfn-distributed-map:logLevel: logLevel must be one of ALL, ERROR, FATAL, OFF/],
      ["tracing", "1", /sfn-distributed-map:tracing: tracing must be true or false/],
      ["kms", "on", /sfn-distributed-map:kms: kms must be true or false/],
      ["payloadPrefix", "payloads", /sfn-distributed-map:payloadPrefix: payloadPrefix must end with "\/"/],
      ["payloadPrefix", "/payloads/", /sfn-distributed-map:payloadPrefix: payloadPrefix must not start with "\/"/],
      [
        "payloadPrefix",
        "../payloads/",
        /sfn-distributed-map:payloadPrefix: payloadPrefix must not contain empty, "\." or "\.\." path segments/,
      ],
      [
        "payloadPrefix",
        "payloads/../../x/",
        /sfn-distributed-map:payloadPrefix: payloadPrefix must not contain empty, "\." or "\.\." path segments/,
      ],
      ["resultsPrefix", "./", /sfn-distributed-map:resultsPrefix: resultsPrefix must not contain empty, "\." or "\.\." path segments/],
      [
        "resultsPrefix",
        "results/./x/",
        /sfn-distributed-map:resultsPrefix: resultsPrefix must not contain empty, "\." or "\.\." path segments/,
      ],
      [
        "resultsPrefix",
        "results//x/",
        /sfn-distributed-map:resultsPrefix: resultsPrefix must not contain empty, "\." or "\.\." path segments/,
      ],
      ["resultsPrefix", "payloads/results/", /sfn-distributed-map:resultsPrefix: resultsPrefix must not overlap payloadPrefix/],
      ["payloadExpirationDays", "0", /sfn-distributed-map:payloadExpirationDays: payloadExpirationDays must be between 1 and 3650/],
      ["resultsExpirationDays", "0", /sfn-distributed-map:resultsExpirationDays: resultsExpirationDays must be between 1 and 3650/],
      [
        "logRetentionDays",
        "10",
        /sfn-distributed-map:logRetentionDays: logRetentionDays must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14/,
      ],
      ["aws:region", "Mars-1", /aws:region: aws:region must be an AWS region code such as us-east-1/],
      ["maxConcurency", "5", /sfn-distributed-map:maxConcurency: unknown key/],
    ];
    for (const [key, value, rule] of cases) {
      it(`${key}: ${JSON.stringify(value)} → ${rule.source.slice(0, 60)}`, () => {
        const message = errorFor(key, value);
        assert.match(message, /Invalid stack configuration in Pulumi.dev.yaml/);
        assert.match(message, rule);
      });
    }

    it("includeExecutionData: true with logLevel: OFF → includeExecutionData must be false when logLevel is OFF", () => {
      const lines = devText.split("\n").filter((l) => !/:(includeExecutionData|logLevel):/.test(l));
      lines.push("  sfn-distributed-map:includeExecutionData: true", "  sfn-distributed-map:logLevel: OFF");
      assert.throws(
        () => parseStackFileText(lines.join("\n"), "Pulumi.dev.yaml", projectFile),
        /sfn-distributed-map:includeExecutionData: includeExecutionData must be false when logLevel is OFF/,
      );
    });

    it("a file that is not YAML is reported as such, naming the file", () => {
      assert.throws(
        () => parseStackFileText("config:\n  a: [", "Pulumi.dev.yaml", projectFile),
        /Invalid stack configuration in Pulumi.dev.yaml:\n  - not valid YAML/,
      );
    });

    it("a missing aws:region is reported with the command that sets it", () => {
      const text = devText
        .split("\n")
        .filter((l) => !l.includes("aws:region"))
        .join("\n");
      assert.throws(
        () => parseStackFileText(text, "Pulumi.dev.yaml", projectFile),
        /aws:region is required \(pulumi config set aws:region us-east-1\)/,
      );
    });

    it("reports every problem at once, not just the first", () => {
      const lines = devText.split("\n").filter((l) => !/:(kms|logLevel):/.test(l));
      lines.push("  sfn-distributed-map:kms: maybe", "  sfn-distributed-map:logLevel: LOUD");
      try {
        parseStackFileText(lines.join("\n"), "Pulumi.dev.yaml", projectFile);
        assert.fail("accepted");
      } catch (e) {
        assert.ok(e instanceof StackConfigError);
        assert.equal(e.problems.length, 2, e.message);
      }
    });
  });
});
