/**
 * An SVG drawing of a state machine, laid out by ELK (elkjs, the Eclipse Layout Kernel's layered
 * algorithm): Map processors and Parallel branches are drawn as nested containers, the way Workflow
 * Studio draws them, with the Map's mode, reader and batch size under its name.
 *
 * Pure (no I/O): ASL JSON in, SVG text out. Async only because elkjs's API is.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkLabel, ElkNode } from "elkjs/lib/elk-api";
import type { StateMachineDefinition } from "../types";
import { buildStateGraph, type GraphBadge, type GraphEdge, type GraphNode, type GraphScope } from "./model";

const FONT = "Helvetica, Arial, sans-serif";
const NAME_SIZE = 13;
const DETAIL_SIZE = 11;
const LABEL_SIZE = 10;
/** Container header: the name line, then one line per detail line. */
const headerHeight = (detailLines: number) => 30 + detailLines * 15;
const BRANCH_HEADER = 24;
const PAD = 16;

/** Width of a text line at a font size; generous (sans-serif averages ~0.55em a glyph) so text never overflows. */
function textWidth(text: string, size: number): number {
  return Math.ceil(text.length * size * 0.6);
}

interface Style {
  fill: string;
  stroke: string;
}

const STYLES: Record<string, Style> = {
  Task: { fill: "#e8f1fb", stroke: "#3d7ac7" },
  Choice: { fill: "#fff7e6", stroke: "#d9822b" },
  Succeed: { fill: "#e6f6ec", stroke: "#2f855a" },
  Fail: { fill: "#fdecec", stroke: "#c53030" },
  Map: { fill: "#f7f5ff", stroke: "#6b46c1" },
  Parallel: { fill: "#f0fbfc", stroke: "#0e7c86" },
  other: { fill: "#f4f4f4", stroke: "#7b8794" },
  branch: { fill: "#ffffff", stroke: "#9aa5b1" },
};

interface NodeInfo {
  node?: GraphNode;
  branch?: GraphScope;
}

export interface SvgOptions {
  /** Title shown at the top of the drawing (e.g. the workflow's name). */
  title?: string;
}

