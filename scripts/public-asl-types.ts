/**
 * Build step (run by `npm run build` after tsc): rewrites dist/asl/types.d.ts so the published ASL
 * types no longer import zod.
 *
 * Why: in the source every ASL type is `z.infer<typeof someSchema>` (asl/schema.ts is the one
 * description of the language). Emitted as is, the .d.ts imports "zod", whose declaration files
 * (v4/locales/index.d.cts) default-import `export =` modules and so only compile with
 * `esModuleInterop` or `skipLibCheck` (zod's maintainers' answer: colinhacks/zod#5160). Pulumi's
 * `aws-typescript` template sets neither. Here each such alias is printed as the plain type
 * TypeScript infers for it, so the published types are exactly the inferred ones, without zod:
 * nothing is written twice, the schema stays the source.
 *
 *   node --import tsx scripts/public-asl-types.ts [DIST]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { programOf } from "./ts-program";

const ROOT = resolve(__dirname, "..");
const SOURCE = join(ROOT, "asl", "types.ts");

/** Whether an alias is written in terms of the zod schema (z.infer, typeof a schema, StateOf). */
const isInferred = (alias: ts.TypeAliasDeclaration, sf: ts.SourceFile) => /\bz\.|typeof |StateOf</.test(alias.type.getText(sf));

/** `export ... from "./schema"`: the re-exports whose types come from zod. */
function fromSchema(s: ts.Statement): s is ts.ExportDeclaration {
  return (
    ts.isExportDeclaration(s) &&
    s.moduleSpecifier !== undefined &&
    ts.isStringLiteral(s.moduleSpecifier) &&
    s.moduleSpecifier.text === "./schema"
  );
}

/** Prints the exported aliases of asl/types.ts that are inferred from the schema, by name. */
export function inferredAslTypes(): Map<string, string> {
  const program = programOf(SOURCE);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(SOURCE)!;
  const aliases = sf.statements.filter(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && !!s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword),
  );
  // The re-exported schema aliases are printed too (they would otherwise pull in ./schema); other
  // re-exports (./json, ./limits) name modules free of zod and stay as they are.
  const reexported = sf.statements.flatMap((s) =>
    fromSchema(s) && s.exportClause && ts.isNamedExports(s.exportClause) ? s.exportClause.elements.map((e) => e.name) : [],
  );
  const named = new Map<ts.Type, string>();
  const declared: Array<[string, ts.Type]> = [];
  /** The aliases inferred from the schema: the only candidates for a structural match. */
  const inferred = new Set<ts.Type>();
  for (const node of [...aliases.map((a) => a.name), ...reexported]) {
    const type = checker.getTypeAtLocation(node);
    declared.push([node.text, type]);
    if (!named.has(type)) named.set(type, node.text);
    if (ts.isTypeAliasDeclaration(node.parent) && isInferred(node.parent, sf)) inferred.add(type);
  }
  // asl/json.ts's aliases (JsonValue, ...) are imported by types.ts and print by name too.
  const isOwnAlias = (t: ts.Type) =>
    t.aliasSymbol?.declarations?.some((d) => d.getSourceFile() === sf || /[\\/]asl[\\/]json\.ts$/.test(d.getSourceFile().fileName)) ===
    true;

  const visiting = new Set<ts.Type>();
  // A recursive schema's inner occurrences are other instantiations of the same type: found by
  // structure (mutual assignability), so they print as the alias's name.
  const sameAs = new Map<ts.Type, ts.Type | undefined>();
  const namedLike = (t: ts.Type): ts.Type | undefined => {
    if (named.has(t) || !(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Union))) return undefined;
    if (!sameAs.has(t)) {
      const shape = (x: ts.Type) =>
        JSON.stringify([
          checker
            .getPropertiesOfType(x)
            .map((p) => p.name)
            .sort(),
          checker.getIndexInfosOfType(x).length,
          x.isUnion() ? x.types.length : 0,
        ]);
      sameAs.set(
        t,
        [...inferred].find((n) => shape(n) === shape(t) && checker.isTypeAssignableTo(t, n) && checker.isTypeAssignableTo(n, t)),
      );
    }
    return sameAs.get(t);
  };
  const print = (t: ts.Type, top = false): string => {
    if (!top && (named.has(t) || isOwnAlias(t))) return printOnce(t, false);
    const like = top ? undefined : namedLike(t);
    if (like) return named.get(like)!;
    if (visiting.has(t)) throw new Error(`a recursive ASL type without a name: ${checker.typeToString(t).slice(0, 200)}`);
    visiting.add(t);
    try {
      return printOnce(t, top);
    } finally {
      visiting.delete(t);
    }
  };
  const printOnce = (t: ts.Type, top: boolean): string => {
    if (!top) {
      const name = named.get(t);
      if (name) return name;
      if (isOwnAlias(t)) return t.aliasSymbol!.name;
    }
    if (t.isUnion()) {
      const parts = t.types.map((m) => print(m));
      const hasTrue = parts.includes("true");
      const hasFalse = parts.includes("false");
      const merged = hasTrue && hasFalse ? ["boolean", ...parts.filter((p) => p !== "true" && p !== "false")] : parts;
      return merged.map((p) => (p.includes("=>") ? `(${p})` : p)).join(" | ");
    }
    if (t.isIntersection()) return t.types.map((m) => `(${print(m)})`).join(" & ");
    if (checker.isArrayType(t)) {
      const [element] = checker.getTypeArguments(t as ts.TypeReference);
      return `Array<${print(element!)}>`;
    }
    if (checker.isTupleType(t))
      return `[${checker
        .getTypeArguments(t as ts.TypeReference)
        .map((m) => print(m))
        .join(", ")}]`;
    if (t.flags & ts.TypeFlags.Object) {
      const members: string[] = [];
      for (const info of checker.getIndexInfosOfType(t)) members.push(`[key: ${checker.typeToString(info.keyType)}]: ${print(info.type)};`);
      for (const p of checker.getPropertiesOfType(t)) {
        const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
        const type = checker.getTypeOfSymbol(p);
        members.push(`${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name)}${optional ? "?" : ""}: ${print(type)};`);
      }
      if (checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0)
        throw new Error(`a function type in the ASL types: ${checker.typeToString(t)}`);
      return `{ ${members.join(" ")} }`;
    }
    // Primitives, literals, template literals (JsonataString's `{%${string}%}`).
    return checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
  };
  return new Map(declared.map(([name, type]) => [name, print(type, true)]));
}

