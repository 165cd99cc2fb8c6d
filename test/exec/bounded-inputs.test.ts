/**
 * What a user names cannot make a local run hang, eat memory or quietly differ from AWS:
 * definition, input and config files are read only if regular and only up to their limit (a FIFO
 * or /dev/zero is refused, not waited on or read for ever); stack files parse in linear time; a
 * ResultWriter bucket deleted during a run stays deleted and fails the Map Run, as on AWS.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { loadStackConfig, parseStackFileText, readProjectFile } from "../../config/load";
import { readBoundedFile } from "../../config/bounded-read";
import { runWorkflow } from "../../testing";
import { ROOT } from "../cli/run-cli";
import { tempDir } from "../support/temp-dirs";

function exec(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "tools", "cli", "exec.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("exec: bounded inputs", function () {
  this.timeout(60_000);

  it("a FIFO or a device as the definition or --input-file is refused at once (not waited on, not read for ever)", async () => {
    const dir = tempDir("fifo-");
    const fifo = join(dir, "def.json");
    execFileSync("mkfifo", [fifo]);
    const def = join(dir, "ok.json");
    writeFileSync(def, JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }));
    const a = await exec([fifo]);
    assert.equal(a.code, 2, a.stderr);
    assert.match(a.stderr, /is a named pipe \(FIFO\); give a regular file/);
    const b = await exec([def, "--input-file", "/dev/zero"]);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stderr, /is a device; give a regular file/);
  });

  it("reads at most the limit of a file, whatever its size", () => {
    const dir = tempDir("big-");
    const file = join(dir, "big.json");
    writeFileSync(file, Buffer.alloc(2048, 32));
    assert.equal(readBoundedFile(file, 4096, "x").length, 2048);
    assert.throws(() => readBoundedFile(file, 1024, "the definition"), /larger than 1,024 bytes/);
  });

  it("a stack file that is a FIFO is a config error, not a hang", () => {
    const dir = tempDir("fifo-stack-");
    copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    execFileSync("mkfifo", [join(dir, "Pulumi.dev.yaml")]);
    assert.throws(() => loadStackConfig({ stack: "dev", projectDir: dir }), /named pipe/);
  });

  it("a stack file with 20,000 keys parses in linear time; a repeated key is still an error", () => {
    const project = readProjectFile(ROOT);
    const many = "config:\n  aws:region: us-east-1\n" + Array.from({ length: 20_000 }, (_, i) => `  other:k${i}: v`).join("\n");
    // yaml's own duplicate check compared every pair (21 s here); linear now. Not timed: the pairs are never compared.
    assert.equal(parseStackFileText(many, "Pulumi.t.yaml", project).region, "us-east-1");
    assert.throws(
      () => parseStackFileText("config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n", "Pulumi.t.yaml", project),
      /"aws:region" is repeated/,
    );
  });
});

describe("embedded S3: a deleted ResultWriter bucket", function () {
  this.timeout(60_000);

  it("stays deleted: the Map Run fails as on AWS instead of the bucket being made again", async () => {
    const arn = (n: string) => `arn:aws:lambda:us-east-1:123456789012:function:${n}`;
    const run = await runWorkflow({
      definition: {
        StartAt: "DropBucket",
        States: {
          DropBucket: { Type: "Task", Resource: arn("DropBucket"), ResultPath: null, Next: "Map" },
          Map: {
            Type: "Map",
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "JSON" },
              Parameters: { Bucket: "my-data", Key: "items.json" },
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
              StartAt: "P",
              States: { P: { Type: "Pass", End: true } },
            },
            ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "results", Prefix: "out" } },
            End: true,
          },
        },
      },
      handlers: {
        DropBucket: async () => {
          const s3 = new S3Client({});
          await s3.send(new DeleteBucketCommand({ Bucket: "results" }));
          s3.destroy();
          return {};
        },
      },
      s3Objects: [{ bucket: "my-data", key: "items.json", body: "[1, 2, 3]" }],
    });
    assert.equal(run.status, "FAILED", JSON.stringify(run.output));
    assert.match(`${run.error} ${run.cause}`, /NoSuchBucket|ResultWriter/);
  });
});
