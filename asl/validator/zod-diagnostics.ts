/**
 * Turns zod issues into Diagnostics: one per problem, located by JSON pointer, with a message that
 * names the field and the rule ("MaxInputBytesPerBatch must be at most 262144, got 300000").
 */
import type { z } from "zod";
import { jsonPointer, type Diagnostic } from "../diagnostics";
import { CODES } from "./codes";
import { STATE_TYPES } from "../schema";

type Issue = z.core.$ZodIssue;
type Segment = string | number;

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (Number.isInteger(v)) return "integer";
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** "field Next of state 'A'" style names are long; the pointer already says where, so name the field only. */
function fieldName(path: readonly Segment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === "string") return i === path.length - 1 ? seg : `${seg}[${path.slice(i + 1).join("][")}]`;
  }
  return "the definition";
}

/** What kind of object holds a field, for "is not a field of a Task state" messages. */
function containerName(root: unknown, path: readonly Segment[]): string {
  const obj = valueAt(root, path);
  const type = obj && typeof obj === "object" ? (obj as Record<string, unknown>)["Type"] : undefined;
  if (typeof type === "string" && path.length >= 2 && path[path.length - 2] === "States") return `a ${type} state`;
  if (path.length === 0) return "the top level of a state machine";
  const last = path[path.length - 1];
  if (typeof last === "number") {
    const parent = path[path.length - 2];
    if (parent === "Retry") return "a Retry rule";
    if (parent === "Catch") return "a Catch rule";
    if (parent === "Branches") return "a Parallel branch";
    return "a Choice rule";
  }
  if (last === "Not") return "a Choice rule";
  return String(last);
}

const TYPE_FAMILY: Record<string, string> = { int: "number", number: "number", integer: "number" };
const familyOf = (t: string) => TYPE_FAMILY[t] ?? t;

function expectedLabel(issue: Issue): string | undefined {
  if (issue.code === "invalid_type") return issue.expected === "int" ? "an integer" : `a ${issue.expected}`;
  // JSONata expressions are the schema's only regex/template-literal strings (asl/schema.ts jsonataExpr).
  if (issue.code === "invalid_format" && (issue.format === "regex" || issue.format === "template_literal"))
    return "a JSONata expression {% ... %}";
  return undefined;
}

export function zodIssuesToDiagnostics(
  issues: readonly Issue[],
  root: unknown,
  base: readonly Segment[] = [],
  out: Diagnostic[] = [],
): Diagnostic[] {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Segment[])];
    const value = valueAt(root, path);
    const at = jsonPointer(path);
    const field = fieldName(path);
    const push = (message: string, location = at) =>
      out.push({ code: CODES.SCHEMA_VALIDATION_FAILED, location, message, severity: "ERROR" });

    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          push(`'${key}' is not a field of ${containerName(root, path)}; remove it or check its spelling`, jsonPointer([...path, key]));
        }
        break;
      case "invalid_union": {
        if ("discriminator" in issue && issue.discriminator) {
          const types = STATE_TYPES.join(", ");
          if (value === undefined) push(`a state needs a Type, one of ${types}`);
          else push(`Type must be one of ${types}; got ${show(value)}`);
          break;
        }
        // Pick the alternative that matches the value's JSON type (e.g. number vs JSONata string).
        const actual = familyOf(jsonType(value));
        const branch = issue.errors.find((errs) => {
          const first = errs[0];
          return (
            first !== undefined &&
            !(first.code === "invalid_type" && familyOf(first.expected) !== actual) &&
            !(first.code === "invalid_format" && actual === "string" && typeof value === "string" && !value.startsWith("{%"))
          );
        });
        if (branch) zodIssuesToDiagnostics(branch, root, path, out);
        else {
          const labels = [...new Set(issue.errors.map((e) => (e[0] ? expectedLabel(e[0]) : undefined)).filter((l): l is string => !!l))];
          push(`${field} must be ${labels.join(" or ") || "a valid value"}; got ${show(value)}`);
        }
        break;
      }
      case "invalid_type":
        if (value === undefined) push(`missing required field ${field}`);
        else push(`${field} must be ${expectedLabel(issue)}; got ${jsonType(value)} ${show(value)}`);
        break;
      case "too_small":
        if (issue.origin === "array") push(`${field} must contain at least ${issue.minimum} item(s)`);
        else push(`${field} must be ${issue.inclusive ? "at least" : "greater than"} ${issue.minimum}; got ${show(value)}`);
        break;
      case "too_big":
        if (issue.origin === "array") push(`${field} may contain at most ${issue.maximum} item(s)`);
        else push(`${field} must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}; got ${show(value)}`);
        break;
      case "invalid_value":
        push(`${field} must be one of ${issue.values.map((v) => show(v)).join(", ")}; got ${show(value)}`);
        break;
      case "invalid_format":
        push(`${field} ${issue.message}; got ${show(value)}`);
        break;
      default:
        push(`${field}: ${issue.message}`);
    }
  }
  return out;
}