/** dist/asl/types.d.ts with each inferred alias replaced by its printed type, and no zod or ./schema import. */
export function rewriteTypesDeclaration(emitted: string, printed: Map<string, string>): string {
  const sf = ts.createSourceFile("types.d.ts", emitted, ts.ScriptTarget.ES2022, true);
  let out = "";
  let last = 0;
  const replace = (node: ts.Node, text: string) => {
    out += emitted.slice(last, node.getStart(sf)) + text;
    last = node.getEnd();
  };
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text !== "./json") {
      replace(s, ""); // zod and ./schema: printed away
    } else if (fromSchema(s)) {
      const names = s.exportClause && ts.isNamedExports(s.exportClause) ? s.exportClause.elements.map((e) => e.name.text) : [];
      replace(s, names.map((n) => `export type ${n} = ${printed.get(n)!};`).join("\n"));
    } else if (ts.isTypeAliasDeclaration(s) && printed.has(s.name.text) && isInferred(s, sf)) {
      replace(
        s,
        `${s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ? "export " : ""}type ${s.name.text} = ${printed.get(s.name.text)!};`,
      );
    } else if (ts.isTypeAliasDeclaration(s) && s.name.text === "StateOf") {
      replace(s, ""); // a private helper of the inferred aliases, printed away
    }
  }
  out += emitted.slice(last);
  if (/from "zod"|from "\.\/schema"|\bz\./.test(out))
    throw new Error("dist/asl/types.d.ts still refers to zod or ./schema after the rewrite");
  return out;
}

if (require.main === module) {
  const dist = resolve(process.argv[2] ?? join(ROOT, "dist"));
  const file = join(dist, "asl", "types.d.ts");
  writeFileSync(file, rewriteTypesDeclaration(readFileSync(file, "utf8"), inferredAslTypes()));
}
