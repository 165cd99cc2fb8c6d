/// <reference lib="dom" />
/**
 * The local console (`--ui`) in a real browser: Debian's Chromium driven by puppeteer-core (no
 * browser download). Each test starts `npm run exec -- ... --ui` as a user would, opens the URL it
 * prints, and checks what a person sees: state colours, Map Run counts, a failed child's own
 * graph and history, Redrive leading to SUCCEEDED; and that the server refuses a request without
 * the token and is gone after SIGTERM. The README's screenshots are taken here (docs/img/, with
 * UPDATE_SCREENSHOTS=1).
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { tempDir } from "../support/temp-dirs";

const ROOT = resolve(__dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The README's screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1 npx mocha test/console):
// a plain `npm test` leaves the checkout as it found it.
const SHOTS = process.env["UPDATE_SCREENSHOTS"] === "1" ? join(ROOT, "docs", "img") : tempDir("console-shots-");
const EXAMPLE = ["examples/console/orders.asl.json", "--handlers", "examples/console/handlers.ts"];

interface Running {
  child: ChildProcess;
  url: string;
  port: number;
  exit: Promise<number | null>;
  stderr: () => string;
}

/** Starts `exec ... --ui` and resolves once it printed the console's URL. */
function startExec(input: object, extra: string[] = [], args: string[] = EXAMPLE): Promise<Running> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tools/cli/exec.ts", ...args, "--input", JSON.stringify(input), "--ui", ...extra],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  child.stdout!.resume();
  return new Promise((resolveStart, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /console: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=[\w-]+)/.exec(err);
      if (m) resolveStart({ child, url: m[1]!, port: Number(m[2]), exit, stderr: () => err });
    });
    void exit.then((code) => reject(new Error(`exec exited (${code}) before printing the console URL:\n${err}`)));
  });
}

function httpStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Waits until the run has finished (the console keeps serving after it). */
async function finished(run: Running): Promise<string> {
  const token = new URL(run.url).searchParams.get("token")!;
  for (;;) {
    const status = await new Promise<string>((resolveStatus, reject) => {
      const req = request({ host: "127.0.0.1", port: run.port, path: `/api/state?token=${token}` }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolveStatus((JSON.parse(body) as { execution?: { status: string } }).execution?.status ?? "RUNNING"));
      });
      req.on("error", reject);
      req.end();
    });
    if (status !== "RUNNING" && run.stderr().includes("still serving")) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusOf = (page: Page, state: string) => page.$eval(`#graph g[data-state="${state}"]`, (g) => (g as SVGGElement).dataset.status);
const count = (page: Page, which: string) =>
  page.$eval(`[data-count="${which}"]`, (td) => Number((td.textContent ?? "").replace(/,/g, "")));

