import { strict as assert } from "node:assert";
import { buildStateGraph, describeChoiceRule, toMermaid, toSvg } from "../../asl/graph";
import { everything, patterns, seedDistributed } from "./fixtures";

/** The rectangle of `<g id="ID">`'s first `<rect>` in an SVG we rendered. */
function rectOf(svg: string, id: string): { x: number; y: number; w: number; h: number } {
  const m = new RegExp(
    `<g id="${id}">(?:<title>[^<]*</title>)?\\s*<rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`,
  ).exec(svg);
  assert.ok(m, `no rect for ${id}`);
  return { x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) };
}

function inside(inner: ReturnType<typeof rectOf>, outer: ReturnType<typeof rectOf>): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

function idOf(name: string, def = seedDistributed): string {
  const find = (scope: ReturnType<typeof buildStateGraph>["root"]): string | undefined => {
    for (const n of scope.nodes) {
      if (n.name === name) return n.id;
      for (const s of n.scopes) {
        const hit = find(s);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  const id = find(buildStateGraph(def).root);
  assert.ok(id, name);
  return id;
}

describe("asl/graph model", () => {
  it("nests a Map's processor states inside the Map node and keeps edges in their scope", () => {
    const { root } = buildStateGraph(seedDistributed);
    const map = root.nodes.find((n) => n.name === "MapData");
    assert.equal(map?.type, "Map");
    assert.equal(map?.scopes.length, 1);
    assert.deepEqual(
      map?.scopes[0]?.nodes.map((n) => n.name),
      ["ProcessData"],
    );
    assert.equal(map?.detail, "Distributed, STANDARD children · max concurrency 5\nitems: s3:getObject JSON");
    // Start → CaptureInput → MapData → End at the top level; nothing crosses into the processor.
    const names = new Map(root.nodes.map((n) => [n.id, n.name]));
    assert.deepEqual(
      root.edges.map((e) => `${names.get(e.from)}->${names.get(e.to)}`),
      ["Start->CaptureInput", "CaptureInput->MapData", "MapData->End"],
    );
  });

  it("draws one scope per Parallel branch, Choice rules, Default and Catch edges", () => {
    const { root } = buildStateGraph(everything);
    const fanOut = root.nodes.find((n) => n.name === "FanOut");
    assert.deepEqual(
      fanOut?.scopes.map((s) => s.title),
      ["Branch 1", "Branch 2"],
    );
    const kinds = root.edges.map((e) => `${e.kind}:${e.label ?? ""}`);
    assert.ok(kinds.includes("choice:$.count > 10"));
    assert.ok(kinds.includes("default:Default"));
    assert.ok(kinds.includes("catch:Catch States.ALL"));
  });

  it("puts Retry and the waiting integration patterns on their states as badges", () => {
    const nodes = new Map(buildStateGraph(patterns).root.nodes.map((n) => [n.name, n]));
    assert.deepEqual(nodes.get("AskApproval")?.badges, [{ kind: "callback", text: "⏸ waits for a task token · heartbeat 3600 s" }]);
    assert.deepEqual(nodes.get("RunJob")?.badges, [{ kind: "sync", text: "⧗ runs to completion (.sync)" }]);
    assert.deepEqual(nodes.get("RunNested")?.badges, [{ kind: "sync", text: "⧗ runs to completion (.sync:2)" }]);
    // MaxAttempts defaults to 3 (AWS); a retrier with MaxAttempts 0 never retries and is not shown; long text is cut.
    const retry = nodes.get("Call")?.badges?.[0];
    assert.equal(retry?.kind, "retry");
    assert.ok(retry!.text.startsWith("↻ retry Lambda.ServiceException, Lambda.TooManyRe"), retry!.text);
    assert.ok(retry!.text.length <= 52 && retry!.text.endsWith("…"));
    assert.equal(
      buildStateGraph({
        StartAt: "T",
        States: {
          T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["States.Timeout"] }], End: true },
        },
      }).root.nodes[1]!.badges?.[0]?.text,
      "↻ retry States.Timeout ×3",
    );
    assert.equal(nodes.get("Route")?.badges, undefined);
  });

  it("describes Choice rules briefly and cuts long ones", () => {
    assert.equal(describeChoiceRule({ Variable: "$.n", NumericLessThanEqualsPath: "$.max", Next: "X" }), "$.n <= $.max");
    assert.equal(describeChoiceRule({ Variable: "$.s", IsPresent: true, Next: "X" }), "$.s IsPresent");
    assert.equal(describeChoiceRule({ Condition: "{% $states.input.n > 3 %}", Next: "X" }), "$states.input.n > 3");
    const long = describeChoiceRule({
      Or: Array.from({ length: 10 }, (_, i) => ({ Variable: `$.field${i}`, StringEquals: "x" })),
      Next: "X",
    });
    assert.ok(long.length <= 48 && long.endsWith("…"));
  });
});

