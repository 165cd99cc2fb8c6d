/**
 * The fault campaign (./campaign.ts), 100 seeds: children failing and timing out at random, S3
 * answering 500 / 503 SlowDown / slowly on GetObject, PutObject, ListObjectsV2 and multipart.
 * Each run: SUCCEEDED + FAILED + PENDING = the items read, none lost, none doubled.
 * `npm run bench` prints the campaign's figures.
 */
import { strict as assert } from "node:assert";
import { startCampaign, type Campaign } from "./campaign";

const SEEDS = 100;

describe("engine/distributed fault campaign", function () {
  this.timeout(120_000);
  let campaign: Campaign;
  before(async () => {
    campaign = await startCampaign();
  });
  after(async () => campaign.stop());

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: every item exactly once across SUCCEEDED + FAILED + PENDING`, async () => {
      const before = campaign.figures().violations.length;
      await campaign.run(seed);
      assert.deepEqual(campaign.figures().violations.slice(before), []);
    });
  }

  it("over all seeds: faults were injected and retried, runs ended every way, nothing lost or doubled", () => {
    const f = campaign.figures();
    assert.equal(f.runs, SEEDS);
    assert.equal(f.lost, 0);
    assert.equal(f.doubled, 0);
    assert.equal(f.items, f.succeeded + f.failed + f.pending);
    assert.ok(f.injected.InternalError > 0 && f.injected.SlowDown > 0 && f.injected.delays > 0, JSON.stringify(f.injected));
    assert.ok(f.retried > 0, "the SDK retried injected errors");
    assert.ok(
      (f.outcomes["SUCCEEDED"] ?? 0) > 0 && (f.outcomes["States.ExceedToleratedFailureThreshold"] ?? 0) > 0,
      JSON.stringify(f.outcomes),
    );
    for (const op of ["GetObject", "PutObject", "ListObjectsV2", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]) {
      assert.ok((f.requests[op] ?? 0) > 0, `${op} was exercised`);
    }
  });
});
