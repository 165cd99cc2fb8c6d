/**
 * One validator for all ASL: definitions rendered by the builders (run on every render) and any raw
 * ASL JSON file (`npm run validate`). It reports every problem it finds, each as a Diagnostic with
 * a code (AWS's ValidateStateMachineDefinition codes where one fits), a JSON-pointer location and a
 * message a person can act on. Only ERROR diagnostics make a definition invalid; WARNINGs mark
 * things AWS's documentation leaves open, so the validator never rejects what AWS may accept.
 *
 * Stages: JSON text (optional) → zod schema of the whole language (../schema.ts) → state graph per
 * scope (./graph.ts) → per-state semantic rules (./rules.ts). Every stage runs on the raw value, so
 * a schema error does not hide a graph error.
 */
import type { Diagnostic, ValidationResult } from "../diagnostics";
import { DEFINITION_MAX_CHARS, JSON_MAX_DEPTH, jsonTextDepth, valueDepth } from "../json-text";
import { CODES } from "./codes";
import { Context, type Segments } from "./context";
import { checkScopeGraph, checkStateNames, childScopes, collectStateNames } from "./graph";
import { duplicateKeys } from "./duplicate-keys";
import { StateRules, type StateEnv } from "./rules";
import { stateMachineSchema } from "../schema";
import { zodIssuesToDiagnostics } from "./zod-diagnostics";
import type { IamActionCatalog } from "../integrations/types";

export { CODES } from "./codes";
export type { DiagnosticCode } from "./codes";

