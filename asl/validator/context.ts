/**
 * Per-validation state shared by the checks: the diagnostics collected so far and caches of parsed
 * paths and expressions. A fresh Context is made for every validateDefinition call, so nothing
 * leaks between validations (no global caches), yet a path or expression repeated across a large
 * definition is parsed once.
 */
import { jsonPointer, type Diagnostic, type DiagnosticSeverity } from "../diagnostics";
import { checkPath, type PathCheck } from "./jsonpath";
import { checkIntrinsic, type IntrinsicProblem } from "./intrinsics";
import { jsonataSyntaxError } from "./jsonata";

export type Segments = readonly (string | number)[];

export class Context {
  readonly diagnostics: Diagnostic[] = [];
  private readonly paths = new Map<string, PathCheck>();
  private readonly intrinsics = new Map<string, IntrinsicProblem[]>();
  private readonly expressions = new Map<string, string | undefined>();

  report(code: string, segments: Segments, message: string, severity: DiagnosticSeverity = "ERROR"): void {
    this.diagnostics.push({ code, location: jsonPointer(segments), message, severity });
  }

  path(path: string): PathCheck {
    let r = this.paths.get(path);
    if (!r) this.paths.set(path, (r = checkPath(path)));
    return r;
  }

  intrinsic(expression: string): IntrinsicProblem[] {
    let r = this.intrinsics.get(expression);
    if (!r) this.intrinsics.set(expression, (r = checkIntrinsic(expression)));
    return r;
  }

  jsonata(expression: string): string | undefined {
    if (this.expressions.has(expression)) return this.expressions.get(expression);
    const r = jsonataSyntaxError(expression);
    this.expressions.set(expression, r);
    return r;
  }
}
