/**
 * Task tokens: `.waitForTaskToken` tasks wait until someone calls SendTaskSuccess, SendTaskFailure
 * or SendTaskHeartbeat with the token the engine put in `$$.Task.Token`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 * Errors as the API gives them: an unknown or finished token is `TaskDoesNotExist`
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
 */
import { randomBytes } from "node:crypto";
import type { JsonValue } from "../../../asl/types";
import { TaskFailedError } from "../errors";

/** What a token waiter learns when the task it serves starts waiting. */
export interface TaskTokenRequest {
  token: string;
  executionArn: string;
  stateName: string;
  resource: string;
  /** The task's Parameters/Arguments after evaluation (what the service received). */
  parameters: JsonValue;
}

export class TaskDoesNotExistError extends Error {
  override readonly name = "TaskDoesNotExist";
}

interface Waiter {
  resolve(output: JsonValue): void;
  reject(e: Error): void;
  heartbeat(): void;
}

/**
 * The callback API of one run (shared by its nested and child executions). Pass one in
 * `RunOptions.taskTokens` to answer from outside; `RunOptions.onTaskToken` is told of each token.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  /** Answers that arrived before the task started waiting (a handler answering from inside its call). */
  private readonly early = new Map<string, { ok: true; output: JsonValue } | { ok: false; error: Error }>();

  /** A new opaque token (AWS's are long base64 strings; callers must treat them as opaque). */
  issue(): string {
    const token = randomBytes(48).toString("base64");
    this.early.delete(token);
    this.pending.add(token);
    return token;
  }
  private readonly pending = new Set<string>();

  sendTaskSuccess(token: string, output: JsonValue): void {
    this.settle(token, { ok: true, output });
  }

  sendTaskFailure(token: string, error = "", cause = ""): void {
    this.settle(token, { ok: false, error: new TaskFailedError(error, cause) });
  }

  sendTaskHeartbeat(token: string): void {
    const w = this.waiting.get(token);
    if (!w) {
      if (this.pending.has(token)) return;
      throw new TaskDoesNotExistError(`Task token not found or already finished: ${token.slice(0, 12)}...`);
    }
    w.heartbeat();
  }

  /** Tokens issued and not yet answered. */
  get open(): string[] {
    return [...this.pending];
  }

  private settle(token: string, answer: { ok: true; output: JsonValue } | { ok: false; error: Error }): void {
    const w = this.waiting.get(token);
    if (!w) {
      if (!this.pending.has(token)) throw new TaskDoesNotExistError(`Task token not found or already finished: ${token.slice(0, 12)}...`);
      this.early.set(token, answer);
      return;
    }
    this.waiting.delete(token);
    this.pending.delete(token);
    if (answer.ok) w.resolve(answer.output);
    else w.reject(answer.error);
  }

  /** Waits for the token's answer; `onHeartbeat` is called on each SendTaskHeartbeat. */
  wait(token: string, onHeartbeat: () => void): Promise<JsonValue> {
    const early = this.early.get(token);
    if (early) {
      this.early.delete(token);
      this.pending.delete(token);
      return early.ok ? Promise.resolve(early.output) : Promise.reject(early.error);
    }
    return new Promise<JsonValue>((resolve, reject) => this.waiting.set(token, { resolve, reject, heartbeat: onHeartbeat }));
  }

  /** The task stopped waiting (timeout, stop): the token is finished. */
  forget(token: string): void {
    this.waiting.delete(token);
    this.pending.delete(token);
    this.early.delete(token);
  }
}
