/**
 * Runs side by side in one process (mocha's parallel mode, a user's Promise.all) each see only their
 * own servers, never the user's AWS credentials, and leave the process's environment as it was.
 */
import { strict as assert } from "node:assert";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { runWorkflow } from "../../testing";

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const pause = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));

interface Seen {
  run: number;
  body: string;
  endpoint?: string;
  keyId?: string;
  token?: string;
  profile?: string;
}

describe("testing: runs side by side are isolated", function () {
  this.timeout(60_000);
  const saved = { ...process.env };
  after(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("8 runWorkflow() calls at once: each handler reaches its own S3 only, sees no real credential, and process.env is unchanged afterwards", async () => {
    // The user's own credentials, as a developer's shell holds them.
    process.env.AWS_ACCESS_KEY_ID = "AKIAREALUSERKEY00000";
    process.env.AWS_SECRET_ACCESS_KEY = "real-secret";
    process.env.AWS_SESSION_TOKEN = "real-session-token";
    process.env.AWS_PROFILE = "real-profile";
    delete process.env.AWS_ENDPOINT_URL_S3;
    const before = { ...process.env };
    const who = async (event: unknown): Promise<Seen> => {
      const run = (event as { run: number }).run;
      const seen: Seen[] = [];
      // Several looks, between which the other runs start, work and stop.
      for (let look = 0; look < 3; look++) {
        await pause();
        const client = new S3Client({ maxAttempts: 1 });
        const got = await client.send(new GetObjectCommand({ Bucket: "data", Key: "who.txt" }));
        seen.push({
          run,
          body: await got.Body!.transformToString(),
          endpoint: process.env.AWS_ENDPOINT_URL_S3,
          keyId: process.env.AWS_ACCESS_KEY_ID,
          token: process.env.AWS_SESSION_TOKEN,
          profile: process.env.AWS_PROFILE,
        });
        client.destroy();
      }
      for (const s of seen.slice(1)) assert.deepEqual(s, seen[0], "the same servers at every look");
      return seen[0]!;
    };
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, run) =>
        runWorkflow({
          definition: { StartAt: "Who", States: { Who: { Type: "Task", Resource: fnArn("Who"), End: true } } },
          input: { run },
          handlers: { Who: who },
          s3Objects: [{ bucket: "data", key: "who.txt", body: `run ${run}` }],
          clock: "real",
        }),
      ),
    );
    const endpoints = new Set<string>();
    runs.forEach((r, run) => {
      assert.equal(r.status, "SUCCEEDED", `${r.error}: ${r.cause}`);
      const seen = r.output as unknown as Seen;
      assert.equal(seen.body, `run ${run}`, "its own S3 server");
      assert.match(seen.endpoint ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(seen.keyId, "AKIAREALUSERKEY00000");
      assert.equal(seen.token, undefined);
      assert.equal(seen.profile, undefined);
      endpoints.add(seen.endpoint!);
    });
    assert.equal(endpoints.size, 8);
    assert.deepEqual({ ...process.env }, before);
  });
});
