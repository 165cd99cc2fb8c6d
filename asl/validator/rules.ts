/**
 * Semantic checks of each state: rules that relate fields to each other, depend on the query
 * language or the Map's mode, or look inside strings (paths, intrinsic functions, JSONata).
 * They run on the raw JSON whether or not the schema passed, defensively, so that one call
 * reports every problem.
 */
import { STATES_ERRORS } from "../errors";
import { CODES } from "./codes";
import type { Context, Segments } from "./context";
import { referencePathProblem } from "./jsonpath";
import { isJsonataString } from "./jsonata";
import {
  catcherSchema,
  CHOICE_OPERATORS,
  isChoiceOperator,
  itemBatcherSchema,
  itemReaderSchema,
  mapStateSchema,
  NUMBER_OR_EXPRESSION_FIELDS,
  readerConfigSchema,
  resultWriterSchema,
  STATE_SCHEMAS,
  waitStateSchema,
} from "../schema";
import { fieldsWhere, numberOrExpressionFields, pathVariantPairs } from "../fields";
import { LIMITS } from "../types";
import { resourceProblem, type IamActionCatalog } from "../integrations";

type Obj = Record<string, unknown>;
type Language = "JSONPath" | "JSONata";
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const has = (o: Obj, k: string) => o[k] !== undefined;

export interface StateEnv {
  language: Language;
  /** STANDARD/EXPRESS when known: from the caller's option, or from an enclosing Distributed Map's ExecutionType. */
  executionType: "STANDARD" | "EXPRESS" | undefined;
}

/**
 * The field lists the rules walk, each read off the schema's field facts (../fields.ts), in schema
 * order: a new field gets its rules from its one entry in ../schema.ts.
 */
const STATES = Object.values(STATE_SCHEMAS);
/** Fields that exist only in JSONPath states, and only in JSONata states (transforming-data; see FieldFacts.language). */
export const JSONPATH_ONLY_STATE_FIELDS: readonly string[] = fieldsWhere(STATES, (f) => f.language === "JSONPath");
export const JSONATA_ONLY_STATE_FIELDS: readonly string[] = fieldsWhere(STATES, (f) => f.language === "JSONata");

/** A value field and its `...Path` variant, which may not appear together (a value and the path that supplies it at run time). */
export const PATH_VARIANTS: ReadonlyArray<readonly [string, string]> = pathVariantPairs(STATES);

/** Reference-path fields of a state ("...MUST be a Reference Path", https://states-language.net/spec.html). */
export const REFERENCE_PATH_FIELDS: readonly string[] = fieldsWhere(STATES, (f) => f.path === "reference");
/** Path fields of a state (any JSONPath: InputPath, OutputPath). */
const PATH_FIELDS = fieldsWhere(STATES, (f) => f.path === "path");
/** Fields holding a reference path or an intrinsic function (Fail's ErrorPath, CausePath). */
const PATH_OR_INTRINSIC_FIELDS = fieldsWhere(STATES, (f) => f.path === "referenceOrIntrinsic");
/** Fields that configure a Map Run, so only a Distributed Map takes them. */
export const DISTRIBUTED_ONLY_FIELDS: readonly string[] = fieldsWhere(mapStateSchema, (f) => f.distributedOnly === true);
/** Fields of a Distributed Map that AWS also accepts, to no effect, on an INLINE Map (a warning there). */
export const IGNORED_INLINE_FIELDS: readonly string[] = fieldsWhere(mapStateSchema, (f) => f.distributedOnly === "ignoredInline");

/** Wait's duration fields, of which it takes exactly one (FieldFacts.oneOf), and their names as a message lists them. */
const WAIT_DURATION = fieldsWhere(waitStateSchema, (f) => f.oneOf === "WaitDuration");
const WAIT_DURATION_NAMES = `${WAIT_DURATION.slice(0, -1).join(", ")} or ${WAIT_DURATION.at(-1)}`;

/** The same lists for the objects inside a state (a Catch rule, a Map's reader, batcher and writer). */
const objectFields = (o: Parameters<typeof fieldsWhere>[0]) => ({
  jsonPathOnly: fieldsWhere(o, (f) => f.language === "JSONPath"),
  jsonataOnly: fieldsWhere(o, (f) => f.language === "JSONata"),
  referencePaths: fieldsWhere(o, (f) => f.path === "reference"),
  numbers: numberOrExpressionFields(o),
  pathVariants: pathVariantPairs(o),
});
const CATCHER = objectFields(catcherSchema);
const ITEM_READER = objectFields(itemReaderSchema);
const READER_CONFIG = objectFields(readerConfigSchema);
const ITEM_BATCHER = objectFields(itemBatcherSchema);
const RESULT_WRITER = objectFields(resultWriterSchema);

/** Payload templates: objects whose `key.$` fields take a path or an intrinsic function (JSONPath only). */
const TEMPLATE_FIELDS = ["Parameters", "ResultSelector", "ItemSelector", "Credentials", "Assign"];

const STATES_ERROR_NAMES: ReadonlySet<string> = new Set(Object.values(STATES_ERRORS));

/** RFC 3339 as AWS restricts it: "an uppercase T must separate ... an uppercase Z must denote that a numeric time zone offset is not present" (state-wait). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Map Run label: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html —
 * "Labels can't exceed 40 characters in length, must be unique within a state machine definition,
 * and can't contain any of the following characters: Whitespace; Wildcard characters (? *); Bracket
 * characters (< > { } [ ]); Special characters (: ; , \ | ^ ~ $ # % & ` "); Control characters
 * (\u0000 - \u001f or \u007f - \u009f)."
 */
export const LABEL_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:\u0000-\u001f\u007f-\u009f]/u;

