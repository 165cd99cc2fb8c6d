/**
 * The one price table the bill estimate uses: AWS list prices in us-east-1 (N. Virginia), on-demand,
 * first pricing tier, free tiers not subtracted (a single run should be priced as if the free tier
 * were already used up, so the figure scales honestly when the job runs every day).
 *
 * Sources (read 2026-11-21):
 * - https://aws.amazon.com/step-functions/pricing/ — Standard: "$0.025 per 1,000 state transitions"
 *   (= $25 per million); Express: "$1.00 per 1M requests" and duration "$0.00001667 per GB-second"
 *   for the first 1,000 GB-hours a month, "rounded up to the nearest 100ms", memory "billed in
 *   64-MB chunks".
 * - https://aws.amazon.com/lambda/pricing/ — "$0.20 per 1M requests"; duration for the first
 *   6 billion GB-seconds a month (x86) "$0.0000166667 for every GB-second", for the first 7.5
 *   billion (Arm) "$0.0000133334 for every GB-second"; duration "rounded up to the nearest 1 ms".
 */
export type LambdaArchitecture = "x86_64" | "arm64";

export const PRICE_TABLE = {
  region: "us-east-1",
  retrieved: "2026-11-21",
  sources: {
    stepFunctions: "https://aws.amazon.com/step-functions/pricing/",
    lambda: "https://aws.amazon.com/lambda/pricing/",
  },
  stepFunctions: {
    standardPerStateTransition: 0.025 / 1000,
    expressPerRequest: 1.0 / 1_000_000,
    expressPerGbSecond: 0.00001667,
    expressDurationRoundingMs: 100,
    expressMemoryChunkMb: 64,
  },
  lambda: {
    perRequest: 0.2 / 1_000_000,
    perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 } satisfies Record<LambdaArchitecture, number>,
    durationRoundingMs: 1,
  },
} as const;
