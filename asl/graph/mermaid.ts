/**
 * Mermaid flowchart text for a state machine: Map processors and Parallel branches become nested
 * subgraphs, so the text renders (GitHub, mermaid.live) the way Workflow Studio draws the machine.
 * Syntax: https://mermaid.js.org/syntax/flowchart.html
 */
import type { StateMachineDefinition } from "../types";
import { buildStateGraph, type GraphEdge, type GraphNode, type GraphScope } from "./model";

export function toMermaid(definition: StateMachineDefinition): string {
  const { root } = buildStateGraph(definition);
  const lines: string[] = ["flowchart TD"];
  writeScope(root, lines, "  ");
  lines.push(
    "  classDef task fill:#e8f1fb,stroke:#3d7ac7,color:#102a43",
    "  classDef flow fill:#f4f4f4,stroke:#7b8794,color:#102a43",
    "  classDef choice fill:#fff7e6,stroke:#d9822b,color:#102a43",
    "  classDef terminal fill:#e6f6ec,stroke:#2f855a,color:#102a43",
    "  classDef fail fill:#fdecec,stroke:#c53030,color:#102a43",
    "  classDef startend fill:#102a43,stroke:#102a43,color:#ffffff",
  );
  return lines.join("\n") + "\n";
}

function writeScope(scope: GraphScope, lines: string[], indent: string): void {
  for (const node of scope.nodes) writeNode(node, lines, indent);
  for (const edge of scope.edges) lines.push(indent + edgeLine(edge));
}

function writeNode(node: GraphNode, lines: string[], indent: string): void {
  if (node.kind === "start") {
    lines.push(`${indent}${node.id}(("Start")):::startend`);
    return;
  }
  if (node.kind === "end") {
    lines.push(`${indent}${node.id}(("End")):::startend`);
    return;
  }
  const text = label(node);
  if (node.scopes.length > 0) {
    lines.push(`${indent}subgraph ${node.id}["${text}"]`);
    lines.push(`${indent}  direction TB`);
    if (node.scopes.length === 1) {
      writeScope(node.scopes[0]!, lines, indent + "  ");
    } else {
      for (const branch of node.scopes) {
        lines.push(`${indent}  subgraph ${branch.id}["${escape(branch.title)}"]`);
        lines.push(`${indent}    direction TB`);
        writeScope(branch, lines, indent + "    ");
        lines.push(`${indent}  end`);
      }
    }
    lines.push(`${indent}end`);
    return;
  }
  switch (node.type) {
    case "Choice":
      lines.push(`${indent}${node.id}{"${text}"}:::choice`);
      break;
    case "Succeed":
      lines.push(`${indent}${node.id}(["${text}"]):::terminal`);
      break;
    case "Fail":
      lines.push(`${indent}${node.id}(["${text}"]):::fail`);
      break;
    case "Task":
      lines.push(`${indent}${node.id}["${text}"]:::task`);
      break;
    default:
      lines.push(`${indent}${node.id}["${text}"]:::flow`);
  }
}

function edgeLine(edge: GraphEdge): string {
  const arrow = edge.kind === "catch" ? "-.->" : "-->";
  return edge.label ? `${edge.from} ${arrow}|"${escape(edge.label)}"| ${edge.to}` : `${edge.from} ${arrow} ${edge.to}`;
}

function label(node: GraphNode): string {
  const title = node.type === "Map" || node.type === "Parallel" ? `${node.type}: ${node.name}` : node.name;
  // The details, then the badges (Retry, callback, .sync), one line each.
  const lines = [...(node.detail ? node.detail.split("\n") : []), ...(node.badges ?? []).map((b) => b.text)];
  return lines.length > 0 ? `${escape(title)}<br/><small>${lines.map(escape).join("<br/>")}</small>` : escape(title);
}

/** Mermaid's entity codes: quotes and angle brackets inside a quoted label. */
function escape(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}
