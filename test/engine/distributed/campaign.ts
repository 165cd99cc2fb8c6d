/**
 * The fault campaign: seeded Map Runs with children that fail or time out at random, and S3 that
 * answers 500 InternalError, 503 SlowDown (throttling) or slowly on GetObject, PutObject,
 * ListObjectsV2 and the multipart operations, through the embedded server's fault layer
 * (emulators/s3/faults.ts), so the SDK's standard retry (3 attempts, backoff) handles them as on AWS.
 *
 * Every run is checked: whatever it ended with, each item read appears exactly once across the
 * exported SUCCEEDED + FAILED + PENDING records, and the Map Run's item counts add up; a run that
 * succeeded read every item of its source (one stopped early stops reading too). Shared by
 * test/engine/distributed/campaign.test.ts (100 seeds) and `npm run bench` (the figures).
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { JsonValue, MapState } from "../../../asl/types";
import { runMapRun } from "../../../engine/distributed";
import { StatesError } from "../../../engine/model/errors";
import type { S3Fault, S3Operation, S3Request } from "../../../emulators/s3/faults";
import { startEmbeddedS3, type EmbeddedS3 } from "../../../emulators/s3/server";
import { ChildError, fakeContext, seededRandom } from "./fake-context";
import { silentSdkLogger } from "../../support/silent-sdk-logger";

const BUCKET = "campaign";
/** Objects under the listing prefix: more than one 1,000-key ListObjectsV2 page. */
const LISTED_OBJECTS = 1_100;
const FAULTED_OPERATIONS: readonly S3Operation[] = [
  "GetObject",
  "PutObject",
  "ListObjectsV2",
  "CreateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
];

export interface CampaignFigures {
  runs: number;
  /** How the runs ended: "SUCCEEDED" or the Map Run's error. */
  outcomes: Record<string, number>;
  items: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** Items read but in no result file, or in more than one: both must be 0. */
  lost: number;
  doubled: number;
  /** Runs whose accounting did not hold (the message says how). */
  violations: string[];
  requests: Record<string, number>;
  injected: { InternalError: number; SlowDown: number; delays: number };
  /** Requests the SDK (or the ResultWriter) sent again after an injected error. */
  retried: number;
  /** Input uploads (multipart included) that still failed after the SDK's retries. */
  uploadsFailed: number;
  /**
   * Failed runs whose result export also failed (a result file PUT still failing after 3
   * attempts): their item counts are checked, their files cannot be.
   */
  exportsFailed: number;
  wallMs: number;
}

export interface Campaign {
  run(seed: number): Promise<void>;
  figures(): CampaignFigures;
  stop(): Promise<void>;
}

