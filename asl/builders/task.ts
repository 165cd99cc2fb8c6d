/**
 * Task states: a Lambda by its direct function ARN, a Lambda through `arn:aws:states:::lambda:invoke`
 * (the Payload wrapper), or any other service integration by its plain resource ARN.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { LAMBDA_INVOKE, type TaskState as TaskJson } from "../types";
import { BuilderError } from "./errors";
import { ErrorHandlingState, renderIo, type ErrorHandlingOptions, type IoOptions } from "./io";
import { isLambdaRef, type AnyLambdaRef } from "./lambda";
import { compact, type RenderContext, type StateOptions } from "./state";
import { jsonata, path, renderTemplate, renderTwin, type Template, type TemplateValue, type ValueOrDynamic } from "./values";

export interface TaskOptions extends StateOptions, IoOptions, ErrorHandlingOptions {
  /** Fails the task with States.Timeout after this long (or a path()/jsonata() value). */
  readonly timeoutSeconds?: ValueOrDynamic<number>;
  /** Fails the task with States.HeartbeatTimeout without a heartbeat this often. */
  readonly heartbeatSeconds?: ValueOrDynamic<number>;
  /** Cross-account role to assume for the task. */
  readonly credentials?: Template;
}

export interface LambdaInvokeOptions extends TaskOptions {
  /**
   * The Payload sent to the function. Defaults to the whole state input:
   * `"Payload.$": "$"` in JSONPath, `"Payload": "{% $states.input %}"` in JSONata.
   */
  readonly payload?: TemplateValue;
  /** A version or alias; FunctionName becomes the qualified ARN `...:function:name:qualifier`. */
  readonly qualifier?: string;
  /** Lambda's InvocationType (`Event` for fire-and-forget). */
  readonly invocationType?: "RequestResponse" | "Event" | "DryRun";
}

/** A service integration or activity ARN (anything but a Lambda function ARN). */
export type ResourceArn = `arn:${string}`;

type TaskTarget =
  | { readonly kind: "lambda-direct"; readonly ref: AnyLambdaRef }
  | { readonly kind: "lambda-invoke"; readonly ref: AnyLambdaRef; readonly options: LambdaInvokeOptions }
  | { readonly kind: "resource"; readonly arn: string }
  /** A service integration from the table (asl/integrations): its ARN and its typed parameters. */
  | { readonly kind: "integration"; readonly arn: string; readonly params: Template };

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:/;

export class TaskState extends ErrorHandlingState {
  readonly type = "Task" as const;

  constructor(
    name: string,
    private readonly target: TaskTarget,
    protected readonly taskOptions: TaskOptions = {},
  ) {
    super(name, taskOptions);
  }

  override lambdaRefs(): AnyLambdaRef[] {
    return this.target.kind === "resource" || this.target.kind === "integration" ? [] : [this.target.ref];
  }

  render(ctx: RenderContext): TaskJson {
    const language = this.queryLanguageIn(ctx);
    const o = this.taskOptions;
    let resource: string;
    let io = o;
    if (this.target.kind === "lambda-direct") {
      resource = ctx.resolveLambda(this.target.ref);
    } else if (this.target.kind === "resource") {
      resource = this.target.arn;
    } else if (this.target.kind === "integration") {
      // The typed parameters render as Parameters (JSONPath: path() → "Key.$") or Arguments (JSONata).
      resource = this.target.arn;
      const field = language === "JSONPath" ? "parameters" : "arguments";
      if (o[field] !== undefined)
        throw new BuilderError(
          `state "${this.name}": an integration task builds its own ${language === "JSONPath" ? "Parameters" : "Arguments"} from its typed parameters`,
        );
      io = { ...o, [field]: this.target.params };
    } else {
      resource = LAMBDA_INVOKE;
      const { ref, options } = this.target;
      const functionName = ctx.resolveLambda(ref) + (options.qualifier ? `:${options.qualifier}` : "");
      const wrapper: Template = compact({
        FunctionName: functionName,
        Payload: options.payload ?? (language === "JSONPath" ? path("$") : jsonata("$states.input")),
        InvocationType: options.invocationType,
      });
      if (language === "JSONPath") {
        if (o.parameters !== undefined) {
          throw new BuilderError(
            `state "${this.name}": a lambda:invoke task builds its own Parameters; use the payload option instead of parameters`,
          );
        }
        io = { ...o, parameters: wrapper };
      } else {
        if (o.arguments !== undefined) {
          throw new BuilderError(
            `state "${this.name}": a lambda:invoke task builds its own Arguments; use the payload option instead of arguments`,
          );
        }
        io = { ...o, arguments: wrapper };
      }
    }
    const { pre, post } = renderIo(this.name, language, io);
    const site = { state: this.name, field: "", queryLanguage: language };
    return compact({
      ...this.header(),
      Resource: resource,
      ...pre,
      Credentials: o.credentials && renderTemplate(o.credentials, { ...site, field: "Credentials" }),
      ...post,
      ...renderTwin("TimeoutSeconds", o.timeoutSeconds, { ...site, field: "TimeoutSeconds" }),
      ...renderTwin("HeartbeatSeconds", o.heartbeatSeconds, { ...site, field: "HeartbeatSeconds" }),
      ...this.errorHandling(ctx),
      ...this.transition(ctx),
    }) as TaskJson;
  }
}

/**
 * A Task state. With a LambdaRef it invokes the function by its direct ARN (the seeds' form: the state
 * input is the event, the function's result is the state result). With a resource ARN it calls that
 * service integration or activity.
 */
export function task(name: string, target: AnyLambdaRef | ResourceArn, options: TaskOptions = {}): TaskState {
  if (isLambdaRef(target)) return new TaskState(name, { kind: "lambda-direct", ref: target }, options);
  if (typeof target !== "string" || !target.startsWith("arn:")) {
    throw new BuilderError(`task("${name}"): the target must be a lambda(...) reference or a resource ARN (got ${JSON.stringify(target)})`);
  }
  if (LAMBDA_FUNCTION_ARN.test(target)) {
    throw new BuilderError(
      `task("${name}"): "${target}" is a Lambda function ARN; reference the function with lambda(name, handler) so it can be resolved per environment`,
    );
  }
  return new TaskState(name, { kind: "resource", arn: target }, options);
}

/**
 * A Task that invokes a Lambda through the optimized integration `arn:aws:states:::lambda:invoke`.
 * Its result is Lambda's response (`{ Payload, StatusCode, ... }`), so pick `$.Payload` with
 * resultSelector/outputPath (JSONPath) or output (JSONata) if only the function's result is wanted.
 */
export function lambdaInvoke(name: string, ref: AnyLambdaRef, options: LambdaInvokeOptions = {}): TaskState {
  if (!isLambdaRef(ref)) throw new BuilderError(`lambdaInvoke("${name}"): the function must be a lambda(...) reference`);
  return new TaskState(name, { kind: "lambda-invoke", ref, options }, options);
}