/**
 * A Lambda function ARN's qualifier: "$LATEST", a version number, or an alias name (1-128 of
 * letters, digits, - and _, not only digits)
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html "Qualifier",
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html "Name ... Pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)").
 * Function names: "1-64 characters ... letters, numbers, hyphens, or underscores".
 */
const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:(.*)$/;
const LAMBDA_FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const LAMBDA_QUALIFIER = /^(\$LATEST|[1-9][0-9]*|(?![0-9]+$)[A-Za-z0-9_-]{1,128})$/;

/** Why a direct Lambda function ARN (a Task's Resource) is malformed, or undefined. */
export function lambdaArnProblem(resource: string): string | undefined {
  const m = LAMBDA_ARN.exec(resource);
  if (!m) return undefined;
  const rest = m[1]!;
  if (TEMPLATE_PLACEHOLDER.test(rest)) return undefined;
  const parts = rest.split(":");
  if (parts.length > 2) return "a Lambda function ARN ends in function:NAME or function:NAME:QUALIFIER (one alias or version)";
  const [name, qualifier] = parts as [string, string | undefined];
  if (!LAMBDA_FUNCTION_NAME.test(name)) return `'${name}' is not a Lambda function name (1-64 letters, digits, - or _)`;
  if (qualifier !== undefined && !LAMBDA_QUALIFIER.test(qualifier)) {
    return `'${qualifier}' is not a Lambda alias or version: use $LATEST, a version number (1, 2, ...) or an alias name (letters, digits, - and _, not all digits)`;
  }
  return undefined;
}

const TEMPLATE_PLACEHOLDER = /\$\{[A-Za-z0-9_.:-]+\}/;
const RESOURCE_ARN = /^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+/;
const ITEM_READER_RESOURCES = /^arn:[^:]+:states:::s3:(getObject|listObjectsV2)$/;
const RESULT_WRITER_RESOURCE = /^arn:[^:]+:states:::s3:putObject$/;

export class StateRules {
  /** Map Run labels seen so far: they "must be unique within a state machine definition". */
  private readonly labels = new Map<string, Segments>();

  constructor(
    private readonly ctx: Context,
    private readonly iamActions?: IamActionCatalog,
  ) {}

  private report(code: string, at: Segments, message: string, severity: "ERROR" | "WARNING" = "ERROR") {
    this.ctx.report(code, at, message, severity);
  }

  /** Runs every per-state rule on `state`, located at `at`. */
  check(name: string, state: unknown, at: Segments, env: StateEnv): void {
    if (!isObj(state)) return;
    const type = state["Type"];
    const lang = env.language;

    this.languageFields(state, at, lang, JSONPATH_ONLY_STATE_FIELDS, JSONATA_ONLY_STATE_FIELDS);
    if (type === "Pass" && lang === "JSONata" && has(state, "Result")) {
      // The guide lists Result only for JSONPath Pass states; whether AWS rejects it under JSONata is not documented.
      this.report(
        CODES.JSONPATH_FIELD_IN_JSONATA_STATE,
        [...at, "Result"],
        "Result is a JSONPath field; in a JSONata Pass state use Output",
        "WARNING",
      );
    }
    for (const f of NUMBER_OR_EXPRESSION_FIELDS) this.expressionValue(state, f, at, lang);
    for (const [a, b] of PATH_VARIANTS) this.pathVariants(state, a, b, at);

    if (type === "Task" || type === "Pass" || type === "Wait" || type === "Parallel" || type === "Map") this.transition(state, at);
    if (type === "Task" || type === "Parallel" || type === "Map") this.errorHandling(state, at, lang);

    if (lang === "JSONPath") this.jsonPathFields(state, at);
    else this.jsonataStrings(state, at, true);

    switch (type) {
      case "Task":
        this.task(state, at, lang);
        break;
      case "Wait":
        this.wait(state, at, lang);
        break;
      case "Choice":
        this.choice(state, at, lang);
        break;
      case "Map":
        this.map(state, at, env);
        break;
      case "Fail":
        if (lang === "JSONPath") this.fail(state, at);
        break;
      case "Pass":
        if (lang === "JSONPath" && state["Result"] !== undefined) this.staticResult(state["Result"], [...at, "Result"]);
        break;
    }
    void name;
  }

  // ---- query language ------------------------------------------------------------------------

  private languageFields(o: Obj, at: Segments, lang: Language, jsonPathOnly: readonly string[], jsonataOnly: readonly string[]): void {
    if (lang === "JSONata") {
      for (const f of jsonPathOnly) {
        if (has(o, f))
          this.report(
            CODES.JSONPATH_FIELD_IN_JSONATA_STATE,
            [...at, f],
            `${f} is a JSONPath field and cannot be used where QueryLanguage is JSONata${hintFor(f)}`,
          );
      }
    } else {
      for (const f of jsonataOnly) {
        if (has(o, f))
          this.report(
            CODES.JSONATA_FIELD_IN_JSONPATH_STATE,
            [...at, f],
            `${f} is a JSONata field; set "QueryLanguage": "JSONata" on the state or the state machine to use it${jsonPathHintFor(f)}`,
          );
      }
    }
  }

  /** A `{% %}` value in a number field is only meaningful in JSONata. */
  private expressionValue(o: Obj, f: string, at: Segments, lang: Language): void {
    if (lang === "JSONPath" && typeof o[f] === "string" && isJsonataString(o[f])) {
      this.report(
        CODES.JSONATA_FIELD_IN_JSONPATH_STATE,
        [...at, f],
        `${f} holds a JSONata expression but the state uses JSONPath; use ${f}Path with a reference path, or set "QueryLanguage": "JSONata"`,
      );
    }
  }

  private pathVariants(o: Obj, a: string, b: string, at: Segments): void {
    if (has(o, a) && has(o, b)) this.report(CODES.MUTUALLY_EXCLUSIVE_FIELDS, [...at, b], `${a} and ${b} cannot both be set; keep one`);
  }

