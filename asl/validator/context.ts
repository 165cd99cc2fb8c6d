/**
 * Per-validation state shared by the checks: the diagnostics collected so far and caches of parsed
 * paths and intrinsic functions. A fresh Context is made for every validateDefinition call, so no
 * state leaks between validations, yet a path repeated across a large definition is parsed once.
 * (JSONata verdicts additionally live in a bounded cache in ./jsonata.ts; see there why.)
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
    return jsonataSyntaxError(expression);
  }
}
