/**
 * scripts/public-asl-types.ts prints the ASL types the published .d.ts carries without zod; they must
 * be the very types the schema infers. Checked by the compiler: each printed alias and its source
 * (`z.infer<...>` in asl/types.ts) must be the identical type.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { inferredAslTypes, rewriteTypesDeclaration } from "../../scripts/public-asl-types";
import { tempDir } from "../support/temp-dirs";
import { ROOT } from "./packed";

describe("the published ASL types (printed without zod)", function () {
  this.timeout(120_000);

  it("are the types the schema infers, each identical to its source", () => {
    const printed = inferredAslTypes();
    const dir = tempDir("sfn-asl-types-");
    const source = join(ROOT, "asl", "types").split("\\").join("/");
    // The printed aliases, in a module of their own (as the rewrite emits them), beside the source's.
    // The JSON value types stay imported from asl/json.ts, as the rewritten types.d.ts imports them.
    const json = join(ROOT, "asl", "json").split("\\").join("/");
    const emitted =
      `import type { JsonObject, JsonPrimitive, JsonValue } from ${JSON.stringify(json)};\n` +
      [...printed].map(([name, text]) => `export type ${name} = ${text};`).join("\n");
    assert.doesNotMatch(emitted, /\bany\b/);
    writeFileSync(join(dir, "printed.ts"), emitted);
    const names = [...printed.keys()];
    writeFileSync(
      join(dir, "check.ts"),
      `import type * as S from ${JSON.stringify(source)};
import type * as P from "./printed";
// Identical, not only assignable (a dropped optional field would still be assignable both ways).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const same: { ${names.map((n) => `${n}: true`).join("; ")} } = { ${names.map((n) => `${n}: true as Same<S.${n}, P.${n}>`).join(", ")} };\n`,
    );
    const program = ts.createProgram([join(dir, "check.ts")], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: [],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(errors, []);
    assert.ok(names.includes("State") && names.includes("StateMachineDefinition") && names.includes("ChoiceRule"), names.join(", "));
  });

  it("the rewrite leaves no zod and no ./schema import in types.d.ts", () => {
    const emitted = `import type { z } from "zod";\nimport type { stateSchema } from "./schema";\nexport type { StateType } from "./schema";\nexport type JsonValue = string;\nexport type State = z.infer<typeof stateSchema>;\nexport declare const LIMITS: { readonly payloadBytes: 262144 };\n`;
    const out = rewriteTypesDeclaration(
      emitted,
      new Map([
        ["State", '{ Type: "Pass" }'],
        ["StateType", '"Pass"'],
      ]),
    );
    assert.equal(
      out,
      `\n\nexport type StateType = "Pass";\nexport type JsonValue = string;\nexport type State = { Type: "Pass" };\nexport declare const LIMITS: { readonly payloadBytes: 262144 };\n`,
    );
  });
});