describe("local console (--ui) in Chromium", function () {
  this.timeout(120_000);
  let browser: Browser;
  let profile: string;
  const started: Running[] = [];

  before(async function () {
    assert.ok(existsSync(CHROMIUM), `the browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), "console-chromium-"));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  after(async () => {
    await browser?.close();
    for (const r of started) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(run: Running, width = 1280, height = 800, firstState = "ListOrders"): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width, height });
    // No request leaves the console's own server.
    const foreign: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${run.port}/`)) foreign.push(r.url());
    });
    (page as Page & { foreign?: string[] }).foreign = foreign;
    await page.goto(run.url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(`#graph g[data-state="${firstState}"]`);
    return page;
  }

  it("refuses a request without the token (401) or from a foreign Host (403)", async () => {
    const run = await startExec({ count: 5 });
    started.push(run);
    assert.equal(await httpStatus(run.port, "/"), 401);
    assert.equal(await httpStatus(run.port, "/api/state"), 401);
    assert.equal(await httpStatus(run.port, "/api/state?token=wrong"), 401);
    const token = new URL(run.url).searchParams.get("token")!;
    assert.equal(await httpStatus(run.port, `/api/state?token=${token}`, { Host: "attacker.example:80" }), 403);
    assert.equal(await httpStatus(run.port, `/api/state?token=${token}`), 200);
    assert.equal(await finished(run), "SUCCEEDED");
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  });

  it("shows a running Map Run live: states coloured by status, counts moving, then SUCCEEDED", async () => {
    const run = await startExec({ count: 300, delayMs: 150, maxConcurrency: 30 });
    started.push(run);
    const page = await open(run);
    await page.waitForFunction(() => {
      const running = document.querySelector('[data-count="executions-running"]');
      const ok = document.querySelector('[data-count="executions-succeeded"]');
      return running && ok && Number(running.textContent) > 0 && Number((ok.textContent ?? "").replace(/,/g, "")) >= 60;
    });
    assert.equal(await statusOf(page, "ListOrders"), "SUCCEEDED");
    assert.equal(await statusOf(page, "ChargeOrders"), "RUNNING");
    assert.equal(await page.$eval('[data-testid="maprun-status"]', (e) => e.textContent), "RUNNING");
    assert.equal(await count(page, "executions-total"), 300);
    // The colour a person sees: the running Map state's box is filled blue.
    const fill = await page.$eval('#graph g[data-state="ChargeOrders"] > rect', (r) => getComputedStyle(r).fill);
    assert.equal(fill, "rgb(219, 234, 254)");
    await page.screenshot({ path: join(SHOTS, "console-running.png") });
    await page.waitForFunction(() => document.getElementById("exec-status")?.textContent === "SUCCEEDED");
    await page.waitForFunction(() => document.querySelector('[data-count="executions-succeeded"]')?.textContent === "300");
    assert.equal(await statusOf(page, "ChargeOrders"), "SUCCEEDED");
    assert.equal(await statusOf(page, "Report"), "SUCCEEDED");
    // The ResultWriter's manifest and files, downloadable.
    await page.waitForSelector('[data-testid="manifest"]');
    const links = await page.$$eval(".results a", (as) => as.map((a) => (a as HTMLAnchorElement).textContent));
    assert.ok(
      links.some((t) => /manifest\.json$/.test(t ?? "")) && links.some((t) => /SUCCEEDED_0\.json$/.test(t ?? "")),
      links.join(", "),
    );
    const download = await page.$eval(".results ul a", (a) => (a as HTMLAnchorElement).href);
    const got = await page.evaluate((href) => fetch(href).then((r) => r.text()), download);
    assert.ok(got.includes("charged"), got.slice(0, 200));
    // Keyboard: Tab to a state and Enter shows its input and output.
    let tabs = 0;
    while ((await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.state)) !== "ListOrders") {
      assert.ok(++tabs < 40, "Tab never reached the ListOrders state");
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /Output/.test(document.getElementById("detail")?.textContent ?? ""));
    assert.deepEqual((page as Page & { foreign?: string[] }).foreign, []);
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  });

  it("a failed child opens its own graph and history; Redrive re-runs only the failed children and the execution SUCCEEDS", async () => {
    const run = await startExec({ count: 60, declineEvery: 20, delayMs: 100, maxConcurrency: 1000 });
    started.push(run);
    const page = await open(run);
    await page.waitForFunction(() => document.getElementById("exec-status")?.textContent === "FAILED");
    assert.equal(await statusOf(page, "ListOrders"), "SUCCEEDED");
    assert.equal(await statusOf(page, "ChargeOrders"), "FAILED");
    assert.equal(await statusOf(page, "Charge"), "FAILED");
    assert.equal(await statusOf(page, "Report"), "NOT_RUN");
    await page.waitForSelector("table.children button.open-child");
    const failedRows = await page.$$eval("table.children tbody tr", (rows) => rows.map((r) => r.textContent ?? ""));
    assert.ok(failedRows.length >= 1 && failedRows.every((t) => t.includes("PaymentDeclined")), failedRows.join("\n"));
    const succeededBefore = await count(page, "executions-succeeded");

    // The failed child: its own graph (the ItemProcessor) and its history.
    await page.click("table.children button.open-child");
    await page.waitForFunction(() => /child execution/.test(document.getElementById("crumb")?.textContent ?? ""));
    await page.waitForFunction(() => !document.querySelector('#graph g[data-state="ListOrders"]'));
    await page.waitForSelector('#graph g[data-state="Charge"][data-status="FAILED"]');
    assert.equal(await statusOf(page, "Validate"), "SUCCEEDED");
    // The child's history, not the parent's still on screen (both end in ExecutionFailed): only the
    // child's has the failed Lambda call. On a busy machine the table is redrawn after the graph.
    await page.waitForFunction(() => {
      const types = Array.from(document.querySelectorAll("#history tbody tr")).map((r) => (r as HTMLElement).dataset.type);
      return types.includes("ExecutionFailed") && types.includes("LambdaFunctionFailed");
    });
    const types = await page.$$eval("#history tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.type));
    assert.ok(types.includes("LambdaFunctionFailed"), types.join(", "));
    assert.equal(await page.$eval("#redrive", (b) => (b as HTMLButtonElement).hidden), false);
    await page.click('#graph g[data-state="Charge"]');
    await page.waitForFunction(() => /PaymentDeclined/.test(document.getElementById("detail")?.textContent ?? ""));
    await page.screenshot({ path: join(SHOTS, "console-failed-child.png") });

    // Redrive: back to the execution, which goes on to SUCCEEDED.
    await page.click("#redrive");
    await page.waitForFunction(() => document.getElementById("exec-status")?.textContent === "SUCCEEDED");
    await page.waitForFunction(() => document.querySelector('[data-count="executions-succeeded"]')?.textContent === "60");
    assert.equal(await statusOf(page, "ChargeOrders"), "SUCCEEDED");
    assert.equal(await statusOf(page, "Report"), "SUCCEEDED");
    assert.match(await page.$eval("#exec-meta", (e) => e.textContent ?? ""), /redriven 1×/);
    assert.ok(succeededBefore < 60);
    // The history goes on after ExecutionRedriven.
    await page.select("#f-type", "ExecutionRedriven");
    await page.waitForFunction(() => document.querySelectorAll("#history tbody tr").length === 1);

    // The exit status is the execution's last (SUCCEEDED after the redrive); the server is gone.
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
    await assert.rejects(() => httpStatus(run.port, "/"), /ECONNREFUSED/);
    assert.match(run.stderr(), /console: redrive 1: SUCCEEDED/);
  });

  it("a 100,000-child Map Run stays live: the page holds one page of children and events, whatever the count", async () => {
    const dir = mkdtempSync(join(tmpdir(), "console-100k-"));
    let lines = "";
    for (let i = 0; i < 100_000; i++) lines += `{"id":${i}}\n`;
    writeFileSync(join(dir, "items.jsonl"), lines);
    writeFileSync(
      join(dir, "def.json"),
      JSON.stringify({
        StartAt: "Items",
        States: {
          Items: {
            Type: "Map",
            ItemReader: {
              Resource: "arn:aws:states:::s3:getObject",
              ReaderConfig: { InputType: "JSONL" },
              Parameters: { Bucket: "big-items", Key: "items.jsonl" },
            },
            ToleratedFailurePercentage: 100,
            MaxConcurrency: 500,
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Work",
              States: { Work: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:Work", End: true } },
            },
            ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "big-results", Prefix: "out" } },
            End: true,
          },
        },
      }),
    );
    // 1 child in 100 fails: 1,000 failures to list.
    writeFileSync(
      join(dir, "handlers.mjs"),
      `export async function Work(item) { await new Promise((r) => setTimeout(r, 1)); if (item.id % 100 === 7) { const e = new Error("bad " + item.id); e.name = "Bad"; throw e; } return item.id; }\n`,
    );
    const run = await startExec(
      {},
      ["--put", `s3://big-items/items.jsonl=${join(dir, "items.jsonl")}`],
      [join(dir, "def.json"), "--handlers", join(dir, "handlers.mjs")],
    );
    started.push(run);
    try {
      const page = await open(run, 1280, 800, "Items");
      await page.waitForFunction(() => document.getElementById("exec-status")?.textContent === "SUCCEEDED", { timeout: 110_000 });
      await page.waitForFunction(() => document.querySelector('[data-count="executions-total"]')?.textContent === "100,000");
      await page.waitForSelector("table.children tbody tr");
      assert.equal(await count(page, "executions-failed"), 1000);
      assert.ok((await page.$$("table.children tbody tr")).length <= 20);
      assert.ok((await page.$$("#history tbody tr")).length <= 50);
      const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
      assert.ok(nodes < 2000, `${nodes} DOM nodes`);
      // Paging reaches the last failures.
      const pager = await page.$eval(".failures .filters span", (e) => e.textContent ?? "");
      assert.match(pager, /1–20 of 1,000/);
      run.child.kill("SIGTERM");
      assert.equal(await run.exit, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stays readable at phone width: nothing wider than the screen but the graph, which scrolls", async () => {
    const run = await startExec({ count: 20 });
    started.push(run);
    const page = await open(run, 390, 844);
    await page.waitForFunction(() => document.getElementById("exec-status")?.textContent === "SUCCEEDED");
    await page.waitForSelector('[data-testid="manifest"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  });
});
