export {
  buildStateGraph,
  describeChoiceRule,
  type GraphBadge,
  type GraphEdge,
  type GraphNode,
  type GraphScope,
  type StateGraph,
} from "./model";
export { toMermaid } from "./mermaid";
export { toSvg, type SvgOptions } from "./svg";
