/**
 * Task tokens: `.waitForTaskToken` tasks wait until someone calls SendTaskSuccess, SendTaskFailure
 * or SendTaskHeartbeat with the token the engine put in `$$.Task.Token`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 *
 * As AWS delivers them: a token reaches an answerer only inside what the task sent (its evaluated
 * Parameters/Arguments), as a queue consumer would receive it. A task that does not send its token
 * cannot be answered, locally as on AWS, so a token that was never sent is refused here too.
 *
 * Errors as the API gives them
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html,
 * API_SendTaskHeartbeat.html): `TaskTimedOut` "The task token has either expired or the task
 * associated with the token has already been closed" (a token whose task timed out, was stopped or
 * was answered); `TaskDoesNotExist` for a token this run never issued.
 */
import { randomBytes } from "node:crypto";
import type { JsonValue } from "../../asl/types";
import { TaskFailedError } from "../model/errors";

/** What a token answerer receives when a task starts waiting: what the task sent, as a queue consumer gets it. */
export interface TaskTokenRequest {
  /** The token, as found in what the task sent (`parameters`). */
  token: string;
  executionArn: string;
  stateName: string;
  resource: string;
  /** The task's Parameters/Arguments after evaluation (what the service received). */
  parameters: JsonValue;
}

/**
 * Told of each token a task sent. Return a promise when you answer later: the run waits for it
 * (the virtual clock does not advance past it, and the run is not declared stuck while it is
 * pending). A hook that returns nothing must have answered already, or schedule its answer on the
 * run's clock (`clock.sleep`), or the virtual clock may let a heartbeat or timeout fire first.
 */
export type TaskTokenHook = (request: TaskTokenRequest, tokens: TaskTokens) => unknown;

export class TaskDoesNotExistError extends Error {
  override readonly name = "TaskDoesNotExist";
}

/** SendTask* on a token whose task timed out, was stopped or already answered. */
export class TaskTimedOutError extends Error {
  override readonly name = "TaskTimedOut";
}

/** SendTask* on a token the task never sent: nothing outside the engine could know it. */
export class TokenNotSentError extends Error {
  override readonly name = "InvalidToken";
}

interface Waiter {
  resolve(output: JsonValue): void;
  reject(e: Error): void;
  heartbeat(): void;
}

/** A task waiting for its token, as the run reports it when it cannot make progress. */
export interface WaitingTask {
  token: string;
  executionArn: string;
  stateName: string;
  resource: string;
  /** Whether the token is in what the task sent (its Parameters carry `$$.Task.Token`). */
  sent: boolean;
  /** Answers in progress (promises returned by the onTaskToken hook). */
  answering: number;
  /** The hook's failure, when it threw or its promise rejected. */
  hookError?: string;
  /** Engine clock time at which the wait began. */
  since: number;
  /**
   * Real time (ms) until which a hook that returned no promise may still answer (it may have
   * scheduled its answer itself): the run is not declared stuck before then.
   */
  graceUntil?: number;
}

/** How long a hook that returned no promise may take to answer before the run counts its token as unanswered. */
export const HOOK_GRACE_MS = 1_000;

type Answer = { ok: true; output: JsonValue } | { ok: false; error: Error };

