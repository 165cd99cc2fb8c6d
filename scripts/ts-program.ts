/**
 * The TypeScript program the build scripts read the source with (public-asl-types.ts,
 * builder-reference.ts): the repository's compiler settings, nothing emitted.
 */
import ts from "typescript";

export function programOf(entry: string): ts.Program {
  return ts.createProgram([entry], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
  });
}