export async function startCampaign(): Promise<Campaign> {
  let inject: ((r: S3Request) => S3Fault | undefined) | undefined;
  const figures: CampaignFigures = {
    runs: 0,
    outcomes: {},
    items: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    lost: 0,
    doubled: 0,
    violations: [],
    requests: {},
    injected: { InternalError: 0, SlowDown: 0, delays: 0 },
    retried: 0,
    uploadsFailed: 0,
    exportsFailed: 0,
    wallMs: 0,
  };
  let putErrorsThisRun = 0;
  /** Requests per operation+key after an injected error: a later one is a retry. */
  const erroredKeys = new Map<string, number>();
  const s3: EmbeddedS3 = await startEmbeddedS3({
    buckets: [BUCKET],
    faults: (r) => {
      figures.requests[r.operation] = (figures.requests[r.operation] ?? 0) + 1;
      const id = `${r.operation} ${r.key ?? ""}`;
      if (erroredKeys.has(id)) {
        figures.retried++;
        erroredKeys.delete(id);
      }
      const fault = inject?.(r);
      if (fault?.kind === "error") {
        figures.injected[fault.code === "InternalError" ? "InternalError" : "SlowDown"]++;
        if (r.operation === "PutObject") putErrorsThisRun++;
        erroredKeys.set(id, 1);
      } else if (fault?.kind === "delay") figures.injected.delays++;
      return fault;
    },
  });
  // Injected PutObject faults fail streaming uploads on purpose: the SDK is not to log each one.
  const client = s3.client({ logger: silentSdkLogger });
  // Fault-free setup: the listing prefix, two pages of objects.
  for (let i = 0; i < LISTED_OBJECTS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, LISTED_OBJECTS - i) }, (_, j) =>
        client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `listed/${String(i + j).padStart(5, "0")}.txt`, Body: "x" })),
      ),
    );
  }

  async function text(key: string): Promise<string> {
    return (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
  }

  /** The item ids each exported record holds, per status (fault-free reads). */
  async function exported(prefix: string): Promise<Record<"SUCCEEDED" | "FAILED" | "PENDING", string[]> | undefined> {
    const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const manifestKey = (listing.Contents ?? []).map((c) => c.Key!).find((k) => k.endsWith("/manifest.json"));
    if (!manifestKey) return undefined;
    const manifest = JSON.parse(await text(manifestKey)) as {
      ResultFiles: Record<"SUCCEEDED" | "FAILED" | "PENDING", Array<{ Key: string }>>;
    };
    const out = { SUCCEEDED: [] as string[], FAILED: [] as string[], PENDING: [] as string[] };
    for (const status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
      for (const f of manifest.ResultFiles[status]) {
        for (const r of JSON.parse(await text(f.Key)) as Array<{ Input: string }>) {
          const input = JSON.parse(r.Input) as JsonValue;
          const entries =
            input !== null && typeof input === "object" && !Array.isArray(input) && "Items" in input
              ? (input["Items"] as JsonValue[])
              : [input];
          out[status].push(...entries.map(idOf));
        }
      }
    }
    return out;
  }

  async function run(seed: number): Promise<void> {
    const started = Date.now();
    const rnd = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const errorRate = pick([0, 0.02, 0.05, 0.1, 0.2]);
    const delayRate = pick([0, 0.05, 0.2]);
    const faulted = new Set(FAULTED_OPERATIONS.filter(() => rnd() < 0.6));
    const faultRnd = seededRandom(seed * 104_729);
    putErrorsThisRun = 0;
    inject = (r) => {
      if (!faulted.has(r.operation)) return undefined;
      const roll = faultRnd();
      if (roll < errorRate) {
        return faultRnd() < 0.5 ? { kind: "error", status: 500, code: "InternalError" } : { kind: "error", status: 503, code: "SlowDown" };
      }
      if (roll < errorRate + delayRate) return { kind: "delay", ms: 5 + Math.floor(faultRnd() * 45) };
      return undefined;
    };

    // The items: a JSON file (PutObject), a JSON Lines file big enough for a multipart upload
    // (lib-storage), or a listing of two pages.
    const source = pick(["json", "json", "json", "jsonl-multipart", "listing"] as const);
    const n = source === "listing" ? LISTED_OBJECTS : 50 + Math.floor(rnd() * 250);
    const ids = Array.from({ length: n }, (_, i) => (source === "listing" ? `listed/${String(i).padStart(5, "0")}.txt` : String(i)));
    let reader: MapState["ItemReader"];
    try {
      if (source === "json") {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `in/${seed}.json`, Body: JSON.stringify(ids.map(Number)) }));
        reader = {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSON" },
          Parameters: { Bucket: BUCKET, Key: `in/${seed}.json` },
        };
      } else if (source === "jsonl-multipart") {
        // Each line padded so the body passes lib-storage's 5 MiB part size: two parts.
        const pad = "p".repeat(Math.ceil((6 * 1024 * 1024) / n));
        const body = ids.map((id) => JSON.stringify({ n: Number(id), pad })).join("\n") + "\n";
        await new Upload({ client, params: { Bucket: BUCKET, Key: `in/${seed}.jsonl`, Body: body }, queueSize: 2 }).done();
        reader = {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSONL" },
          Parameters: { Bucket: BUCKET, Key: `in/${seed}.jsonl` },
        };
      } else {
        reader = { Resource: "arn:aws:states:::s3:listObjectsV2", Parameters: { Bucket: BUCKET, Prefix: "listed/" } };
      }
    } catch (error) {
      // The SDK's retries ran out while uploading the input: a clean, named error, no run.
      figures.uploadsFailed++;
      const name = error instanceof Error ? error.name : String(error);
      figures.outcomes[`upload failed: ${name}`] = (figures.outcomes[`upload failed: ${name}`] ?? 0) + 1;
      figures.runs++;
      figures.wallMs += Date.now() - started;
      return;
    }

    const failRate = pick([0, 0.01, 0.05, 0.2]);
    const timeoutRate = pick([0, 0.01, 0.05]);
    const childRnd = seededRandom(seed * 7_919);
    const ctx = fakeContext(client, async (x, signal) => {
      await new Promise((r) => setTimeout(r, Math.floor(childRnd() * 3)));
      if (signal.aborted) throw new Error("aborted");
      const roll = childRnd();
      if (roll < failRate) throw new ChildError("Random", "unlucky");
      // A Task past its TimeoutSeconds fails its child execution with States.Timeout.
      if (roll < failRate + timeoutRate) throw new ChildError("States.Timeout", "Task timed out");
      return x;
    });
    const batch = rnd() < 0.3 ? 1 + Math.floor(rnd() * 7) : undefined;
    const state: MapState = {
      Type: "Map",
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      ItemReader: reader,
      ...(source === "jsonl-multipart" ? { ItemSelector: { "n.$": "$$.Map.Item.Value.n" } } : {}),
      ...(batch ? { ItemBatcher: { MaxItemsPerBatch: batch } } : {}),
      ...(rnd() < 0.5 ? { ToleratedFailurePercentage: Math.round(rnd() * 3000) / 100 } : { ToleratedFailureCount: Math.floor(rnd() * 30) }),
      MaxConcurrency: 1 + Math.floor(rnd() * 40),
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: BUCKET, Prefix: `out/${seed}` } },
      End: true,
    };
    let outcome = "SUCCEEDED";
    try {
      await runMapRun(state, {}, ctx, { maxResultFileBytes: 32_768 });
    } catch (error) {
      outcome = error instanceof StatesError ? error.error : `unexpected ${String(error)}`;
      if (
        !(error instanceof StatesError) ||
        !["States.ExceedToleratedFailureThreshold", "States.ItemReaderFailed", "States.ResultWriterFailed"].includes(error.error)
      ) {
        figures.violations.push(`seed ${seed}: unexpected error ${String(error)}`);
      } else if (error.error !== "States.ExceedToleratedFailureThreshold" && !/InternalError|SlowDown/.test(error.causeText)) {
        figures.violations.push(`seed ${seed}: ${error.error} does not name its S3 cause: ${error.causeText}`);
      }
    }
    inject = undefined;
    figures.runs++;
    figures.outcomes[outcome] = (figures.outcomes[outcome] ?? 0) + 1;

    const last = ctx.updates[ctx.updates.length - 1];
    if (!last) {
      figures.violations.push(`seed ${seed}: no Map Run record`);
      return;
    }
    const c = last.itemCounts;
    if (c.running !== 0 || c.succeeded + c.failed + c.timedOut + c.aborted + c.pending !== c.total) {
      figures.violations.push(`seed ${seed}: item counts do not add up: ${JSON.stringify(c)}`);
    }
    // A run that stops early (threshold, S3) stops its reader too: the items it read are its items.
    if (outcome === "SUCCEEDED" ? c.total !== n : c.total > n)
      figures.violations.push(`seed ${seed}: ${c.total} items counted, ${n} in the source`);
    const files = await exported(`out/${seed}/`);
    if (!files) {
      // A Map Run that failed (its threshold) and then could not write its results reports the
      // first error; a missing manifest is only acceptable when result PUTs were failing.
      if (outcome === "SUCCEEDED" || putErrorsThisRun === 0) figures.violations.push(`seed ${seed}: no manifest, outcome ${outcome}`);
      else figures.exportsFailed++;
      figures.wallMs += Date.now() - started;
      return;
    }
    const all = [...files.SUCCEEDED, ...files.FAILED, ...files.PENDING];
    const seen = new Set<string>();
    let doubled = 0;
    for (const id of all) {
      if (seen.has(id)) doubled++;
      seen.add(id);
    }
    const expected = ids.slice(0, c.total);
    const lost = expected.filter((id) => !seen.has(id)).length;
    figures.items += expected.length;
    figures.succeeded += files.SUCCEEDED.length;
    figures.failed += files.FAILED.length;
    figures.pending += files.PENDING.length;
    figures.lost += lost;
    figures.doubled += doubled;
    if (lost || doubled || all.length !== expected.length) {
      figures.violations.push(
        `seed ${seed}: ${lost} lost, ${doubled} doubled, ${all.length} exported of ${expected.length} (outcome ${outcome})`,
      );
    }
    if (files.SUCCEEDED.length !== c.succeeded || files.PENDING.length !== c.pending) {
      figures.violations.push(
        `seed ${seed}: files disagree with the counts: ${JSON.stringify(c)} vs ${files.SUCCEEDED.length}/${files.FAILED.length}/${files.PENDING.length}`,
      );
    }
    figures.wallMs += Date.now() - started;
  }

  return {
    run,
    figures: () => figures,
    async stop() {
      client.destroy();
      await s3.stop();
    },
  };
}

/** A record's item as the id the campaign gave it: the number, `{n}` from the selector, or the listed key. */
function idOf(entry: JsonValue): string {
  if (typeof entry === "number") return String(entry);
  if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
    if (typeof entry["n"] === "number") return String(entry["n"]);
    if (typeof entry["Key"] === "string") return entry["Key"];
  }
  return JSON.stringify(entry);
}

export type { S3Client };