  // ---- transitions and error handling -----------------------------------------------------------

  private transition(o: Obj, at: Segments): void {
    const next = has(o, "Next");
    const end = o["End"] === true;
    if (next && has(o, "End")) this.report(CODES.NEXT_AND_END, [...at, "End"], 'a state has either Next or "End": true, not both');
    else if (!next && !end)
      this.report(CODES.MISSING_NEXT_OR_END, at, 'a non-terminal state needs Next (the state to go to) or "End": true');
  }

  /** "States.ALL ... must appear alone in its ErrorEquals array and must be in the last Retrier/Catcher" (concepts-error-handling). */
  private errorHandling(o: Obj, at: Segments, lang: Language): void {
    for (const key of ["Retry", "Catch"] as const) {
      const rules = o[key];
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, i) => {
        if (!isObj(rule)) return;
        const errors = rule["ErrorEquals"];
        const ruleAt = [...at, key, i];
        if (key === "Catch") {
          this.languageFields(rule, ruleAt, lang, CATCHER.jsonPathOnly, CATCHER.jsonataOnly);
          if (lang === "JSONPath") {
            for (const f of CATCHER.referencePaths) this.referencePath(rule, f, ruleAt);
            if (rule["Assign"] !== undefined) this.template(rule["Assign"], [...ruleAt, "Assign"]);
          }
        }
        if (!Array.isArray(errors)) return;
        const allAt = errors.indexOf("States.ALL");
        if (allAt >= 0 && errors.length > 1) {
          this.report(
            CODES.STATES_ALL_NOT_ALONE,
            [...ruleAt, "ErrorEquals"],
            `States.ALL must be the only error name in its ErrorEquals; remove the others`,
          );
        }
        if (allAt >= 0 && i !== rules.length - 1) {
          this.report(
            CODES.STATES_ALL_NOT_LAST,
            ruleAt,
            `a ${key === "Retry" ? "retrier" : "catcher"} matching States.ALL must be the last one in ${key}; rules after it can never match`,
          );
        }
        errors.forEach((e, j) => {
          if (typeof e === "string" && e.startsWith("States.") && !STATES_ERROR_NAMES.has(e)) {
            this.report(
              CODES.UNKNOWN_STATES_ERROR,
              [...ruleAt, "ErrorEquals", j],
              `'${e}' is not one of the predefined States.* error names; custom errors must not start with "States."`,
              "WARNING",
            );
          }
        });
      });
    }
  }

  // ---- JSONPath ---------------------------------------------------------------------------------

  private jsonPathFields(o: Obj, at: Segments): void {
    for (const f of PATH_FIELDS) this.path(o, f, at);
    for (const f of REFERENCE_PATH_FIELDS) this.referencePath(o, f, at);
    for (const f of TEMPLATE_FIELDS) if (o[f] !== undefined) this.template(o[f], [...at, f]);
    if (o["Type"] === "Map") {
      // Map's deprecated "Parameters" is its ItemSelector; both are templates (already covered above).
      const reader = o["ItemReader"];
      if (isObj(reader)) {
        this.template(reader["Parameters"], [...at, "ItemReader", "Parameters"]);
        const config = reader["ReaderConfig"];
        if (isObj(config))
          for (const f of READER_CONFIG.referencePaths) this.referencePath(config, f, [...at, "ItemReader", "ReaderConfig"]);
      }
      const writer = o["ResultWriter"];
      if (isObj(writer)) this.template(writer["Parameters"], [...at, "ResultWriter", "Parameters"]);
      const batcher = o["ItemBatcher"];
      if (isObj(batcher)) {
        for (const f of ITEM_BATCHER.referencePaths) this.referencePath(batcher, f, [...at, "ItemBatcher"]);
        this.template(batcher["BatchInput"], [...at, "ItemBatcher", "BatchInput"]);
      }
    }
  }

  /** A Path field: full JSONPath syntax (filters, wildcards ... allowed). */
  private path(o: Obj, f: string, at: Segments): void {
    const v = o[f];
    if (typeof v !== "string") return;
    const r = this.ctx.path(v);
    if (!r.ok) this.report(CODES.INVALID_JSON_PATH, [...at, f], `${f} '${v}' is not a valid JSONPath: ${r.message}`);
  }

  private referencePath(o: Obj, f: string, at: Segments): void {
    const v = o[f];
    if (typeof v !== "string") return;
    const r = this.ctx.path(v);
    if (!r.ok) {
      this.report(CODES.INVALID_JSON_PATH, [...at, f], `${f} '${v}' is not a valid JSONPath: ${r.message}`);
      return;
    }
    const problem = referencePathProblem(r.features);
    if (problem) this.report(CODES.INVALID_REFERENCE_PATH, [...at, f], `${f} '${v}': ${problem}`);
  }

  /** A value that is a path or an intrinsic function (`key.$` values, Fail's ErrorPath/CausePath). */
  private pathOrIntrinsic(v: string, at: Segments, field: string, reference: boolean): void {
    if (v.startsWith("States.")) {
      for (const p of this.ctx.intrinsic(v)) this.report(p.code, at, `${field}: ${p.message}`, p.severity);
      return;
    }
    if (!v.startsWith("$")) {
      this.report(
        CODES.INVALID_PAYLOAD_TEMPLATE,
        at,
        `${field} must be a path starting with '$' or an intrinsic function such as States.Format(...); got '${v}'. Drop the '.$' suffix for a literal value`,
      );
      return;
    }
    const r = this.ctx.path(v);
    if (!r.ok) this.report(CODES.INVALID_JSON_PATH, at, `${field} '${v}' is not a valid JSONPath: ${r.message}`);
    else if (reference) {
      const problem = referencePathProblem(r.features);
      if (problem) this.report(CODES.INVALID_REFERENCE_PATH, at, `${field} '${v}': ${problem}`);
    }
  }

  /**
   * Payload template: "fields whose names end in .$ ... values MUST be a Path or an intrinsic
   * function" (https://states-language.net/spec.html#payload-template). A plain field whose value
   * looks like a path gets AWS's NO_DOLLAR warning.
   */
  private template(value: unknown, at: Segments): void {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.template(v, [...at, i]));
      return;
    }
    if (!isObj(value)) return;
    let plain: Set<string> | undefined;
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (key.endsWith(".$")) {
        const keyAt = [...at, key];
        if (typeof v !== "string")
          this.report(
            CODES.INVALID_PAYLOAD_TEMPLATE,
            keyAt,
            `'${key}' ends in '.$', so its value must be a string holding a path or an intrinsic function`,
          );
        else this.pathOrIntrinsic(v, keyAt, `'${key}'`, false);
        (plain ??= new Set(Object.keys(value))).has(key.slice(0, -2)) &&
          this.report(CODES.INVALID_PAYLOAD_TEMPLATE, keyAt, `'${key}' and '${key.slice(0, -2)}' produce the same field`, "WARNING");
      } else if (typeof v === "string") {
        if (/^\$\$?\.|^States\.[A-Za-z]+\(/.test(v)) {
          this.report(
            CODES.NO_DOLLAR,
            [...at, key],
            `'${key}' holds '${v}', which looks like a path or intrinsic function, but is passed as a literal string; rename the field to '${key}.$' to evaluate it`,
            "WARNING",
          );
        }
      } else if (v !== null && typeof v === "object") this.template(v, [...at, key]);
    }
  }

  // ---- JSONata ----------------------------------------------------------------------------------

  /** Parses every `{% %}` string in the state's own fields (not nested state machines). */
  private jsonataStrings(value: unknown, at: Segments, topLevel = false, topLevelString = false): void {
    if (typeof value === "string") {
      if (isJsonataString(value)) {
        const err = this.ctx.jsonata(value);
        if (err) this.report(CODES.INVALID_JSONATA, at, err);
      } else {
        const problem = jsonataSurroundProblem(value);
        // Arguments given as a string must be an expression (an object otherwise): there it is an error.
        if (problem) this.report(CODES.INVALID_JSONATA, at, problem, topLevelString ? "ERROR" : "WARNING");
      }
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (typeof v === "string" || (v !== null && typeof v === "object")) this.jsonataStrings(v, [...at, i]);
      }
      return;
    }
    if (!isObj(value)) return;
    for (const key of Object.keys(value)) {
      if (topLevel && (key === "Branches" || key === "ItemProcessor" || key === "Iterator")) continue;
      const v = value[key];
      if ((typeof v === "string" && (v.includes("{%") || v.includes("%}"))) || (v !== null && typeof v === "object"))
        this.jsonataStrings(v, [...at, key], false, topLevel && key === "Arguments");
    }
  }

  // ---- per type ---------------------------------------------------------------------------------

  private task(o: Obj, at: Segments, lang: Language): void {
    if (has(o, "Credentials")) this.credentials(o["Credentials"], [...at, "Credentials"], lang);
    const r = o["Resource"];
    if (typeof r === "string") {
      const lambdaProblem = lambdaArnProblem(r);
      if (lambdaProblem) this.report(CODES.INVALID_RESOURCE, [...at, "Resource"], `Resource '${r}': ${lambdaProblem}`);
    }
    if (typeof r === "string" && !RESOURCE_ARN.test(r)) {
      // A `${Name}` placeholder marks a definition template (SAM DefinitionSubstitutions,
      // CloudFormation, `npm run synth` output): the ARN arrives at deploy time, so the rest of the
      // file is still worth checking and the placeholder itself is only a reminder.
      if (TEMPLATE_PLACEHOLDER.test(r)) {
        this.report(
          CODES.UNSUBSTITUTED_PLACEHOLDER,
          [...at, "Resource"],
          `Resource '${r}' is a template placeholder; substitute the ARN before deploying (AWS accepts only an ARN here)`,
          "WARNING",
        );
      } else {
        this.report(
          CODES.INVALID_RESOURCE,
          [...at, "Resource"],
          `Resource must be an ARN (arn:partition:service:region:account:...); got '${r}'`,
        );
      }
    }
    if (typeof r === "string") {
      // The service integration modules (asl/integrations) know which resources and patterns exist.
      const problem = resourceProblem(r, this.iamActions);
      if (problem) this.report(CODES.INVALID_RESOURCE, [...at, "Resource"], problem.message, problem.severity);
    }
    // "Pass a task token ... in the Parameters" so the service's consumer can call SendTaskSuccess
    // with it: a callback task that sends no token waits until it times out, on AWS as locally.
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
    if (typeof r === "string" && r.endsWith(".waitForTaskToken")) {
      const sent = JSON.stringify(o["Parameters"] ?? o["Arguments"] ?? null);
      if (!sent.includes("$$.Task.Token") && !sent.includes("$states.context.Task.Token")) {
        this.report(
          CODES.TASK_TOKEN_NOT_SENT,
          [...at, has(o, "Arguments") ? "Arguments" : "Parameters"],
          `a .waitForTaskToken task must send its task token (${lang === "JSONata" ? '"{% $states.context.Task.Token %}"' : '"token.$": "$$.Task.Token"'}) in what it passes to the service; without it nothing can call SendTaskSuccess and the task waits until it times out`,
          "WARNING",
        );
      }
    }
    // "HeartbeatSeconds ... must be smaller than TimeoutSeconds" (state-task).
    const hb = o["HeartbeatSeconds"];
    const to = o["TimeoutSeconds"];
    if (typeof hb === "number" && typeof to === "number" && hb >= to) {
      this.report(
        CODES.HEARTBEAT_NOT_BELOW_TIMEOUT,
        [...at, "HeartbeatSeconds"],
        `HeartbeatSeconds (${hb}) must be smaller than TimeoutSeconds (${to})`,
      );
    }
  }

  /**
   * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html — "Credentials: Specifies a
   * target role the state machine's execution role must assume before invoking the specified
   * Resource", written `{"RoleArn": "..."}`, `{"RoleArn.$": "$.path"}` (JSONPath) or
   * `{"RoleArn": "{% ... %}"}` (JSONata). Anything else is refused at CreateStateMachine.
   */
  private credentials(c: unknown, at: Segments, lang: Language): void {
    if (!isObj(c)) {
      this.report(
        CODES.SCHEMA_VALIDATION_FAILED,
        at,
        'Credentials must be an object with exactly one field, RoleArn (or "RoleArn.$" in JSONPath)',
      );
      return;
    }
    const keys = Object.keys(c);
    const allowed = lang === "JSONPath" ? ["RoleArn", "RoleArn.$"] : ["RoleArn"];
    for (const k of keys) {
      if (!allowed.includes(k))
        this.report(CODES.SCHEMA_VALIDATION_FAILED, [...at, k], `Credentials takes only ${allowed.join(" or ")}; '${k}' is not supported`);
    }
    const present = keys.filter((k) => allowed.includes(k));
    if (present.length === 0)
      this.report(CODES.SCHEMA_VALIDATION_FAILED, at, `Credentials needs ${allowed.join(" or ")}, the role to assume`);
    else if (present.length > 1)
      this.report(CODES.MUTUALLY_EXCLUSIVE_FIELDS, [...at, "RoleArn.$"], "Credentials takes RoleArn or RoleArn.$, not both");
    for (const k of present) {
      if (typeof c[k] !== "string" || c[k] === "")
        this.report(CODES.SCHEMA_VALIDATION_FAILED, [...at, k], `Credentials ${k} must be a non-empty string`);
    }
  }

  /** "A Wait state must contain exactly one of Seconds, SecondsPath, Timestamp, or TimestampPath" (state-wait). */
  private wait(o: Obj, at: Segments, lang: Language): void {
    const present = WAIT_DURATION.filter((f) => has(o, f));
    if (present.length === 0) this.report(CODES.INVALID_WAIT_DURATION, at, `a Wait state needs exactly one of ${WAIT_DURATION_NAMES}`);
    for (const extra of present.slice(1)) {
      this.report(
        CODES.INVALID_WAIT_DURATION,
        [...at, extra],
        `a Wait state takes exactly one of ${WAIT_DURATION_NAMES}; it already has ${present[0]}`,
      );
    }
    const ts = o["Timestamp"];
    if (lang === "JSONPath") this.noPath(o, "Timestamp", at);
    if (typeof ts === "string" && !(lang === "JSONata" && isJsonataString(ts)) && !TIMESTAMP.test(ts)) {
      this.report(
        CODES.INVALID_TIMESTAMP,
        [...at, "Timestamp"],
        `Timestamp '${ts}' must be RFC 3339 with an uppercase T and Z or an offset, e.g. 2026-03-14T01:59:00Z`,
      );
    }
  }

  /** AWS's PASS_RESULT_IS_STATIC warning: "Attempt to use a path in the result of a pass state." (API_ValidateStateMachineDefinitionDiagnostic). */
  private staticResult(v: unknown, at: Segments): void {
    if (typeof v === "string") {
      if (/^\$\$?[.[]/.test(v) || /^States\.[A-Za-z]+\(/.test(v)) {
        this.report(
          CODES.PASS_RESULT_IS_STATIC,
          at,
          `Result is static: '${v}' is passed as a literal string, not evaluated; use Parameters with a '.$' field to select from the input`,
          "WARNING",
        );
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => this.staticResult(x, [...at, i]));
      return;
    }
    if (!isObj(v)) return;
    for (const k of Object.keys(v)) {
      if (k.endsWith(".$")) {
        this.report(
          CODES.PASS_RESULT_IS_STATIC,
          [...at, k],
          `Result is static: '${k}' is not evaluated in a Pass state's Result; use Parameters to select from the input`,
          "WARNING",
        );
      } else this.staticResult(v[k], [...at, k]);
    }
  }

  /** AWS's NO_PATH warning: "Field value looks like a path, but field name does not end with 'Path'." */
  private noPath(o: Obj, f: string, at: Segments): void {
    const v = o[f];
    if (typeof v === "string" && /^\$\$?[.[]/.test(v)) {
      this.report(
        CODES.NO_PATH,
        [...at, f],
        `${f} holds '${v}', which looks like a path but is used as a literal; use ${f}Path to read it from the input`,
        "WARNING",
      );
    }
  }

  private fail(o: Obj, at: Segments): void {
    this.noPath(o, "Error", at);
    this.noPath(o, "Cause", at);
    // "ErrorPath/CausePath ... a reference path or an intrinsic function" (state-fail), JSONPath only.
    for (const f of PATH_OR_INTRINSIC_FIELDS) {
      const v = o[f];
      if (typeof v === "string") this.pathOrIntrinsic(v, [...at, f], f, true);
    }
  }

  private choice(o: Obj, at: Segments, lang: Language): void {
    const rules = o["Choices"];
    if (!Array.isArray(rules)) return;
    rules.forEach((r, i) => this.choiceRule(r, [...at, "Choices", i], lang, true));
  }

  /** https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html */
  private choiceRule(r: unknown, at: Segments, lang: Language, top: boolean): void {
    if (!isObj(r)) return;
    if (top && !has(r, "Next"))
      this.report(CODES.INVALID_CHOICE_RULE, at, "each Choice rule needs Next, the state to go to when it matches");
    if (!top && has(r, "Next"))
      this.report(CODES.INVALID_CHOICE_RULE, [...at, "Next"], "only top-level Choice rules have Next; rules inside And/Or/Not do not");
    const operators = Object.keys(r).filter(isChoiceOperator);
    const combinators = ["And", "Or", "Not"].filter((k) => has(r, k));
    if (lang === "JSONata") {
      for (const k of [...operators, ...combinators, ...(has(r, "Variable") ? ["Variable"] : [])]) {
        this.report(
          CODES.JSONPATH_FIELD_IN_JSONATA_STATE,
          [...at, k],
          `${k} is a JSONPath Choice field; in JSONata write the test as "Condition": "{% ... %}"`,
        );
      }
      if (top && !has(r, "Condition")) this.report(CODES.INVALID_CHOICE_RULE, at, 'a JSONata Choice rule needs "Condition": "{% ... %}"');
      return;
    }
    if (has(r, "Condition"))
      this.report(
        CODES.JSONATA_FIELD_IN_JSONPATH_STATE,
        [...at, "Condition"],
        'Condition is a JSONata field; in JSONPath use Variable with a comparison operator, or set "QueryLanguage": "JSONata"',
      );
    if (has(r, "Output"))
      this.report(
        CODES.JSONATA_FIELD_IN_JSONPATH_STATE,
        [...at, "Output"],
        'Output is a JSONata field; set "QueryLanguage": "JSONata" to use it',
      );
    const count = operators.length + combinators.length;
    if (count !== 1) {
      const found = [...operators, ...combinators];
      this.report(
        CODES.INVALID_CHOICE_RULE,
        at,
        count === 0
          ? "a Choice rule needs exactly one comparison operator (e.g. StringEquals, NumericGreaterThan, IsPresent) or one of And/Or/Not"
          : `a Choice rule takes exactly one comparison operator or And/Or/Not; found ${found.join(", ")}`,
      );
    }
    if (operators.length > 0 && !has(r, "Variable"))
      this.report(CODES.INVALID_CHOICE_RULE, at, `a comparison (${operators[0]}) needs Variable, the path of the value to compare`);
    if (operators.length === 0 && combinators.length > 0 && has(r, "Variable")) {
      this.report(CODES.INVALID_CHOICE_RULE, [...at, "Variable"], "And/Or/Not rules do not take Variable; put it on the rules inside");
    }
    this.path(r, "Variable", at);
    for (const op of operators) {
      const kind = CHOICE_OPERATORS[op];
      const v = r[op];
      if (kind === "path") this.path(r, op, at);
      else if (kind === "timestamp" && typeof v === "string" && !TIMESTAMP.test(v)) {
        this.report(CODES.INVALID_TIMESTAMP, [...at, op], `${op} value '${v}' must be an RFC 3339 timestamp such as 2026-03-14T01:59:00Z`);
      }
    }
    for (const k of ["And", "Or"]) {
      const list = r[k];
      if (Array.isArray(list)) list.forEach((sub, i) => this.choiceRule(sub, [...at, k, i], lang, false));
    }
    if (has(r, "Not")) this.choiceRule(r["Not"], [...at, "Not"], lang, false);
    if (r["Assign"] !== undefined) this.template(r["Assign"], [...at, "Assign"]);
  }

  // ---- Map --------------------------------------------------------------------------------------

  private map(o: Obj, at: Segments, env: StateEnv): void {
    const processorKey = has(o, "ItemProcessor") ? "ItemProcessor" : "Iterator";
    const processor = o[processorKey];
    if (has(o, "ItemProcessor") && has(o, "Iterator")) {
      this.report(
        CODES.MUTUALLY_EXCLUSIVE_FIELDS,
        [...at, "Iterator"],
        "ItemProcessor and its deprecated name Iterator cannot both be set; keep ItemProcessor",
      );
    } else if (!has(o, "ItemProcessor") && !has(o, "Iterator")) {
      this.report(CODES.MISSING_ITEM_PROCESSOR, at, "a Map state needs ItemProcessor, the states to run for each item");
    }
    if (has(o, "ItemSelector") && has(o, "Parameters")) {
      this.report(
        CODES.MUTUALLY_EXCLUSIVE_FIELDS,
        [...at, "Parameters"],
        "ItemSelector and its deprecated name Parameters cannot both be set; keep ItemSelector",
      );
    }
    const config = isObj(processor) && isObj(processor["ProcessorConfig"]) ? processor["ProcessorConfig"] : undefined;
    const mode = config?.["Mode"] ?? "INLINE";
    const distributed = mode === "DISTRIBUTED";
    const configAt = [...at, processorKey, "ProcessorConfig"];

    if (distributed) {
      // "Distributed mode is supported in Standard workflows but not supported in Express workflows."
      // "ExecutionType ... You must provide this field if you specified DISTRIBUTED for the Mode sub-field"
      // (state-map-distributed; the same sentence in the CDK's ProcessorConfig docs,
      // https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.ProcessorConfig.html).
      if (!has(config!, "ExecutionType"))
        this.report(
          CODES.MISSING_EXECUTION_TYPE,
          configAt,
          'a Distributed Map needs ProcessorConfig.ExecutionType, "STANDARD" or "EXPRESS"',
        );
      if (env.executionType === "EXPRESS") {
        this.report(
          CODES.DISTRIBUTED_MAP_IN_EXPRESS,
          [...configAt, "Mode"],
          "a Distributed Map cannot run inside an EXPRESS workflow (an EXPRESS state machine, or the child workflows of a Distributed Map with ExecutionType EXPRESS); use a STANDARD state machine or an INLINE Map",
        );
      }
    } else if (mode === "INLINE") {
      // These fields configure a Map Run, which only Distributed mode creates (state-map-distributed, "Distributed Map state fields").
      for (const f of DISTRIBUTED_ONLY_FIELDS) {
        if (has(o, f))
          this.report(
            CODES.DISTRIBUTED_ONLY_FIELD,
            [...at, f],
            `${f} is only valid on a Distributed Map; set ItemProcessor.ProcessorConfig.Mode to "DISTRIBUTED" or remove it`,
          );
      }
      // The failure thresholds: AWS accepts them on an INLINE Map, to no effect (asl/schema.ts cites the recorded execution).
      for (const f of IGNORED_INLINE_FIELDS) {
        if (has(o, f))
          this.report(
            CODES.DISTRIBUTED_ONLY_FIELD,
            [...at, f],
            `${f} has no effect on an INLINE Map (it sets a Distributed Map's failure threshold); AWS accepts it: set ItemProcessor.ProcessorConfig.Mode to "DISTRIBUTED" or remove it`,
            "WARNING",
          );
      }
      if (config && has(config, "ExecutionType")) {
        this.report(CODES.DISTRIBUTED_ONLY_FIELD, [...configAt, "ExecutionType"], 'ExecutionType is only valid when Mode is "DISTRIBUTED"');
      }
    }

    // "You can use ItemsPath in the Distributed Map state only if you use a JSON input passed from a
    // previous state" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html).
    // AWS still accepts a definition with both (deployed public definitions carry them): the items
    // come from the reader and ItemsPath selects nothing, so the engine ignores it too. A warning, not
    // an error: a validator that rejects a deployable definition gets turned off.
    if (has(o, "ItemReader")) {
      if (has(o, "ItemsPath"))
        this.report(
          CODES.ITEMS_WITH_ITEM_READER,
          [...at, "ItemsPath"],
          "ItemsPath is ignored when ItemReader is set: the items come from the reader (AWS accepts the definition and does the same)",
          "WARNING",
        );
      if (has(o, "Items"))
        this.report(
          CODES.ITEMS_WITH_ITEM_READER,
          [...at, "Items"],
          "Items cannot be used together with ItemReader: the items come from the reader",
        );
    }

    const label = o["Label"];
    if (typeof label === "string") {
      const length = [...label].length;
      if (length === 0)
        this.report(
          CODES.INVALID_LABEL,
          [...at, "Label"],
          "Label must not be empty: give 1 to 40 characters, or remove it to let Step Functions generate one",
        );
      if (length > LIMITS.mapLabelChars)
        this.report(CODES.INVALID_LABEL, [...at, "Label"], `Label is ${length} characters long; the limit is ${LIMITS.mapLabelChars}`);
      const bad = LABEL_FORBIDDEN.exec(label);
      if (bad)
        this.report(
          CODES.INVALID_LABEL,
          [...at, "Label"],
          `Label must not contain whitespace, brackets, wildcards, control characters or any of : ; , \\ | ^ ~ $ # % & \` "; found ${JSON.stringify(bad[0])}`,
        );
      const first = this.labels.get(label);
      if (first)
        this.report(
          CODES.INVALID_LABEL,
          [...at, "Label"],
          `Label '${label}' is already used at ${first.map(String).join("/")}; labels must be unique within a state machine definition`,
        );
      else this.labels.set(label, at);
    }

    this.itemReader(o["ItemReader"], [...at, "ItemReader"], env.language);
    this.itemBatcher(o["ItemBatcher"], [...at, "ItemBatcher"], env.language);
    this.resultWriter(o["ResultWriter"], [...at, "ResultWriter"], env.language);
  }

  /**
   * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html (quotes below are from this page).
   */
  private itemReader(r: unknown, at: Segments, lang: Language): void {
    if (!isObj(r)) return;
    this.languageFields(r, at, lang, ITEM_READER.jsonPathOnly, ITEM_READER.jsonataOnly);
    const resource = r["Resource"];
    if (typeof resource === "string" && !ITEM_READER_RESOURCES.test(resource)) {
      this.report(
        CODES.INVALID_ITEM_READER,
        [...at, "Resource"],
        `ItemReader Resource is usually arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2; got '${resource}'`,
        "WARNING",
      );
    }
    const config = isObj(r["ReaderConfig"]) ? r["ReaderConfig"] : undefined;
    const configAt = [...at, "ReaderConfig"];
    if (!config) return;
    this.languageFields(config, configAt, lang, READER_CONFIG.jsonPathOnly, READER_CONFIG.jsonataOnly);
    for (const f of READER_CONFIG.numbers) this.expressionValue(config, f, configAt, lang);
    for (const [a, b] of READER_CONFIG.pathVariants) this.pathVariants(config, a, b, configAt);
    // "CSVHeaders ... required if CSVHeaderLocation is GIVEN".
    if (config["CSVHeaderLocation"] === "GIVEN") {
      const headers = config["CSVHeaders"];
      if (!Array.isArray(headers) || headers.length === 0) {
        this.report(CODES.MISSING_CSV_HEADERS, configAt, 'CSVHeaderLocation "GIVEN" needs CSVHeaders, the list of column names');
      }
    }
    const inputType = config["InputType"];
    // "You can specify this field when InputType is CSV or MANIFEST" (CSVDelimiter, CSVHeaderLocation).
    if (inputType !== undefined && inputType !== "CSV" && inputType !== "MANIFEST") {
      for (const f of ["CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"]) {
        if (has(config, f))
          this.report(CODES.INVALID_ITEM_READER, [...configAt, f], `${f} only applies when InputType is "CSV" or "MANIFEST"`, "WARNING");
      }
    }
    // "If you use a text delimited file as your dataset, you need to specify a column header."
    if (inputType === "CSV" && !has(config, "CSVHeaderLocation") && config["ManifestType"] === undefined) {
      this.report(
        CODES.INVALID_ITEM_READER,
        configAt,
        'a CSV reader should say where the column names are: CSVHeaderLocation "FIRST_ROW" or "GIVEN" with CSVHeaders',
        "WARNING",
      );
    }
    // "When set to LOAD_AND_FLATTEN, you must also set InputType."
    if (config["Transformation"] === "LOAD_AND_FLATTEN") {
      if (inputType === undefined)
        this.report(
          CODES.INVALID_ITEM_READER,
          [...configAt, "Transformation"],
          'Transformation "LOAD_AND_FLATTEN" needs ReaderConfig.InputType (CSV, JSON, JSONL or PARQUET) to parse the listed objects',
        );
      if (typeof resource === "string" && !resource.endsWith(":s3:listObjectsV2")) {
        this.report(
          CODES.INVALID_ITEM_READER,
          [...configAt, "Transformation"],
          'Transformation "LOAD_AND_FLATTEN" applies to arn:aws:states:::s3:listObjectsV2 readers',
          "WARNING",
        );
      }
    }
    // "If you specify ManifestType is S3_INVENTORY then InputType cannot be specified."
    if (config["ManifestType"] === "S3_INVENTORY" && inputType !== undefined) {
      this.report(
        CODES.INVALID_ITEM_READER,
        [...configAt, "InputType"],
        'InputType cannot be set when ManifestType is "S3_INVENTORY" (an S3 inventory is always CSV)',
      );
    }
  }

  /** https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html */
  private itemBatcher(b: unknown, at: Segments, lang: Language): void {
    if (!isObj(b)) return;
    this.languageFields(b, at, lang, ITEM_BATCHER.jsonPathOnly, ITEM_BATCHER.jsonataOnly);
    for (const f of ITEM_BATCHER.numbers) {
      this.expressionValue(b, f, at, lang);
      for (const [a, p] of ITEM_BATCHER.pathVariants) if (a === f) this.pathVariants(b, a, p, at);
    }
    // "To batch items, specify the maximum number of items to batch, the maximum batch size, or both.
    // You must specify one of these values to batch items."
    if (!["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"].some((f) => has(b, f))) {
      this.report(
        CODES.INVALID_ITEM_BATCHER,
        at,
        "ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their ...Path forms): you must specify one of these values to batch items",
      );
    }
  }

  /**
   * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html — "The
   * ResultWriter field cannot be empty. You must specify one of these sets of sub-fields:
   * WriterConfig; Resource and Parameters; all three."
   */
  private resultWriter(w: unknown, at: Segments, lang: Language): void {
    if (!isObj(w)) return;
    this.languageFields(w, at, lang, RESULT_WRITER.jsonPathOnly, RESULT_WRITER.jsonataOnly);
    const target = lang === "JSONata" ? "Arguments" : "Parameters";
    const hasResource = has(w, "Resource");
    const hasTarget = has(w, "Parameters") || has(w, "Arguments");
    if (!hasResource && !hasTarget && !has(w, "WriterConfig")) {
      this.report(
        CODES.INVALID_RESULT_WRITER,
        at,
        `ResultWriter cannot be empty: give WriterConfig, or Resource and ${target}, or all three`,
      );
    } else if (hasResource !== hasTarget) {
      this.report(
        CODES.INVALID_RESULT_WRITER,
        at,
        hasResource
          ? `ResultWriter has Resource but no ${target} (Bucket and Prefix)`
          : `ResultWriter has ${target} but no Resource ("arn:aws:states:::s3:putObject")`,
      );
    }
    const resource = w["Resource"];
    if (typeof resource === "string" && !RESULT_WRITER_RESOURCE.test(resource)) {
      this.report(
        CODES.INVALID_RESULT_WRITER,
        [...at, "Resource"],
        `ResultWriter Resource is arn:aws:states:::s3:putObject; got '${resource}'`,
        "WARNING",
      );
    }
    const config = w["WriterConfig"];
    if (isObj(config) && !has(config, "OutputType")) {
      this.report(CODES.INVALID_RESULT_WRITER, [...at, "WriterConfig"], 'WriterConfig needs OutputType, "JSON" or "JSONL"');
    }
  }
}

/**
 * "JSONata syntax: "{% <JSONata expression> %}"" — the whole string, nothing before `{%` or after
 * `%}` (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). A string that
 * is not exactly that is not an expression: AWS accepts the definition and passes the string on as
 * literal text (" {% states.input %} " with spaces around the delimiters is the text itself). So it is
 * a WARNING (it is probably not what was meant), never an error.
 */
export function jsonataSurroundProblem(v: string): string | undefined {
  const t = v.trim();
  const opens = t.startsWith("{%");
  const closes = t.endsWith("%}") && t.length >= (opens ? 4 : 2);
  const literal = "; AWS passes the string on as literal text, not evaluated";
  if (opens && closes)
    return t === v
      ? undefined
      : `the whitespace before '{%' or after '%}' makes this a literal string, not a JSONata expression${literal}: remove it to evaluate the expression`;
  if (opens) return `this string starts with '{%' but does not end with '%}'${literal}`;
  if (closes) return `this string ends with '%}' but does not start with '{%'${literal}`;
  return undefined;
}

function hintFor(f: string): string {
  switch (f) {
    case "Parameters":
      return "; use Arguments";
    case "ResultSelector":
    case "OutputPath":
      return "; use Output";
    case "ResultPath":
      return "; use Output or Assign";
    case "InputPath":
      return "; read the input with $states.input in Arguments";
    case "ItemsPath":
      return '; use "Items": "{% ... %}"';
    default:
      return f.endsWith("Path") ? `; use "${f.slice(0, -4)}": "{% ... %}"` : "";
  }
}

function jsonPathHintFor(f: string): string {
  switch (f) {
    case "Arguments":
      return ", or use Parameters";
    case "Output":
      return ", or use OutputPath/ResultSelector";
    case "Items":
      return ", or use ItemsPath";
    default:
      return "";
  }
}
