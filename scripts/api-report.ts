/**
 * The API reports of the package's three entry points (API Extractor, api/*.api.md), made from the
 * built .d.ts in dist/: `npm run api` builds and rewrites them (and docs/builders.md); with `--check`
 * (what `npm test` runs, after its `npm pack` has built dist/) it fails naming each report that
 * differs from what is committed, so a change to the public surface is a reviewed change.
 *
 *   node --import tsx scripts/api-report.ts [--check]
 */
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
export const ENTRY_POINTS = ["sfn-distributed-map", "asl", "testing"] as const;

export function apiReports(check: boolean): string[] {
  const changed: string[] = [];
  for (const name of ENTRY_POINTS) {
    const config = ExtractorConfig.loadFileAndPrepare(join(ROOT, "api", `${name}.api-extractor.json`));
    const result = Extractor.invoke(config, {
      localBuild: !check,
      messageCallback: (m) => {
        // Only what makes the report wrong is shown: compiler errors in the .d.ts.
        if (m.logLevel !== "error" && m.logLevel !== "warning") m.handled = true;
      },
    });
    if (!result.succeeded && !result.apiReportChanged) throw new Error(`API Extractor failed on ${name}: ${result.errorCount} errors`);
    if (result.apiReportChanged) changed.push(`api/${name}.api.md`);
  }
  return changed;
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const changed = apiReports(check);
  if (check && changed.length > 0) {
    process.stderr.write(`the public API differs from ${changed.join(", ")}: review the change and run \`npm run api\`\n`);
    process.exitCode = 1;
  } else if (!check && changed.length > 0) process.stdout.write(`updated ${changed.join(", ")}\n`);
}
