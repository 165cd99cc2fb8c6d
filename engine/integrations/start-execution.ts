/**
 * `states:startExecution`: the child machine runs in the same engine, sharing the run's handlers,
 * clock, emulators, outbox and tokens. Request-response answers at once (`ExecutionArn`,
 * `StartDate`) and lets the child run; `.sync` answers with DescribeExecution's response (Input and
 * Output as JSON strings), `.sync:2` with Input and Output as JSON; a child that does not succeed
 * fails the task with `States.TaskFailed` and that response as the Cause.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
import type { JsonObject, JsonValue } from "../../asl/types";
import { STATES_ERRORS } from "../../asl/errors";
import { stateMachineNameOf } from "../../asl/integrations";
import { compileDefinition } from "../compile";
import { TaskFailedError } from "../model/errors";
import type { Frame } from "../execution";
import { executionArn as localExecutionArn, stateMachineArn as localStateMachineArn } from "../model/local-account";
import type { ExecutionResult } from "../types";
import type { NestedExecutionRecord } from "./services";

/** `onSubmitted` gets StartExecution's response of a `.sync` task (its TaskSubmitted event). */
export async function startExecution(
  frame: Frame,
  stateName: string,
  pattern: string,
  params: JsonValue,
  onSubmitted?: (response: JsonObject) => void,
): Promise<JsonObject> {
  const exec = frame.exec;
  const services = exec.services!;
  const p = (params ?? {}) as JsonObject;
  const smArn = p.StateMachineArn;
  if (typeof smArn !== "string") throw new TaskFailedError("StepFunctions.InvalidArnException", "StateMachineArn is required");
  const entry = services.stateMachine(smArn);
  if (!entry) {
    throw new TaskFailedError(
      "StepFunctions.StateMachineDoesNotExistException",
      `State Machine Does Not Exist: '${smArn}' (the local engine knows: ${services.knownStateMachines.join(", ") || "none"}; give it with the CLI flag --state-machine NAME=DEF.json, or the API option integrations.stateMachines of run() / runWorkflow())`,
    );
  }
  // "Input: The string that contains the JSON input data for the execution" — an object is accepted
  // too (Step Functions serializes it).
  let input: JsonValue = p.Input === undefined ? {} : p.Input;
  if (typeof input === "string") {
    try {
      input = JSON.parse(input) as JsonValue;
    } catch {
      throw new TaskFailedError(
        "StepFunctions.InvalidExecutionInputException",
        "Invalid State Machine Execution Input: the Input string is not JSON",
      );
    }
  }
  const type = entry.type ?? "STANDARD";
  const name = typeof p.Name === "string" ? p.Name : exec.requestId();
  const machineName = stateMachineNameOf(smArn);
  const stateMachineArn = localStateMachineArn(machineName);
  const executionArn = localExecutionArn(machineName, name, type);
  const workflow = compileDefinition(entry.definition);
  const record: NestedExecutionRecord = {
    executionArn,
    stateMachineArn,
    parentExecutionArn: exec.setup.arn,
    stateName,
    status: "RUNNING",
    stateTransitions: 0,
    durationMs: 0,
    type,
  };
  services.nested.push(record);
  const setup = exec.setup;
  if (!services.runExecution) throw new Error("IntegrationServices was made without the executor: nested executions cannot run");
  const running: Promise<ExecutionResult> = services.runExecution(
    {
      arn: executionArn,
      name,
      stateMachineArn,
      type,
      input,
      handlers: setup.handlers,
      clock: setup.clock,
      random: setup.random,
      keepHistory: false,
      recordHistory: true,
      onEvent: undefined,
      childEvents: false,
      // A stopped parent stops a .sync child (the StopExecution grant of the .sync patterns).
      signal: pattern === "request-response" ? new AbortController().signal : frame.signal,
      s3: setup.s3,
      mapRuns: [],
      services,
    },
    workflow,
    entry.definition.TimeoutSeconds,
  );
  const finished = running.then((r) => {
    record.status = r.status;
    record.stateTransitions = r.counters.stateTransitions;
    record.durationMs = r.durationMs;
    return r;
  });
  const startDate = new Date(exec.clock.now()).getTime();
  if (pattern === "request-response" || pattern === "waitForTaskToken") {
    // The child runs on by itself (its own handlers, I/O and timers are the clock's to count; the
    // child as a whole is not "work in flight": it may wait on the clock).
    finished.catch(() => undefined);
    return { ExecutionArn: executionArn, StartDate: startDate };
  }
  onSubmitted?.({ ExecutionArn: executionArn, StartDate: startDate });
  const r = await finished;
  const asJson = pattern === "sync:2";
  const described: JsonObject = {
    ExecutionArn: executionArn,
    Input: asJson ? input : JSON.stringify(input),
    InputDetails: { Included: true },
    Name: name,
    StartDate: r.startDate.getTime(),
    StateMachineArn: stateMachineArn,
    Status: r.status,
    StopDate: r.stopDate.getTime(),
  };
  if (r.status === "SUCCEEDED") {
    described.Output = asJson ? (r.output ?? null) : JSON.stringify(r.output ?? null);
    described.OutputDetails = { Included: true };
    return described;
  }
  if (r.error !== undefined) described.Error = r.error;
  if (r.cause !== undefined) described.Cause = r.cause;
  throw new TaskFailedError(STATES_ERRORS.TaskFailed, JSON.stringify(described));
}