describe("asl/graph Mermaid", () => {
  it("renders the Map as a subgraph that contains its processor state", () => {
    const text = toMermaid(seedDistributed);
    assert.match(text, /^flowchart TD\n/);
    const sub = new RegExp(
      `subgraph ${idOf("MapData")}\\["Map: MapData[^\\n]*\\n\\s+direction TB\\n\\s+${idOf("ProcessData")}\\["ProcessData`,
    );
    assert.match(text, sub);
  });

  it("shows the badges under the state's name", () => {
    const text = toMermaid(patterns);
    assert.match(
      text,
      new RegExp(
        `${idOf("AskApproval", patterns)}\\["AskApproval<br/><small>SQS[^"]*<br/>⏸ waits for a task token · heartbeat 3600 s</small>"\\]`,
      ),
    );
    assert.match(text, new RegExp(`${idOf("Call", patterns)}\\["Call<br/><small>Lambda: call<br/>↻ retry Lambda.ServiceException`));
  });

  it("escapes quotes and angle brackets in labels", () => {
    const text = toMermaid(everything);
    assert.ok(text.includes('["Left #lt;A#gt;"]'));
    assert.ok(text.includes("#quot;skip#quot;"));
    assert.ok(!/\["[^"\]]*<A>/.test(text));
  });
});

describe("asl/graph SVG", () => {
  it("lays processor states out inside their Map box", async () => {
    const svg = await toSvg(seedDistributed, { title: "seed" });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(inside(rectOf(svg, idOf("ProcessData")), rectOf(svg, idOf("MapData"))));
    assert.ok(!inside(rectOf(svg, idOf("CaptureInput")), rectOf(svg, idOf("MapData"))));
  });

  it("nests an inline Map inside a Parallel branch and places branches side by side", async () => {
    const svg = await toSvg(everything);
    const fanOut = rectOf(svg, idOf("FanOut", everything));
    const items = rectOf(svg, idOf("Items", everything));
    const square = rectOf(svg, idOf("Square", everything));
    const left = rectOf(svg, idOf("Left <A>", everything));
    assert.ok(inside(items, fanOut) && inside(square, items) && inside(left, fanOut));
    assert.ok(left.x + left.w <= items.x || items.x + items.w <= left.x, "branches overlap horizontally");
    assert.ok(svg.includes("Left &lt;A&gt;"));
  });

  it("draws the badges inside their state's box, in their colour", async () => {
    const svg = await toSvg(patterns);
    const box = rectOf(svg, idOf("Call", patterns));
    const badge = /<text x="([\d.]+)" y="([\d.]+)" font-size="11" fill="#b7791f"[^>]*>↻ retry/.exec(svg);
    assert.ok(badge, "the retry badge is drawn");
    const [x, y] = [Number(badge[1]), Number(badge[2])];
    assert.ok(x > box.x && x < box.x + box.w && y > box.y && y < box.y + box.h, "inside the box");
    assert.match(svg, /fill="#2b6cb0"[^>]*>⏸ waits for a task token/);
  });

  for (const [name, def] of [
    ["everything", everything],
    ["patterns", patterns],
  ] as const) {
    it(`every edge label sits on its own edge and on no other (${name})`, async () => {
      const svg = await toSvg(def);
      const groups = [...svg.matchAll(/<g id="(e\d+)" class="edge[^"]*">([\s\S]*?)<\/g>/g)].map((m) => ({
        id: m[1]!,
        lines: [...m[2]!.matchAll(/<polyline points="([^"]+)"/g)].map((p) =>
          p[1]!.split(" ").map((xy) => xy.split(",").map(Number) as [number, number]),
        ),
        label: /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(m[2]!)?.slice(1).map(Number),
      }));
      const labelled = groups.filter((g) => g.label);
      assert.ok(labelled.length >= 4, `${labelled.length} labelled edges`);
      /** Whether an axis-parallel segment of a polyline crosses the rectangle. */
      const crosses = (lines: Array<Array<[number, number]>>, [x, y, w, h]: number[]) =>
        lines.some((pts) =>
          pts.slice(1).some(([x2, y2], i) => {
            const [x1, y1] = pts[i]!;
            return Math.max(x1, x2) >= x! && Math.min(x1, x2) <= x! + w! && Math.max(y1, y2) >= y! && Math.min(y1, y2) <= y! + h!;
          }),
        );
      for (const g of labelled) {
        assert.ok(crosses(g.lines, g.label!), `${g.id}'s label is not on its edge`);
        for (const other of groups) if (other !== g) assert.ok(!crosses(other.lines, g.label!), `${g.id}'s label sits on ${other.id}`);
      }
    });
  }
});
