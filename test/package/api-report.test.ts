/**
 * The published surface is a reviewed change: the API reports (api/*.api.md, API Extractor) and the
 * builder reference (docs/builders.md) must match the code. `npm run api` regenerates all of them.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packOnce, ROOT, run } from "./packed";

const check = (script: string) =>
  run(process.execPath, ["--import", "tsx", join(ROOT, "scripts", script), "--check"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).then(
    () => "",
    (e: { stderr?: string }) => e.stderr || String(e),
  );

describe("the public API", function () {
  this.timeout(600_000);

  it("api/*.api.md (the three entry points) are current: `npm run api` regenerates them", async () => {
    await packOnce(); // its build has just written dist/, which the reports are made from
    assert.equal(await check("api-report.ts"), "");
  });

  it("docs/builders.md, the builder reference, is current, linked from the README and shipped", async () => {
    assert.equal(await check("builder-reference.ts"), "");
    assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /\]\(docs\/builders\.md\)/);
    assert.ok((await packOnce()).files.includes("docs/builders.md"));
  });
});
