import { strict as assert } from "node:assert";
import { buildStateGraph, describeChoiceRule, toMermaid, toSvg } from "../../asl/graph";
import { everything, seedDistributed } from "./fixtures";

/** The rectangle of `<g id="ID">`'s first `<rect>` in an SVG we rendered. */
function rectOf(svg: string, id: string): { x: number; y: number; w: number; h: number } {
  const m = new RegExp(`<g id="${id}">(?:<title>[^<]*</title>)?\\s*<rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`).exec(svg);
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
    assert.deepEqual(map?.scopes[0]?.nodes.map((n) => n.name), ["ProcessData"]);
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
    assert.deepEqual(fanOut?.scopes.map((s) => s.title), ["Branch 1", "Branch 2"]);
    const kinds = root.edges.map((e) => `${e.kind}:${e.label ?? ""}`);
    assert.ok(kinds.includes("choice:$.count > 10"));
    assert.ok(kinds.includes("default:Default"));
    assert.ok(kinds.includes("catch:Catch States.ALL"));
  });

  it("describes Choice rules briefly and cuts long ones", () => {
    assert.equal(describeChoiceRule({ Variable: "$.n", NumericLessThanEqualsPath: "$.max", Next: "X" }), "$.n <= $.max");
    assert.equal(describeChoiceRule({ Variable: "$.s", IsPresent: true, Next: "X" }), "$.s IsPresent");
    assert.equal(describeChoiceRule({ Condition: "{% $states.input.n > 3 %}", Next: "X" }), "$states.input.n > 3");
    const long = describeChoiceRule({ Or: Array.from({ length: 10 }, (_, i) => ({ Variable: `$.field${i}`, StringEquals: "x" })), Next: "X" });
    assert.ok(long.length <= 48 && long.endsWith("…"));
  });
});

describe("asl/graph Mermaid", () => {
  it("renders the Map as a subgraph that contains its processor state", () => {
    const text = toMermaid(seedDistributed);
    assert.match(text, /^flowchart TD\n/);
    const sub = new RegExp(`subgraph ${idOf("MapData")}\\["Map: MapData[^\\n]*\\n\\s+direction TB\\n\\s+${idOf("ProcessData")}\\["ProcessData`);
    assert.match(text, sub);
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
});