export interface ValidateOptions {
  /** When given, checks that depend on the machine's type run (e.g. no Distributed Map in EXPRESS). */
  stateMachineType?: "STANDARD" | "EXPRESS";
  /** IAM's action list: when given, `aws-sdk:<service>:<action>` resources are checked against it. */
  iamActions?: IamActionCatalog;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
type Language = StateEnv["language"];
const languageOf = (v: unknown, fallback: Language): Language => (v === "JSONata" || v === "JSONPath" ? v : fallback);

/**
 * A JSONPath machine may hold JSONata states ("the console provides an option to convert individual
 * states to JSONata", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html),
 * not the reverse: "If JSONata is specified at the top level, JSONPath cannot be used in the state
 * machine definition" (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.QueryLanguage.html).
 */
function checkLanguageNesting(v: unknown, top: Language, at: Segments, ctx: Context): void {
  if (top === "JSONata" && v === "JSONPath") {
    ctx.report(
      CODES.INVALID_QUERY_LANGUAGE,
      at,
      'QueryLanguage "JSONPath" is not allowed inside a state machine whose QueryLanguage is "JSONata"; a JSONPath machine may hold JSONata states, not the reverse',
    );
  }
}

function result(diagnostics: Diagnostic[]): ValidationResult {
  return { valid: !diagnostics.some((d) => d.severity === "ERROR"), diagnostics };
}

/**
 * Validates a state machine definition: a parsed JSON value, or JSON text (then JSON syntax errors
 * are reported as INVALID_JSON_DESCRIPTION, as AWS does).
 */
export function validateDefinition(definition: unknown, options: ValidateOptions = {}): ValidationResult {
  let value = definition;
  // Size and depth first: everything after this point walks the definition recursively.
  const tooLarge = (chars: number) =>
    result([
      {
        code: CODES.DEFINITION_TOO_LARGE,
        location: "",
        message: `the definition is ${chars.toLocaleString("en-US")} characters; AWS accepts at most ${DEFINITION_MAX_CHARS.toLocaleString("en-US")} (CreateStateMachine definition)`,
        severity: "ERROR",
      },
    ]);
  const tooDeep = () =>
    result([
      {
        code: CODES.DEFINITION_TOO_DEEP,
        location: "",
        message: `the definition nests objects/arrays more than ${JSON_MAX_DEPTH.toLocaleString("en-US")} deep`,
        severity: "ERROR",
      },
    ]);
  const text = typeof value === "string" ? value : undefined;
  if (typeof value === "string") {
    if (value.trim() === "")
      return result([{ code: CODES.MISSING_DESCRIPTION, location: "", message: "the definition is empty", severity: "ERROR" }]);
    if (value.length > DEFINITION_MAX_CHARS) return tooLarge(value.length);
    if (jsonTextDepth(value, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return tooDeep();
    try {
      value = JSON.parse(value);
    } catch (e) {
      return result([
        { code: CODES.INVALID_JSON_DESCRIPTION, location: "", message: `not valid JSON: ${(e as Error).message}`, severity: "ERROR" },
      ]);
    }
  } else if (value !== null && typeof value === "object") {
    if (valueDepth(value, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return tooDeep();
    let chars = 0;
    try {
      chars = JSON.stringify(value).length;
    } catch {
      // Not JSON-serializable (a cycle, a BigInt): the schema stage reports what is wrong.
    }
    if (chars > DEFINITION_MAX_CHARS) return tooLarge(chars);
  }
  if (value === undefined || value === null) {
    return result([{ code: CODES.MISSING_DESCRIPTION, location: "", message: "no definition was given", severity: "ERROR" }]);
  }
  if (!isObj(value)) {
    return result([
      {
        code: CODES.SCHEMA_VALIDATION_FAILED,
        location: "",
        message: "a state machine definition must be a JSON object with StartAt and States",
        severity: "ERROR",
      },
    ]);
  }

  const ctx = new Context();
  if (text !== undefined) {
    for (const d of duplicateKeys(text)) {
      const where = `line ${d.first.line} column ${d.first.column} and line ${d.second.line} column ${d.second.column}`;
      if (d.stateName)
        ctx.report(
          CODES.DUPLICATE_STATE_NAME,
          [...d.at, d.key],
          `state name '${d.key}' appears twice in the same States object, at ${where}; JSON keeps only the last one`,
        );
      else
        ctx.report(
          CODES.INVALID_JSON_DESCRIPTION,
          [...d.at, d.key],
          `key '${d.key}' appears twice in the same object, at ${where}; JSON keeps only the last one`,
        );
    }
  }
  const parsed = stateMachineSchema.safeParse(value);
  if (!parsed.success) zodIssuesToDiagnostics(parsed.error.issues, value, [], ctx.diagnostics);

  const names = collectStateNames(value, []);
  checkStateNames(names, ctx);
  const rules = new StateRules(ctx, options.iamActions);
  const topLanguage = languageOf(value["QueryLanguage"], "JSONPath");

  const walk = (
    scope: Obj,
    at: Segments,
    kind: "root" | "branch" | "processor",
    language: Language,
    executionType: StateEnv["executionType"],
  ) => {
    checkScopeGraph(scope, at, kind, names, ctx);
    const states = scope["States"];
    if (!isObj(states)) return;
    for (const name of Object.keys(states)) {
      const state = states[name];
      if (!isObj(state)) continue;
      const stateAt = [...at, "States", name];
      const env: StateEnv = { language: languageOf(state["QueryLanguage"], language), executionType };
      checkLanguageNesting(state["QueryLanguage"], topLanguage, [...stateAt, "QueryLanguage"], ctx);
      rules.check(name, state, stateAt, env);
      for (const child of childScopes(state, stateAt)) {
        let childType = executionType;
        const config = child.scope["ProcessorConfig"];
        if (child.kind === "processor" && isObj(config) && config["Mode"] === "DISTRIBUTED") {
          const t = config["ExecutionType"];
          childType = t === "EXPRESS" || t === "STANDARD" ? t : undefined;
        }
        // Nested states default to the state machine's QueryLanguage, not the enclosing state's.
        checkLanguageNesting(child.scope["QueryLanguage"], topLanguage, [...child.at, "QueryLanguage"], ctx);
        walk(child.scope, child.at, child.kind, languageOf(child.scope["QueryLanguage"], topLanguage), childType);
      }
    }
  };
  walk(value, [], "root", topLanguage, options.stateMachineType);

  return result(ctx.diagnostics);
}
