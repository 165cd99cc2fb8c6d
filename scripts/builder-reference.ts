/**
 * Writes docs/builders.md, the reference of `sfn-distributed-map/asl`, from the code itself: each
 * export of asl/index.ts in its section (the `// ...` comment above it there), each function with
 * its signature and doc comment, each option type with its fields (type and doc comment), and every
 * member of `Condition` and `StatesErrors`. `npm run api` runs it (with the API reports); a test
 * checks the file is current.
 *
 *   node --import tsx scripts/builder-reference.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { programOf } from "./ts-program";

const ROOT = resolve(__dirname, "..");
const ENTRY = join(ROOT, "asl", "index.ts");
export const REFERENCE = join(ROOT, "docs", "builders.md");

const FORMAT =
  ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope | ts.TypeFormatFlags.WriteArrowStyleSignature;
/** Inline code, also when the text holds backticks (a template literal type). */
const code = (text: string) => (text.includes("`") ? "`` " + text + " ``" : "`" + text + "`");
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

export function builderReference(): string {
  const program = programOf(ENTRY);
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(ENTRY)!;
  const doc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const out: string[] = [
    "# `sfn-distributed-map/asl` reference",
    "",
    "Generated from the code (`npm run api` writes it; `scripts/builder-reference.ts`): every export of the",
    "package's `/asl` entry, with its signature, its doc comment and the fields of its options. How to compose",
    "them: [builders-guide.md](builders-guide.md); [deploying.md](deploying.md) has a complete program.",
    "",
  ];

  const optionsTable = (type: ts.Type, at: ts.Node): string[] => {
    const props = checker.getPropertiesOfType(type).filter((p) => !p.name.startsWith("_"));
    if (props.length === 0) return [];
    const rows = props.map((p) => {
      const t = checker.getTypeOfSymbolAtLocation(p, at);
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      return `| \`${p.name}${optional ? "?" : ""}\` | ${code(cell(checker.typeToString(t, at, FORMAT)))} | ${cell(doc(p))} |`;
    });
    return ["| field | type | |", "|---|---|---|", ...rows, ""];
  };

  let section = "";
  for (const statement of entry.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
    const comment = ts
      .getLeadingCommentRanges(entry.text, statement.getFullStart())
      ?.map((r) => entry.text.slice(r.pos, r.end))
      .find((c) => c.startsWith("// "));
    if (comment && comment !== section) {
      section = comment;
      out.push(`## ${comment.slice(3).replace(/\.$/, "")}`, "");
    }
    for (const element of statement.exportClause.elements) {
      const alias = checker.getSymbolAtLocation(element.name)!;
      const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
      const name = element.name.text;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const text = doc(symbol);
      if (symbol.flags & ts.SymbolFlags.Function) {
        const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
        out.push(`### \`${name}\``, "");
        for (const sig of type.getCallSignatures())
          out.push(
            "```ts",
            `${name}${checker.signatureToString(sig, declaration, FORMAT & ~ts.TypeFormatFlags.WriteArrowStyleSignature)}`,
            "```",
          );
        out.push("", ...(text ? [text, ""] : []));
      } else if (symbol.flags & ts.SymbolFlags.Variable) {
        // Condition, StatesErrors: objects whose members are the API.
        const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
        out.push(`### \`${name}\``, "", ...(text ? [text, ""] : []), "| member | type | |", "|---|---|---|");
        for (const p of checker.getPropertiesOfType(type)) {
          const t = checker.getTypeOfSymbolAtLocation(p, declaration);
          out.push(`| \`${name}.${p.name}\` | ${code(cell(checker.typeToString(t, declaration, FORMAT)))} | ${cell(doc(p))} |`);
        }
        out.push("");
      } else if (symbol.flags & ts.SymbolFlags.Class) {
        out.push(`### \`${name}\` (class)`, "", ...(text ? [text, ""] : []));
        if (/Error$/.test(name)) continue;
        const instance = checker.getDeclaredTypeOfSymbol(symbol);
        const members = checker
          .getPropertiesOfType(instance)
          .filter(
            (p) =>
              !p.name.startsWith("_") &&
              !(
                p.valueDeclaration &&
                ts.getCombinedModifierFlags(p.valueDeclaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
              ),
          );
        if (members.length > 0) {
          out.push("| member | type | |", "|---|---|---|");
          for (const p of members)
            out.push(
              `| \`${p.name}\` | ${code(cell(checker.typeToString(checker.getTypeOfSymbolAtLocation(p, declaration), declaration, FORMAT)))} | ${cell(doc(p))} |`,
            );
          out.push("");
        }
      } else if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        out.push(`### \`${name}\` (type)`, "", ...(text ? [text, ""] : []));
        if (/(Options|Params|Entry|Location|Context|Source)$/.test(name)) out.push(...optionsTable(type, declaration));
        else if (!(type.flags & ts.TypeFlags.Object) || type.isUnion())
          out.push(
            "```ts",
            `type ${name} = ${checker.typeToString(type, declaration, FORMAT | ts.TypeFormatFlags.InTypeAlias)}`,
            "```",
            "",
          );
      }
    }
  }
  return (
    out
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

if (require.main === module) {
  const text = builderReference();
  if (process.argv.includes("--check")) {
    if (readFileSync(REFERENCE, "utf8") !== text) {
      process.stderr.write("docs/builders.md is not current: run `npm run api`\n");
      process.exitCode = 1;
    }
  } else writeFileSync(REFERENCE, text);
}