export async function toSvg(definition: StateMachineDefinition, options: SvgOptions = {}): Promise<string> {
  const { root } = buildStateGraph(definition);
  const info = new Map<string, NodeInfo>();
  const edges = new Map<string, GraphEdge>();
  const elkRoot: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.layered.spacing.nodeNodeBetweenLayers": "34",
      "elk.spacing.nodeNode": "28",
      "elk.spacing.edgeLabel": "4",
      "elk.padding": `[top=${options.title ? 40 : PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      // Start first: break loops (Choice back to a Wait) against the states' order, not at random.
      "elk.layered.cycleBreaking.strategy": "DEPTH_FIRST",
    },
    ...scopeContents(root, info, edges),
  };
  const laidOut = await new ELK().layout(elkRoot);
  return renderSvg(laidOut, info, edges, options.title);
}

function scopeContents(scope: GraphScope, info: Map<string, NodeInfo>, edges: Map<string, GraphEdge>): Pick<ElkNode, "children" | "edges"> {
  return {
    children: scope.nodes.map((n) => elkNode(n, info, edges)),
    edges: scope.edges.map((e): ElkExtendedEdge => {
      edges.set(e.id, e);
      // Inline (an ELK option of the label): the edge runs through its label, so a label sits on its
      // own edge. Beside the edge (ELK's default), a Choice rule's label could land next to a
      // neighbouring edge's segment and read as that edge's.
      const labels: ElkLabel[] = e.label
        ? [
            {
              text: e.label,
              width: textWidth(e.label, LABEL_SIZE) + 6,
              height: LABEL_SIZE + 6,
              layoutOptions: { "elk.edgeLabels.inline": "true" },
            },
          ]
        : [];
      return { id: e.id, sources: [e.from], targets: [e.to], labels };
    }),
  };
}

function containerOptions(headerHeight: number, minWidth: number, sideBySide = false): Record<string, string> {
  return {
    "elk.algorithm": "layered",
    "elk.direction": "DOWN",
    // Parallel branches share no edges; kept as one component they land in one layer, side by side.
    "elk.separateConnectedComponents": sideBySide ? "false" : "true",
    "elk.layered.cycleBreaking.strategy": "DEPTH_FIRST",
    "elk.edgeRouting": "ORTHOGONAL",
    "elk.layered.spacing.nodeNodeBetweenLayers": "30",
    "elk.spacing.nodeNode": "24",
    "elk.padding": `[top=${headerHeight},left=${PAD},bottom=${PAD},right=${PAD}]`,
    "elk.nodeSize.constraints": "MINIMUM_SIZE",
    "elk.nodeSize.minimum": `(${minWidth}, ${headerHeight + PAD})`,
  };
}

/** A badge's colour: Retry amber, a callback or .sync wait blue. */
const BADGE_COLORS: Record<GraphBadge["kind"], string> = { retry: "#b7791f", callback: "#2b6cb0", sync: "#2b6cb0" };

/** The lines under a state's name: its details, then its badges. */
function subLines(node: GraphNode): Array<{ text: string; color: string }> {
  return [
    ...(node.detail ? node.detail.split("\n").map((text) => ({ text, color: "#52606d" })) : []),
    ...(node.badges ?? []).map((b) => ({ text: b.text, color: BADGE_COLORS[b.kind] })),
  ];
}

function elkNode(node: GraphNode, info: Map<string, NodeInfo>, edges: Map<string, GraphEdge>): ElkNode {
  info.set(node.id, { node });
  if (node.kind !== "state") return { id: node.id, width: 64, height: 30 };
  const title = containerTitle(node);
  const detailLines = subLines(node).map((l) => l.text);
  const nameWidth = textWidth(title, NAME_SIZE);
  const detailWidth = Math.max(0, ...detailLines.map((l) => textWidth(l, DETAIL_SIZE)));
  const width = Math.max(130, nameWidth, detailWidth) + 28;
  if (node.scopes.length === 0) return { id: node.id, width, height: 38 + detailLines.length * 14 };
  const HEADER = headerHeight(detailLines.length);

  if (node.scopes.length === 1) {
    return { id: node.id, layoutOptions: containerOptions(HEADER, width), ...scopeContents(node.scopes[0]!, info, edges) };
  }
  // Parallel: one titled box per branch, side by side (no edges between them, so one layer).
  return {
    id: node.id,
    layoutOptions: containerOptions(HEADER, width, true),
    children: node.scopes.map((branch) => {
      info.set(branch.id, { branch });
      return {
        id: branch.id,
        layoutOptions: containerOptions(BRANCH_HEADER, textWidth(branch.title, DETAIL_SIZE) + 2 * PAD),
        ...scopeContents(branch, info, edges),
      };
    }),
    edges: [],
  };
}

function containerTitle(node: GraphNode): string {
  return node.type === "Map" || node.type === "Parallel" ? `${node.type}: ${node.name}` : node.name;
}

function renderSvg(root: ElkNode, info: Map<string, NodeInfo>, edges: Map<string, GraphEdge>, title?: string): string {
  const width = Math.ceil(root.width ?? 0);
  const height = Math.ceil(root.height ?? 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#52606d"/></marker>` +
      `<marker id="arrow-catch" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c53030"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  if (title) out.push(text(PAD, 26, title, 16, "#102a43", "start", "bold"));
  drawContainer(root, 0, 0, info, edges, out);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function drawContainer(
  container: ElkNode,
  ox: number,
  oy: number,
  info: Map<string, NodeInfo>,
  edges: Map<string, GraphEdge>,
  out: string[],
): void {
  for (const child of container.children ?? []) drawNode(child, ox + (child.x ?? 0), oy + (child.y ?? 0), info, edges, out);
  // Edge sections are relative to the node that declares the edge (elkjs's default edge coordinates).
  for (const edge of container.edges ?? []) drawEdge(edge, ox, oy, edges.get(edge.id), out);
}

function drawNode(n: ElkNode, x: number, y: number, info: Map<string, NodeInfo>, edges: Map<string, GraphEdge>, out: string[]): void {
  const w = n.width ?? 0;
  const h = n.height ?? 0;
  const meta = info.get(n.id) ?? {};
  if (meta.branch) {
    out.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${STYLES.branch!.fill}" stroke="${STYLES.branch!.stroke}" stroke-dasharray="4 3"/>`,
    );
    out.push(text(x + 10, y + 16, meta.branch.title, DETAIL_SIZE, "#52606d", "start"));
    drawContainer(n, x, y, info, edges, out);
    return;
  }
  const node = meta.node;
  if (!node) return;
  if (node.kind !== "state") {
    out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${h / 2}" fill="#102a43"/>`);
    out.push(text(x + w / 2, y + h / 2 + 4, node.name, 12, "#ffffff", "middle", "bold"));
    return;
  }
  const style = STYLES[node.type ?? "other"] ?? STYLES.other!;
  const title = containerTitle(node);
  if (node.scopes.length > 0) {
    // A container: header with the state's name and details, the processor or branches inside.
    out.push(`<g id="${n.id}"><title>${escapeXml(title)}</title>`);
    out.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
    );
    out.push(text(x + 12, y + 19, title, NAME_SIZE, "#102a43", "start", "bold"));
    subLines(node).forEach((line, i) => out.push(text(x + 12, y + 35 + i * 15, line.text, DETAIL_SIZE, line.color, "start")));
    out.push("</g>");
    drawContainer(n, x, y, info, edges, out);
    return;
  }
  out.push(`<g id="${n.id}"><title>${escapeXml(node.type ?? "")}: ${escapeXml(node.name)}</title>`);
  if (node.type === "Choice") {
    out.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${h / 2}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
    );
  } else {
    const rx = node.type === "Succeed" || node.type === "Fail" ? h / 2 : 6;
    out.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${rx}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
    );
  }
  const lines = subLines(node);
  if (lines.length > 0) {
    out.push(text(x + w / 2, y + 21, node.name, NAME_SIZE, "#102a43", "middle", "bold"));
    lines.forEach((line, i) => out.push(text(x + w / 2, y + 38 + i * 14, line.text, DETAIL_SIZE, line.color, "middle")));
  } else {
    out.push(text(x + w / 2, y + h / 2 + 4.5, node.name, NAME_SIZE, "#102a43", "middle", "bold"));
  }
  out.push("</g>");
}

