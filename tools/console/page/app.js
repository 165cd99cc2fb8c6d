// The local console's page: plain DOM, no framework, no request outside its own server.
// Everything it shows comes from /api/* page by page (the server holds the run; the page holds
// only what is on screen), and live updates come as server-sent events (/api/events).
"use strict";
(function () {
  const TOKEN = document.getElementById("app").dataset.token;
  const PAGE = 50;
  const $ = (id) => document.getElementById(id);
  const api = (path, params = {}) => {
    const q = new URLSearchParams({ ...params, token: TOKEN });
    return `${path}?${q}`;
  };
  const getJson = async (path, params) => {
    const r = await fetch(api(path, params), { cache: "no-store" });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  };
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
    return e;
  };
  const fmtMs = (ms) => {
    if (ms === undefined || ms === null || Number.isNaN(ms)) return "—";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
    const m = Math.floor(ms / 60000);
    return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  };
  const fmtN = (n) => (n === undefined ? "—" : Number(n).toLocaleString("en-US"));
  const pretty = (text) => {
    if (text === undefined || text === null) return "";
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return String(text);
    }
  };

  // What is on screen: the execution shown (the parent, or a child opened from a Map Run) and the
  // history page and filters.
  const view = {
    exec: null,
    parentArn: null,
    state: null,
    offset: 0,
    filterState: "",
    filterType: "",
    graphFor: null,
    nodes: {},
    lastSnapshot: null,
    historyTotal: -1,
    failurePages: {},
  };

  function route() {
    const m = /^#\/child\/(.+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  async function showExecution(arn) {
    view.exec = arn;
    view.state = null;
    view.offset = 0;
    view.filterState = "";
    view.filterType = "";
    $("f-state").value = "";
    $("f-type").value = "";
    const isChild = arn !== view.parentArn;
    $("out-h").textContent = isChild ? "Child execution" : "Execution";
    $("crumb").textContent = isChild ? `› child execution ${arn.slice(arn.lastIndexOf(":") + 1)}` : "";
    $("maprun-section").hidden = isChild || !(view.lastSnapshot && view.lastSnapshot.mapRuns.length);
    $("detail").replaceChildren(
      el("p", { class: "muted" }, "Select a state (click it, or Tab to it and press Enter) to see its input, output, error and timing."),
    );
    await loadGraph(arn);
    await refreshExecution();
    await loadHistory();
  }

  async function loadGraph(arn) {
    const g = await getJson("/api/graph", { exec: arn });
    view.graphFor = arn;
    view.nodes = g.nodes;
    const box = $("graph");
    box.innerHTML = g.svg; // our own renderer's SVG (asl/graph/svg.ts), text escaped there
    for (const [id, name] of Object.entries(g.nodes)) {
      const node = box.querySelector(`g[id="${id}"]`);
      if (!node) continue;
      node.dataset.state = name;
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "button");
      node.setAttribute("aria-label", `State ${name}`);
      const select = () => selectState(name);
      node.addEventListener("click", select);
      node.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select();
        }
      });
    }
  }

  function colourStates(states) {
    for (const node of $("graph").querySelectorAll("g[data-state]")) {
      const s = states[node.dataset.state];
      const status = s ? s.status : "NOT_RUN";
      node.setAttribute("class", `st-${status}${view.state === node.dataset.state ? " selected" : ""}`);
      node.dataset.status = status;
      node.setAttribute("aria-label", `State ${node.dataset.state}: ${status.replace("_", " ").toLowerCase()}`);
    }
  }

  async function refreshExecution() {
    if (!view.exec) return;
    if (view.exec === view.parentArn && view.lastSnapshot) {
      colourStates(view.lastSnapshot.states);
      renderExecIo(view.lastSnapshot.execution);
      return;
    }
    const e = await getJson("/api/execution", { exec: view.exec });
    colourStates(e.states);
    renderExecIo(e);
  }

  function renderExecIo(e) {
    if (!e) return;
    const box = $("exec-io");
    const rows = [
      ["Status", e.status],
      ["ARN", e.arn],
      ["Started", e.startDate ? new Date(e.startDate).toISOString() : "—"],
      ["Duration", e.startDate ? fmtMs((e.stopDate || Date.now()) - e.startDate) : "—"],
    ];
    if (e.redriveCount) rows.push(["Redrives", `${e.redriveCount} (last ${new Date(e.redriveDate).toISOString()})`]);
    const dl = el(
      "dl",
      { class: "kv" },
      rows.map(([k, v]) => [el("dt", {}, k), el("dd", { class: k === "ARN" ? "mono" : "" }, v)]),
    );
    const parts = [dl];
    if (e.error) parts.push(el("h3", {}, "Error"), el("pre", { "data-testid": "exec-error" }, `${e.error}\n${e.cause || ""}`));
    if (e.output) parts.push(el("h3", {}, "Output"), el("pre", {}, pretty(e.output).slice(0, 20000)));
    box.replaceChildren(...parts);
    $("execution-output").hidden = false;
  }

  async function selectState(name) {
    view.state = name;
    for (const n of $("graph").querySelectorAll("g[data-state]")) n.classList.toggle("selected", n.dataset.state === name);
    const d = await getJson("/api/state-detail", { exec: view.exec, state: name });
    const rows = [
      ["State", name],
      ["Status", d.status],
    ];
    if (d.entered) rows.push(["Entered", `${d.entered} time${d.entered === 1 ? "" : "s"}`]);
    if (d.enteredAt) rows.push(["Started", `${new Date(d.enteredAt).toISOString()} (+${fmtMs(d.enteredAt - d.executionStart)})`]);
    if (d.enteredAt) rows.push(["Duration", fmtMs((d.exitedAt || Date.now()) - d.enteredAt)]);
    if (d.failures) rows.push(["Errors", `${d.failures} (each retried, caught, or the end)`]);
    const parts = [
      el(
        "dl",
        {},
        rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
      ),
    ];
    if (d.children) {
      const c = d.children;
      parts.push(
        el("h3", {}, "Child executions"),
        el(
          "p",
          {},
          `Map Run: ${fmtN(c.running)} running, ${fmtN(c.succeeded)} succeeded; ${fmtN(c.failed)} failed at this state (open one from the Map Run's failures to see its own graph and history)`,
        ),
      );
    }
    if (d.error) parts.push(el("h3", {}, "Error"), el("pre", {}, `${d.error}\n${d.cause || ""}`));
    if (d.input !== undefined) parts.push(el("h3", {}, "Input"), el("pre", {}, pretty(d.input).slice(0, 20000)));
    if (d.output !== undefined) parts.push(el("h3", {}, "Output"), el("pre", {}, pretty(d.output).slice(0, 20000)));
    parts.push(el("button", { type: "button", onclick: () => filterHistory(name) }, "Show its events"));
    $("detail").replaceChildren(...parts);
  }

  function filterHistory(name) {
    view.filterState = name;
    view.offset = 0;
    const sel = $("f-state");
    if (![...sel.options].some((o) => o.value === name)) sel.append(el("option", { value: name }, name));
    sel.value = name;
    loadHistory();
    $("history").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function loadHistory() {
    if (!view.exec) return;
    const h = await getJson("/api/history", {
      exec: view.exec,
      offset: view.offset,
      limit: PAGE,
      state: view.filterState,
      type: view.filterType,
    });
    view.historyTotal = h.all;
    fillSelect($("f-state"), h.states, "All states", view.filterState);
    fillSelect($("f-type"), h.types, "All types", view.filterType);
    const tbody = $("history").tBodies[0];
    tbody.replaceChildren(
      ...h.events.map((e) =>
        el(
          "tr",
          { class: /Failed|TimedOut|Aborted/.test(e.type) ? "ev-fail" : /Succeeded$/.test(e.type) ? "ev-ok" : "", "data-type": e.type },
          el("td", {}, e.id),
          el("td", {}, e.type),
          el("td", {}, e.state || ""),
          el("td", {}, fmtMs(e.elapsedMs)),
          el("td", { class: "details" }, e.details.length > 600 ? e.details.slice(0, 600) + "…" : e.details),
        ),
      ),
    );
    $("history-count").textContent = `${fmtN(h.total)}${h.total !== h.all ? ` of ${fmtN(h.all)}` : ""}`;
    $("h-page").textContent = h.total ? `${fmtN(view.offset + 1)}–${fmtN(view.offset + h.events.length)} of ${fmtN(h.total)}` : "none";
    $("h-prev").disabled = view.offset === 0;
    $("h-next").disabled = view.offset + PAGE >= h.total;
  }

  function fillSelect(sel, values, all, current) {
    const have = [...sel.options]
      .map((o) => o.value)
      .slice(1)
      .join("\n");
    if (have === values.join("\n")) return;
    sel.replaceChildren(el("option", { value: "" }, all), ...values.map((v) => el("option", { value: v }, v)));
    sel.value = values.includes(current) ? current : "";
  }

  function countsTable(r) {
    const cols = [
      ["pending", "Pending"],
      ["running", "Running"],
      ["succeeded", "Succeeded"],
      ["failed", "Failed"],
      ["timedOut", "Timed out"],
      ["aborted", "Aborted"],
      ["total", "Total"],
    ];
    return el(
      "table",
      { class: "counts" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, ""),
          cols.map(([, t]) => el("th", { scope: "col" }, t)),
        ),
      ),
      el(
        "tbody",
        {},
        [
          ["Items", r.itemCounts],
          ["Children", r.executionCounts],
        ].map(([label, c]) =>
          el(
            "tr",
            {},
            el("th", { scope: "row" }, label),
            cols.map(([k]) =>
              el(
                "td",
                {
                  class: k,
                  "data-count": `${label === "Items" ? "items" : "executions"}-${k}`,
                  title: `${label === "Items" ? "Items" : "Child executions"} ${k}`,
                },
                fmtN(c[k]),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function renderMapRuns(snapshot) {
    const box = $("mapruns");
    const runs = snapshot.mapRuns;
    $("maprun-section").hidden = !runs.length || view.exec !== view.parentArn;
    for (const r of runs) {
      let card = box.querySelector(`[data-maprun="${CSS.escape(r.mapRunArn)}"]`);
      if (!card) {
        card = el("div", { class: "maprun", "data-maprun": r.mapRunArn });
        box.append(card);
      }
      const threshold =
        r.toleratedFailurePercentage || r.toleratedFailureCount
          ? `${r.toleratedFailurePercentage}% / ${fmtN(r.toleratedFailureCount)} children`
          : "0 (any failure fails the Map Run)";
      const head = el(
        "h3",
        {},
        `${r.label || r.stateName} `,
        el("span", { class: "badge", "data-status": r.status, "data-testid": "maprun-status" }, r.status),
        r.redriveCount ? el("span", { class: "muted" }, ` redriven ${r.redriveCount}×`) : null,
      );
      const stats = el(
        "div",
        { class: "stats" },
        el("span", {}, "Items/s ", el("b", { "data-testid": "items-per-second" }, r.itemsPerSecond.toFixed(r.itemsPerSecond < 10 ? 1 : 0))),
        el("span", {}, "Duration ", el("b", {}, fmtMs(r.durationMs))),
        el("span", {}, "Max concurrency ", el("b", {}, fmtN(r.maxConcurrency))),
        el("span", {}, "Tolerated failures ", el("b", {}, threshold)),
        el("span", { class: "mono muted" }, r.mapRunArn),
      );
      let keep = card.querySelector(".maprun-extra");
      if (!keep) {
        keep = el("div", { class: "maprun-extra" }, el("div", { class: "results" }), el("div", { class: "failures" }));
      }
      card.replaceChildren(head, stats, el("div", { class: "table-wrap" }, countsTable(r)), keep);
      const key = `${r.status}|${r.failuresListed}|${r.redriveCount || 0}`;
      if (card.dataset.loaded !== key) {
        card.dataset.loaded = key;
        loadFailures(r, keep.querySelector(".failures"));
        if (r.status !== "RUNNING") loadResults(r, keep.querySelector(".results"));
      }
    }
  }

  async function loadResults(r, box) {
    if (!r.resultWriterDetails) return box.replaceChildren();
    const res = await getJson("/api/results", { mapRun: r.mapRunArn });
    const parts = [el("h3", {}, "ResultWriter")];
    if (res.note) parts.push(el("p", { class: "muted" }, res.note));
    parts.push(
      el(
        "p",
        {},
        "Manifest: ",
        el(
          "a",
          { href: api("/api/file", { bucket: res.bucket, key: res.manifestKey }), download: "manifest.json" },
          `s3://${res.bucket}/${res.manifestKey}`,
        ),
      ),
    );
    if (res.manifest) parts.push(el("pre", { "data-testid": "manifest" }, JSON.stringify(res.manifest, null, 2).slice(0, 4000)));
    parts.push(
      el(
        "ul",
        { class: "files" },
        res.files.map((f) =>
          el(
            "li",
            {},
            el("a", { href: api("/api/file", { bucket: f.bucket, key: f.key }), download: f.key.slice(f.key.lastIndexOf("/") + 1) }, f.key),
            ` (${fmtN(f.size)} bytes)`,
          ),
        ),
      ),
    );
    box.replaceChildren(...parts);
  }

  async function loadFailures(r, box) {
    const offset = view.failurePages[r.mapRunArn] || 0;
    const f = await getJson("/api/failures", { mapRun: r.mapRunArn, offset, limit: 20 });
    if (!f.total && !f.dropped) return box.replaceChildren();
    const rows = f.items.map((c) =>
      el(
        "tr",
        { "data-child": c.executionArn },
        el("td", {}, c.itemIndex !== undefined ? fmtN(c.itemIndex) : `child ${fmtN(c.childIndex)} (${c.items} items)`),
        el("td", {}, c.status === "ABORTED" ? "ABORTED" : c.error || ""),
        el("td", { class: "details" }, (c.cause || "").slice(0, 300)),
        el("td", { class: "details" }, JSON.stringify(c.input).slice(0, 200)),
        el(
          "td",
          {},
          c.history
            ? el(
                "button",
                { type: "button", class: "open-child", onclick: () => (location.hash = `#/child/${encodeURIComponent(c.executionArn)}`) },
                "Open",
              )
            : el("span", { class: "muted" }, "history not kept"),
        ),
      ),
    );
    const pager = el(
      "div",
      { class: "filters" },
      el(
        "button",
        {
          type: "button",
          disabled: offset === 0,
          onclick: () => ((view.failurePages[r.mapRunArn] = Math.max(0, offset - 20)), loadFailures(r, box)),
        },
        "‹ Previous",
      ),
      el(
        "span",
        { class: "muted" },
        `${fmtN(offset + 1)}–${fmtN(offset + f.items.length)} of ${fmtN(f.total)}${f.dropped ? ` (+${fmtN(f.dropped)} not listed)` : ""}`,
      ),
      el(
        "button",
        {
          type: "button",
          disabled: offset + 20 >= f.total,
          onclick: () => ((view.failurePages[r.mapRunArn] = offset + 20), loadFailures(r, box)),
        },
        "Next ›",
      ),
    );
    box.replaceChildren(
      el("h3", {}, "Failed child executions"),
      pager,
      el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "children" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ["Item", "Error", "Cause", "Input", "History"].map((t) => el("th", { scope: "col" }, t)),
            ),
          ),
          el("tbody", {}, rows),
        ),
      ),
    );
  }

  function renderHeader(e) {
    if (!e) return;
    const badge = $("exec-status");
    badge.textContent = e.status;
    badge.dataset.status = e.status;
    $("exec-name").textContent = e.name;
    const dur = e.startDate ? fmtMs((e.stopDate || Date.now()) - e.startDate) : "";
    $("exec-meta").textContent = `${dur}${e.redriveCount ? ` · redriven ${e.redriveCount}×` : ""}`;
    const btn = $("redrive");
    btn.hidden = !(e.redrivable || e.redriving);
    btn.disabled = !e.redrivable;
    btn.textContent = e.redriving ? "Redriving…" : "Redrive";
    btn.title = e.notRedrivable || "Restart from the failed state: a failed Map Run re-runs only its unsuccessful children";
  }

  async function onTick(snapshot) {
    view.lastSnapshot = snapshot;
    // Before the execution's first event there is nothing to show yet.
    if (!snapshot.execution) return;
    view.parentArn = snapshot.execution.arn;
    renderHeader(snapshot.execution);
    if (!view.exec) {
      const child = route();
      await showExecution(child || view.parentArn);
    }
    if (view.exec === view.parentArn) {
      colourStates(snapshot.states);
      renderExecIo(snapshot.execution);
      renderMapRuns(snapshot);
      if (snapshot.historyTotal !== view.historyTotal) await loadHistory();
      if (view.state) await selectState(view.state);
    }
    if (snapshot.childHistoriesDropped)
      notice(
        `${fmtN(snapshot.childHistoriesDropped)} failed children are listed without their events: histories are recorded for the first 10,000 children of a run (and of each redrive) and kept for 1,000 failed ones.`,
      );
  }

  function notice(text) {
    const n = $("notice");
    n.textContent = text;
    n.hidden = !text;
  }

  $("redrive").addEventListener("click", async () => {
    $("redrive").disabled = true;
    const r = await fetch(api("/api/redrive"), { method: "POST" });
    if (!r.ok) notice((await r.json()).message || "The execution cannot be redriven.");
    else notice("");
    if (view.exec !== view.parentArn) location.hash = "#/";
  });
  $("f-state").addEventListener("change", (e) => {
    view.filterState = e.target.value;
    view.offset = 0;
    loadHistory();
  });
  $("f-type").addEventListener("change", (e) => {
    view.filterType = e.target.value;
    view.offset = 0;
    loadHistory();
  });
  $("h-prev").addEventListener("click", () => {
    view.offset = Math.max(0, view.offset - PAGE);
    loadHistory();
  });
  $("h-next").addEventListener("click", () => {
    view.offset += PAGE;
    loadHistory();
  });
  window.addEventListener("hashchange", () => {
    if (!view.parentArn) return;
    showExecution(route() || view.parentArn);
  });

  const events = new EventSource(api("/api/events"));
  let pending = Promise.resolve();
  events.addEventListener("tick", (m) => {
    const snapshot = JSON.parse(m.data);
    // One update at a time, in order.
    pending = pending.then(() => onTick(snapshot)).catch((e) => notice(String(e.message || e)));
  });
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED) notice("The console's server has stopped (the run's process ended).");
  });
  document.body.dataset.ready = "1";
})();
