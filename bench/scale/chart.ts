/**
 * Draws the cost curve of `npm run bench -- scale` as an SVG (no dependency: a few dozen elements):
 * two panels, the JSONL ItemReader → ResultWriter path and the prefix path (seed 002's map-reduce),
 * each with throughput (solid, left axis) and peak RSS (dashed, right axis, with the 1 GiB budget)
 * against the run's size on a log scale.
 *
 *   node --import tsx bench/scale/chart.ts [results.json] [out.svg]
 * defaults: bench/scale/results.json → docs/img/cost-curve.svg
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ScaleResults } from "./results";

interface Point {
  n: number;
  perS: number;
  rss: number;
}

interface Panel {
  title: string;
  unit: string;
  points: Point[];
}

const W = 440;
const H = 300;
const M = { left: 64, right: 64, top: 40, bottom: 48 };
const GIB = 1024 ** 3;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const short = (n: number) => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : `${Math.round(n)}`);

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
function niceMax(max: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max)!;
}

function panel(p: Panel, x0: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const ns = p.points.map((q) => q.n);
  const lo = Math.floor(Math.log10(Math.min(...ns)));
  const hi = Math.ceil(Math.log10(Math.max(...ns)));
  const span = Math.max(hi - lo, 1);
  const x = (n: number) => x0 + M.left + ((Math.log10(n) - lo) / span) * pw;
  const rateMax = niceMax(Math.max(...p.points.map((q) => q.perS)) * 1.1);
  const rssMax = Math.max(GIB, niceMax(Math.max(...p.points.map((q) => q.rss)) / 1024 ** 2) * 1024 ** 2);
  const yRate = (v: number) => M.top + ph - (v / rateMax) * ph;
  const yRss = (v: number) => M.top + ph - (v / rssMax) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + W / 2}" y="22" text-anchor="middle" class="title">${esc(p.title)}</text>`);
  // Axes and grid.
  for (let i = 0; i <= 4; i++) {
    const y = M.top + (ph * i) / 4;
    parts.push(`<line x1="${x0 + M.left}" y1="${y}" x2="${x0 + W - M.right}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${x0 + M.left - 6}" y="${y + 4}" text-anchor="end" class="rate">${short(rateMax * (1 - i / 4))}</text>`);
    parts.push(`<text x="${x0 + W - M.right + 6}" y="${y + 4}" class="rss">${Math.round((rssMax * (1 - i / 4)) / 1024 ** 2)} MiB</text>`);
  }
  for (let e = lo; e <= hi; e++)
    parts.push(`<text x="${x(10 ** e)}" y="${M.top + ph + 16}" text-anchor="middle" class="axis">${short(10 ** e)}</text>`);
  parts.push(`<text x="${x0 + M.left + pw / 2}" y="${H - 10}" text-anchor="middle" class="axis">${esc(p.unit)} (log scale)</text>`);
  parts.push(
    `<text transform="translate(${x0 + 12} ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" class="rate">${esc(p.unit)}/s</text>`,
  );
  // The 1 GiB budget.
  parts.push(`<line x1="${x0 + M.left}" y1="${yRss(GIB)}" x2="${x0 + W - M.right}" y2="${yRss(GIB)}" class="budget"/>`);
  parts.push(`<text x="${x0 + W - M.right - 4}" y="${yRss(GIB) - 4}" text-anchor="end" class="rss">1 GiB budget</text>`);
  // The two curves.
  const pts = [...p.points].sort((a, b) => a.n - b.n);
  parts.push(`<polyline points="${pts.map((q) => `${x(q.n).toFixed(1)},${yRate(q.perS).toFixed(1)}`).join(" ")}" class="rateLine"/>`);
  parts.push(`<polyline points="${pts.map((q) => `${x(q.n).toFixed(1)},${yRss(q.rss).toFixed(1)}`).join(" ")}" class="rssLine"/>`);
  for (const q of pts) {
    parts.push(
      `<circle cx="${x(q.n).toFixed(1)}" cy="${yRate(q.perS).toFixed(1)}" r="3.5" class="rateDot"><title>${esc(`${q.n.toLocaleString("en-US")} ${p.unit}: ${Math.round(q.perS).toLocaleString("en-US")}/s`)}</title></circle>`,
    );
    parts.push(
      `<circle cx="${x(q.n).toFixed(1)}" cy="${yRss(q.rss).toFixed(1)}" r="3" class="rssDot"><title>${esc(`${q.n.toLocaleString("en-US")} ${p.unit}: peak RSS ${Math.round(q.rss / 1024 ** 2)} MiB`)}</title></circle>`,
    );
    parts.push(
      `<text x="${x(q.n).toFixed(1)}" y="${(yRate(q.perS) - 8).toFixed(1)}" text-anchor="middle" class="label">${short(q.perS)}</text>`,
    );
  }
  return parts.join("\n");
}

export function costCurveSvg(results: ScaleResults): string {
  const panels: Panel[] = [];
  if (results.jsonl?.length)
    panels.push({
      title: "JSONL ItemReader → ResultWriter",
      unit: "items",
      points: results.jsonl.map((j) => ({ n: j.items, perS: j.itemsPerS, rss: j.peakRssBytes })),
    });
  if (results.objects?.length)
    panels.push({
      title: "S3 prefix → map-reduce (seed 002)",
      unit: "objects",
      points: results.objects.map((o) => ({ n: o.objects, perS: o.objectsPerS, rss: o.peakRssBytes })),
    });
  if (panels.length === 0) throw new Error("no jsonl or objects figures to draw");
  const width = W * panels.length;
  const load = results.loadAverageAtStart.map((l) => l.toFixed(1)).join(" ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 24}" viewBox="0 0 ${width} ${H + 24}" font-family="sans-serif">
<style>
.title{font-size:14px;font-weight:bold;fill:#222}.axis{font-size:11px;fill:#444}.label{font-size:10px;fill:#1f5fa8}
.rate{font-size:11px;fill:#1f5fa8}.rss{font-size:11px;fill:#b8561b}.grid{stroke:#e4e4e4}
.budget{stroke:#b8561b;stroke-width:1;stroke-dasharray:2 3;opacity:.6}
.rateLine{fill:none;stroke:#1f5fa8;stroke-width:2}.rssLine{fill:none;stroke:#b8561b;stroke-width:2;stroke-dasharray:6 4}
.rateDot{fill:#1f5fa8}.rssDot{fill:#b8561b}
</style>
<rect width="100%" height="100%" fill="#fff"/>
${panels.map((p, i) => panel(p, i * W)).join("\n")}
<text x="${width / 2}" y="${H + 16}" text-anchor="middle" class="axis">solid: throughput (left axis) · dashed: peak RSS (right axis) · npm run bench -- scale, ${esc(results.date.slice(0, 10))}, 2-core machine, load average ${esc(load)} at start</text>
</svg>
`;
}

if (require.main === module) {
  const root = join(__dirname, "..", "..");
  const input = process.argv[2] ?? join(__dirname, "results.json");
  const output = process.argv[3] ?? join(root, "docs", "img", "cost-curve.svg");
  writeFileSync(output, costCurveSvg(JSON.parse(readFileSync(input, "utf8")) as ScaleResults));
  process.stdout.write(`${output}\n`);
}
