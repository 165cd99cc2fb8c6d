/**
 * Duplicate keys in raw ASL text. `JSON.parse` keeps the last of two equal keys silently, so a
 * definition file with two "States" entries named alike would validate (and run) without one of
 * them. Momoa (@humanwhocodes/momoa, the JSON parser behind ESLint's JSON language) gives every
 * member with its line and column, so each duplicate is reported with both positions.
 *
 * A duplicate under a `States` object is AWS's DUPLICATE_STATE_NAME ("The same state name appears
 * more than once", API_ValidateStateMachineDefinitionDiagnostic); any other is
 * INVALID_JSON_DESCRIPTION ("JSON syntax problem found").
 */
import { parse, type AnyNode } from "@humanwhocodes/momoa";

export interface DuplicateKey {
  key: string;
  /** Path segments of the object holding the key. */
  at: Array<string | number>;
  first: { line: number; column: number };
  second: { line: number; column: number };
  /** True when the object is a States map: the duplicate is a state name. */
  stateName: boolean;
}

/** Every duplicate key of `text` (already known to be valid JSON), in document order. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  let ast;
  try {
    ast = parse(text, { mode: "json" });
  } catch {
    return out; // JSON.parse accepted it; a parser disagreement is not the user's problem.
  }
  const visit = (node: AnyNode, at: Array<string | number>) => {
    if (node.type === "Object") {
      const seen = new Map<string, { line: number; column: number }>();
      for (const m of node.members) {
        const key = m.name.type === "String" ? m.name.value : m.name.name;
        const pos = { line: m.name.loc.start.line, column: m.name.loc.start.column };
        const first = seen.get(key);
        if (first) out.push({ key, at, first, second: pos, stateName: at[at.length - 1] === "States" });
        else seen.set(key, pos);
        visit(m.value, [...at, key]);
      }
    } else if (node.type === "Array") {
      node.elements.forEach((e, i) => visit(e.value, [...at, i]));
    }
  };
  visit(ast.body, []);
  return out;
}
