/**
 * The ResultWriter's execution records are written by hand, from constant parts, for speed
 * (result-records.ts): they must be byte for byte what JSON.stringify makes of the record object in
 * AWS's field order, for any names, texts and dates; and written straight into the spool's buffer
 * (record-bytes.ts), they must be the same bytes.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { JsonValue } from "../../../asl/types";
import type { ChildOutcome } from "../../../engine/distributed/map-run-interface";
import { executionRecordJson } from "../../../engine/distributed/result-records";
import { SucceededRecordEncoder } from "../../../engine/distributed/record-bytes";

/** The record as an object, stringified: the reference. */
function reference(o: ChildOutcome, stateMachineArn: string): string {
  const failure = o.status === "FAILED" ? { Cause: o.cause, Error: o.error } : {};
  const output =
    o.status === "SUCCEEDED"
      ? {
          Output: o.outputText ?? JSON.stringify(o.output),
          OutputDetails: { Included: true },
          RedriveCount: 0,
          RedriveStatus: "NOT_REDRIVABLE",
          RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
        }
      : { RedriveCount: 0, RedriveStatus: "REDRIVABLE_BY_MAP_RUN" };
  return JSON.stringify({
    ...failure,
    ExecutionArn: o.executionArn,
    Input: o.inputText ?? JSON.stringify(o.input),
    InputDetails: { Included: true },
    Name: o.name,
    ...output,
    StartDate: o.startDate.toISOString(),
    StateMachineArn: stateMachineArn,
    Status: o.status,
    StopDate: o.stopDate.toISOString(),
  });
}

// Any code points, and the characters JSON escapes: quotes, backslashes, controls, lone surrogates.
const text = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.constantFrom("\ud800", "\udfff", "a", "é", '"', "\\", "\n", "\u0001") }),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text,
    fc.array(tie("value")),
    fc.dictionary(text, tie("value")),
  ),
})).value as fc.Arbitrary<JsonValue>;
// Years 0 to 9999 and around the epoch (negative milliseconds too), whole or not (a caller's own
// Clock, RunOptions.clock, may give fractions of a millisecond).
const wholeTime = fc.oneof(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), fc.integer({ min: -5000, max: 5000 }));
const time = fc.oneof(
  wholeTime,
  fc.tuple(wholeTime, fc.double({ min: 0.001, max: 0.999, noNaN: true })).map(([ms, fraction]) => ms + fraction),
);
const outcome: fc.Arbitrary<ChildOutcome> = fc
  .record({
    status: fc.constantFrom("SUCCEEDED", "FAILED", "ABORTED"),
    executionArn: fc.oneof(
      text,
      fc.uuid().map((u) => `arn:aws:states:us-east-1:123456789012:execution:Machine/Label:${u}`),
    ),
    name: fc.oneof(text, fc.uuid()),
    // Set, the ARN is made of it and the name (executionArnPrefix).
    arnPrefix: fc.option(fc.oneof(text, fc.constant("arn:aws:states:us-east-1:123456789012:execution:Machine/Label:"))),
    input: json,
    output: json,
    error: text,
    cause: text,
    start: time,
    stop: time,
    withTexts: fc.boolean(),
    withTimes: fc.boolean(),
  })
  .map((r) => {
    const o = { ...r, startDate: new Date(r.start), stopDate: new Date(r.stop) } as Record<string, unknown>;
    if (r.arnPrefix !== null) Object.assign(o, { executionArnPrefix: r.arnPrefix, executionArn: r.arnPrefix + r.name });
    if (r.withTexts) Object.assign(o, { inputText: JSON.stringify(r.input), outputText: JSON.stringify(r.output) });
    if (r.withTimes) Object.assign(o, { startTime: r.start, stopTime: r.stop });
    return o as unknown as ChildOutcome;
  });

describe("ResultWriter execution records", () => {
  it("are JSON.stringify of the record object, in AWS's field order, for any value, text, name, ARN (whole or prefix + name) and date", () => {
    const machine = fc.oneof(text, fc.constant("arn:aws:states:us-east-1:123456789012:stateMachine:Machine/Label"));
    fc.assert(
      fc.property(fc.array(fc.tuple(outcome, machine), { minLength: 1, maxLength: 4 }), (cases) => {
        for (const [o, arn] of cases) assert.equal(executionRecordJson(o, arn), reference(o, arn));
      }),
      { numRuns: 1500 },
    );
  });

  it("an empty state machine ARN as the first one asked still writes the machine and status (found by the property above, seed 339094010)", () => {
    const o = {
      status: "SUCCEEDED",
      output: null,
      input: 1,
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:M/L:x",
      name: "x",
      startDate: new Date(2031),
      stopDate: new Date(3889),
    } as ChildOutcome;
    // A fresh copy of the module, so that "" is the first ARN its cache sees.
    const path = require.resolve("../../../engine/distributed/result-records");
    const cached = require.cache[path];
    delete require.cache[path];
    try {
      const fresh = require(path) as typeof import("../../../engine/distributed/result-records");
      for (const arn of ["", "arn:aws:states:us-east-1:123456789012:stateMachine:M/L", ""])
        assert.equal(fresh.executionRecordJson(o, arn), reference(o, arn));
    } finally {
      if (cached) require.cache[path] = cached;
    }
  });

  it("format many children of the same second and machine, as a busy Map Run ends them", () => {
    const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine/Label";
    const t0 = Date.UTC(2026, 11, 3, 16, 59, 59, 990);
    for (let i = 0; i < 30; i++) {
      const o = {
        status: "SUCCEEDED",
        output: i,
        input: i,
        executionArn: `${arn}:${i}`,
        name: String(i),
        startDate: new Date(t0 + i),
        stopDate: new Date(t0 + 2 * i),
        startTime: t0 + i,
        stopTime: t0 + 2 * i,
      } as ChildOutcome;
      assert.equal(executionRecordJson(o, arn), reference(o, arn));
    }
  });

  it("written straight into a buffer, a succeeded child's record is the UTF-8 of its string, for any value, text, name, prefix and date", () => {
    const machine = fc.oneof(text, fc.constant("arn:aws:states:us-east-1:123456789012:stateMachine:Machine/Label"));
    const plainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s) && !/["\\]/.test(s);
    fc.assert(
      fc.property(fc.array(fc.tuple(outcome, machine), { minLength: 1, maxLength: 6 }), fc.nat(64), (cases, offset) => {
        // One encoder for the whole sequence, as a sink reuses it (its prefix, machine and date caches).
        const encoder = new SucceededRecordEncoder();
        for (const [o, arn] of cases) {
          const taken = encoder.set(o, arn);
          assert.equal(taken, o.status === "SUCCEEDED" && o.executionArnPrefix !== undefined && plainAscii(o.name));
          if (!taken) continue;
          const max = encoder.maxBytes();
          const buf = Buffer.alloc(offset + max + 8, 0xee);
          const end = encoder.writeInto(buf, offset);
          assert.ok(end - offset <= max, `${end - offset} bytes written, ${max} reserved`);
          assert.deepEqual(buf.subarray(offset, end), Buffer.from(executionRecordJson(o, arn)));
          assert.ok(
            buf.subarray(0, offset).every((b) => b === 0xee) && buf.subarray(end).every((b) => b === 0xee),
            "nothing written outside",
          );
        }
      }),
      { numRuns: 1500 },
    );
  });
});
