/**
 * The top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes): each sample is
 * charged to the node it landed in, for the time delta that follows it; nodes are summed by
 * function (name, file, line), so a function reached along many call paths counts once.
 * Format: https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile
 */
import { z } from "zod";

const ProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  share: number;
}

/**
 * `window`: only samples taken between these two V8 timestamps (µs of the monotonic clock, as
 * `process.hrtime.bigint() / 1000n` reads it on Linux), so start-up and module loading stay out.
 */
export function topSelfTime(profileJson: unknown, count: number, root: string, window?: { start: number; end: number }): SelfTime[] {
  const profile = ProfileSchema.parse(profileJson);
  const frameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.start || at > window.end)) return;
    // timeDeltas[i] is the time since the previous sample; the next one's delta is this sample's duration.
    const us = profile.timeDeltas[i + 1] ?? 0;
    total += us;
    const frame = frameOf.get(id);
    if (!frame) return;
    const url = frame.url.replace(/^file:\/\//, "").replace(root, "");
    // Under tsx a .ts file runs as esbuild's output, whose line numbers do not match the source: file only.
    const where = url === "" ? "" : url.endsWith(".ts") ? url : `${url}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = byFunction.get(key) ?? { fn: frame.functionName || "(anonymous)", where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  });
  return [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({ fn: e.fn, where: e.where, ms: e.us / 1000, share: total > 0 ? e.us / total : 0 }));
}