function drawEdge(edge: ElkExtendedEdge, ox: number, oy: number, meta: GraphEdge | undefined, out: string[]): void {
  const isCatch = meta?.kind === "catch";
  const color = isCatch ? "#c53030" : "#52606d";
  // One group per edge, its label inside: which label belongs to which edge is in the file, not a guess.
  out.push(`<g id="${edge.id}" class="edge ${meta?.kind ?? "next"}">`);
  for (const s of edge.sections ?? []) {
    const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${round(ox + p.x)},${round(oy + p.y)}`);
    out.push(
      `<polyline points="${points.join(" ")}" fill="none" stroke="${color}" stroke-width="1.3"${isCatch ? ' stroke-dasharray="5 3"' : ""} marker-end="url(#${isCatch ? "arrow-catch" : "arrow"})"/>`,
    );
  }
  for (const l of edge.labels ?? []) {
    if (!l.text) continue;
    const lx = ox + (l.x ?? 0);
    const ly = oy + (l.y ?? 0);
    out.push(
      `<rect x="${round(lx)}" y="${round(ly)}" width="${l.width ?? 0}" height="${l.height ?? 0}" rx="3" fill="#ffffff" stroke="${color}" stroke-width="0.6"/>`,
    );
    out.push(text(lx + 3, ly + LABEL_SIZE + 1, l.text, LABEL_SIZE, color, "start"));
  }
  out.push("</g>");
}

function text(x: number, y: number, content: string, size: number, fill: string, anchor: "start" | "middle", weight?: "bold"): string {
  return `<text x="${round(x)}" y="${round(y)}" font-size="${size}" fill="${fill}" text-anchor="${anchor}"${weight ? ` font-weight="${weight}"` : ""}>${escapeXml(content)}</text>`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