/**
 * The callback API of one run (shared by its nested and child executions). Pass one in
 * `RunOptions.integrations.taskTokens` to answer from outside; `integrations.onTaskToken` is told
 * of each token sent.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  /** Answers that arrived before the task started waiting (a handler answering from inside its call). */
  private readonly early = new Map<string, Answer>();
  private readonly pending = new Set<string>();
  /** Whether each open token was in what its task sent. */
  private readonly sentTokens = new Map<string, boolean>();
  /** Tokens whose task ended (answered, timed out, stopped): a late answer gets TaskTimedOut. */
  private readonly closed = new Set<string>();
  private readonly tasks = new Map<string, WaitingTask>();
  /** Called when a wait begins or ends, or an answer starts or settles (the run's progress watch). */
  onChange: (() => void) | undefined = undefined;

  /** A new opaque token (AWS's are long base64 strings; callers must treat them as opaque). */
  issue(): string {
    const token = randomBytes(48).toString("base64");
    this.early.delete(token);
    this.pending.add(token);
    return token;
  }

  /** Records whether the task's evaluated Parameters/Arguments carry the token (before the call is made). */
  markSent(token: string, parameters: JsonValue): boolean {
    const sent = carriesToken(parameters, token);
    this.sentTokens.set(token, sent);
    return sent;
  }

  sendTaskSuccess(token: string, output: JsonValue): void {
    this.settle(token, { ok: true, output });
  }

  sendTaskFailure(token: string, error = "", cause = ""): void {
    this.settle(token, { ok: false, error: new TaskFailedError(error, cause) });
  }

  sendTaskHeartbeat(token: string): void {
    this.check(token);
    this.waiting.get(token)?.heartbeat();
  }

  /** Tokens issued and not yet answered. */
  get open(): string[] {
    return [...this.pending];
  }

  /** The tasks waiting for their token now. */
  get waitingTasks(): WaitingTask[] {
    return [...this.tasks.values()];
  }

  /** Throws what SendTask* returns for a token that cannot be answered. */
  private check(token: string): void {
    if (this.closed.has(token)) {
      throw new TaskTimedOutError(`Task Timed Out: the task of token ${token.slice(0, 12)}... has either timed out or already been closed`);
    }
    if (!this.pending.has(token))
      throw new TaskDoesNotExistError(`Task token not found: ${token.slice(0, 12)}... was not issued by this run`);
    if (this.sentTokens.get(token) === false) {
      const task = this.tasks.get(token);
      throw new TokenNotSentError(
        `Invalid Token: the token of state '${task?.stateName ?? "?"}' was never sent (its Parameters/Arguments do not carry $$.Task.Token), so nothing could have received it`,
      );
    }
  }

  private settle(token: string, answer: Answer): void {
    this.check(token);
    const w = this.waiting.get(token);
    if (!w) {
      this.early.set(token, answer);
      return;
    }
    this.finish(token);
    if (answer.ok) w.resolve(answer.output);
    else w.reject(answer.error);
  }

  /**
   * Waits for the token's answer; `onHeartbeat` is called on each SendTaskHeartbeat. `task` says
   * where the wait is, for the report of a run that cannot make progress.
   */
  wait(token: string, onHeartbeat: () => void, task?: Omit<WaitingTask, "token" | "answering" | "sent">): Promise<JsonValue> {
    const early = this.early.get(token);
    if (early) {
      this.early.delete(token);
      this.finish(token);
      return early.ok ? Promise.resolve(early.output) : Promise.reject(early.error);
    }
    if (task) this.tasks.set(token, { ...task, token, sent: this.sentTokens.get(token) !== false, answering: 0 });
    const p = new Promise<JsonValue>((resolve, reject) => this.waiting.set(token, { resolve, reject, heartbeat: onHeartbeat }));
    this.onChange?.();
    return p;
  }

  /** An answer in progress for `token` (the hook's promise): counted until it settles. */
  answering(token: string, work: Promise<unknown>): void {
    const task = this.tasks.get(token);
    if (task) task.answering++;
    const done = (e?: unknown) => {
      if (task) {
        task.answering--;
        if (e !== undefined) task.hookError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      this.onChange?.();
    };
    work.then(
      () => done(),
      (e: unknown) => done(e ?? "rejected"),
    );
  }

  /** The hook returned no promise: it may have scheduled its answer; wait a little real time for it. */
  hookReturned(token: string): void {
    const task = this.tasks.get(token);
    if (task) task.graceUntil = Date.now() + HOOK_GRACE_MS;
  }

  /** The hook threw synchronously. */
  hookFailed(token: string, e: unknown): void {
    const task = this.tasks.get(token);
    if (task) task.hookError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }

  /** The task stopped waiting (timeout, stop): the token is finished; a later answer gets TaskTimedOut. */
  forget(token: string): void {
    if (!this.pending.has(token) && !this.waiting.has(token)) return;
    this.finish(token);
  }

  private finish(token: string): void {
    this.waiting.delete(token);
    this.pending.delete(token);
    this.early.delete(token);
    this.sentTokens.delete(token);
    const hadTask = this.tasks.delete(token);
    this.closed.add(token);
    if (hadTask) this.onChange?.();
  }
}

/** Whether `token` occurs in `value`: as a string, inside a string (a JSON-encoded MessageBody), or as a key. */
export function carriesToken(value: JsonValue, token: string): boolean {
  if (typeof value === "string") return value.includes(token);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => carriesToken(v, token));
  for (const [k, v] of Object.entries(value)) if (k.includes(token) || carriesToken(v, token)) return true;
  return false;
}
