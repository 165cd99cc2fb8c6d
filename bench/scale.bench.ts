/**
 * Issue 31 in one run (`npm run bench -- scale`): seed 002 at its own scale, each figure printed
 * next to its floor or peer and its target, MET or MISSED, every part in processes of its own:
 *
 *   s3        small GetObject/PutObject/ListObjectsV2 through @aws-sdk/client-s3 against the embedded
 *             S3, next to a bare node:http server answering the same bytes (s3.bench.ts);
 *   dynamodb  the DynamoDB-writing map's children/s, next to the emulator's own putItem rate and the
 *             same putItems to a bare server (integrations.bench.ts);
 *   engine    the 100,000-child ItemReader + ResultWriter case against aws-local-stepfunctions and
 *             the bare loop (engine-vs-peer.bench.ts, case 4 only);
 *   objects   the prefix path: seed 002's map-reduce demo at SCALE_OBJECTS objects (Map Run objects/s,
 *             data set generation apart, peak RSS, the reduce's check); its floor is the SDK's own
 *             GetObject rate against the bare server (the s3 part), since every object is one GET;
 *   jsonl     the JSONL ItemReader → ResultWriter path at SCALE_JSONL items (large-jsonl.bench.ts).
 *
 * The figures go to bench/scale/results.json (SCALE_JSON to change), from which
 * `node --import tsx bench/scale/chart.ts` draws docs/img/cost-curve.svg. SCALE_PARTS picks parts
 * (comma-separated; default all). The machine's load average is printed with every part: on a
 * shared 2-core machine the absolute rates move with it, the ratios taken in one run much less.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runMapReduce, type MapReduceRun } from "./scale/map-reduce-run";
import type { ScaleResults } from "./scale/results";
import { threadCount } from "../tools/runner/lambda-threads";

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const PARTS = new Set(list("SCALE_PARTS", "s3,dynamodb,engine,objects,jsonl"));
const OBJECTS = list("SCALE_OBJECTS", "1000,1500,10000,50000,100000,500000").map(Number);
const JSONL = list("SCALE_JSONL", "10000,100000,1000000,10000000").map(Number);
const OUT = process.env.SCALE_JSON ?? join(__dirname, "scale", "results.json");

/** Issue 31's targets. */
const TARGET = {
  s3PerS: 5_000,
  s3VsFloor: 3,
  dynamoDbChildrenPerS: 3_000,
  engineVsAwsLocal: 25,
  objectsPerS: 5_000,
  rssBytes: 1024 ** 3,
} as const;
/** Seed 002's demo on AWS: 500,000 objects in under 2:30. */
const AWS_OBJECTS_PER_S = 500_000 / 150;

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-");
const mib = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? "MET" : "MISSED");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a sibling bench in its own process, its output shown, its BENCH_JSON read back. */
function sibling<T>(file: string, env: Record<string, string>): T | undefined {
  const dir = mkdtempSync(join(tmpdir(), "scale-part-"));
  const json = join(dir, "out.json");
  try {
    const res = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, file)], {
      stdio: "inherit",
      // The SDK's notice that its 2027 releases need Node 22 is not a figure (this toolchain runs on Node 20).
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...process.env, ...env, BENCH_JSON: json },
    });
    if (res.status !== 0) out(`!!! ${file} exited with ${res.status ?? res.signal}`);
    return JSON.parse(readFileSync(json, "utf8")) as T;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: ScaleResults = { date: new Date().toISOString(), loadAverageAtStart: loadavg(), summary: [] };
  const judge = (what: string, value: string, comparison: string, met: boolean | undefined) =>
    results.summary.push({ what, value, comparison, verdict: met === undefined ? "-" : verdict(met) });

  if (PARTS.has("s3")) {
    out(`\n--- embedded S3, small requests (load average ${load()}) ---`);
    const s3 = sibling<NonNullable<ScaleResults["s3"]>>("s3.bench.ts", {});
    if (s3) {
      results.s3 = s3;
      for (const o of s3.ops)
        judge(
          `S3 ${o.op} through the SDK`,
          `${fmt(o.perS)}/s`,
          `bare floor ${fmt(o.floorPerS)}/s, ${(o.floorPerS / o.perS).toFixed(2)}x; >= ${fmt(TARGET.s3PerS)}/s and <= ${TARGET.s3VsFloor}x`,
          o.perS >= TARGET.s3PerS && o.floorPerS / o.perS <= TARGET.s3VsFloor,
        );
    }
  }
  if (PARTS.has("dynamodb")) {
    out(`\n--- DynamoDB-writing map (load average ${load()}) ---`);
    const d = sibling<NonNullable<ScaleResults["dynamodb"]>>("integrations.bench.ts", {});
    if (d) {
      results.dynamodb = d;
      judge(
        "DynamoDB-writing map",
        `${fmt(d.dynamoDbMapPerS)} children/s`,
        `emulator ${fmt(d.emulatorPutsPerS)} puts/s, bare floor ${fmt(d.bareFloorPutsPerS)} puts/s; >= ${fmt(TARGET.dynamoDbChildrenPerS)}`,
        d.dynamoDbMapPerS >= TARGET.dynamoDbChildrenPerS,
      );
    }
  }
  if (PARTS.has("engine")) {
    out(`\n--- engine: 100,000-child ItemReader + ResultWriter (load average ${load()}) ---`);
    const e = sibling<NonNullable<ScaleResults["engine"]>>("engine-vs-peer.bench.ts", { BENCH_CASES: "4", BENCH_MEMORY_CHILDREN: "0" });
    const c = e?.cases[0];
    if (e && c) {
      results.engine = e;
      judge(
        `${fmt(c.items)}-child ItemReader + ResultWriter`,
        `${fmt(c.items / (c.oursMs / 1000))} items/s`,
        `${c.vsAwsLocal.toFixed(1)}x aws-local-stepfunctions (>= ${TARGET.engineVsAwsLocal}x), ${c.vsBare.toFixed(1)}x the bare loop's time`,
        c.vsAwsLocal >= TARGET.engineVsAwsLocal,
      );
    }
  }
  {
    if (PARTS.has("objects")) {
      out(`\n--- the prefix path: seed 002's map-reduce at N objects, one process each (load average ${load()}) ---`);
      out(
        `${"objects".padStart(9)}${"data set".padStart(11)}${"Map Run".padStart(10)}${"objects/s".padStart(11)}${"wall".padStart(9)}${"CPU".padStart(8)}${"peak RSS".padStart(10)}   check   load`,
      );
      const runs: MapReduceRun[] = [];
      for (const n of OBJECTS) {
        const r = await runMapReduce(n);
        runs.push(r);
        out(
          `${fmt(n).padStart(9)}${`${r.datasetS.toFixed(1)} s`.padStart(11)}${`${r.mapS.toFixed(1)} s`.padStart(10)}${fmt(r.objectsPerS).padStart(11)}` +
            `${`${r.wallS.toFixed(0)} s`.padStart(9)}${`${r.cpuS.toFixed(0)} s`.padStart(8)}${mib(r.peakBytes).padStart(10)}   ${r.passed ? "PASSED" : "FAILED"}   ${load()}`,
        );
      }
      results.objects = runs.map((r) => ({
        objects: r.objects,
        datasetS: r.datasetS,
        mapS: r.mapS,
        objectsPerS: r.objectsPerS,
        wallS: r.wallS,
        cpuS: r.cpuS,
        peakRssBytes: r.peakBytes,
        passed: r.passed,
      }));
      const getFloor = results.s3?.ops.find((o) => o.op === "GetObject")?.floorPerS;
      // CountWords reads its objects on threadCount() Lambda threads: the floor is one client thread's rate, that many times over at most.
      const floorNote = getFloor
        ? `floor: SDK GetObject to a bare server ${fmt(getFloor)}/s a client thread, ${threadCount()} Lambda threads`
        : "floor: run with the s3 part";
      for (const r of runs.filter((x) => [1_500, 50_000, 500_000].includes(x.objects))) {
        const full = r.objects === 500_000;
        judge(
          `seed 002 map-reduce, ${fmt(r.objects)} objects`,
          `${fmt(r.objectsPerS)} objects/s`,
          `${floorNote}; AWS ${fmt(AWS_OBJECTS_PER_S)}/s; peak ${mib(r.peakBytes)}; check ${r.passed ? "PASSED" : "FAILED"}`,
          full ? r.passed && r.objectsPerS >= TARGET.objectsPerS && r.peakBytes < TARGET.rssBytes : undefined,
        );
      }
    }
    if (PARTS.has("jsonl")) {
      out(`\n--- the JSONL ItemReader → ResultWriter path at N items, one process each (load average ${load()}) ---`);
      results.jsonl = [];
      for (const n of JSONL) {
        const j = sibling<NonNullable<ScaleResults["jsonl"]>[number]>("large-jsonl.bench.ts", { ITEMS: String(n) });
        if (j) results.jsonl.push(j);
      }
      const pts = results.jsonl;
      if (pts.length > 0) {
        const rates = pts.map((p) => p.itemsPerS);
        const peak = Math.max(...pts.map((p) => p.peakRssBytes));
        judge(
          `JSONL reader → ResultWriter, ${fmt(pts[0]!.items)}..${fmt(pts[pts.length - 1]!.items)} items`,
          `${fmt(Math.min(...rates))}..${fmt(Math.max(...rates))} items/s`,
          `peak RSS at most ${mib(peak)} (< 1 GiB)`,
          peak < TARGET.rssBytes,
        );
      }
    }
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    out(
      `\n=== issue 31: figures, comparisons, targets (load average ${load()} now; ${results.loadAverageAtStart.map((l) => l.toFixed(1)).join(" ")} at start) ===`,
    );
    const w = Math.max(...results.summary.map((s) => s.what.length));
    const v = Math.max(...results.summary.map((s) => s.value.length));
    for (const s of results.summary) out(`${s.what.padEnd(w)}  ${s.value.padStart(v)}  ${s.verdict.padEnd(6)}  ${s.comparison}`);
    out(`(figures in ${OUT}; the chart: node --import tsx bench/scale/chart.ts)`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
