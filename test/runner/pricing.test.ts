import { strict as assert } from "node:assert";
import { billedMs, estimateBill, formatBill, formatUsd, PRICE_TABLE } from "../../tools/pricing";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

describe("tools/pricing", () => {
  it("prices STANDARD transitions at $25 per million (https://aws.amazon.com/step-functions/pricing/)", () => {
    const bill = estimateBill({
      parent: { type: "STANDARD", executions: 1, stateTransitions: 1_000_000, billedDurationMs: 0 },
      lambdas: [],
    });
    assert.equal(bill.lines.length, 1);
    close(bill.totalUsd, 25);
  });

  it("prices EXPRESS children by requests and GB-seconds in 64-MB chunks and 100-ms units", () => {
    // "Duration is ... rounded up to the nearest 100ms, and the amount of memory ... billed in 64-MB chunks."
    const perChild = billedMs(150, PRICE_TABLE.stepFunctions.expressDurationRoundingMs);
    assert.equal(perChild, 200);
    const bill = estimateBill({
      parent: { type: "STANDARD", executions: 1, stateTransitions: 0, billedDurationMs: 0 },
      children: {
        type: "EXPRESS",
        executions: 1_000_000,
        stateTransitions: 3_000_000,
        billedDurationMs: perChild * 1_000_000,
        memoryMb: 100,
      },
      lambdas: [],
    });
    const requests = bill.lines.find((l) => l.item.startsWith("child requests"));
    const duration = bill.lines.find((l) => l.item.startsWith("child duration"));
    close(requests!.costUsd, 1);
    // 100 MB rounds up to two 64-MB chunks = 0.125 GB; 1e6 × 0.2 s × 0.125 GB = 25,000 GB-s.
    close(duration!.quantity, 25_000);
    close(duration!.costUsd, 25_000 * 0.00001667);
  });

  it("prices Lambda requests at $0.20 per million and duration by architecture", () => {
    const bill = estimateBill({
      parent: { type: "STANDARD", executions: 1, stateTransitions: 0, billedDurationMs: 0 },
      lambdas: [
        { functionName: "arm", invocations: 1_000_000, billedDurationMs: 100 * 1_000_000, memoryMb: 128, architecture: "arm64" },
        { functionName: "x86", invocations: 1_000_000, billedDurationMs: 100 * 1_000_000, memoryMb: 128, architecture: "x86_64" },
      ],
    });
    const cost = (item: string) => bill.lines.find((l) => l.item.startsWith(item))!.costUsd;
    close(cost("arm requests"), 0.2);
    close(cost("arm duration"), 12_500 * 0.0000133334);
    close(cost("x86 duration"), 12_500 * 0.0000166667);
    assert.ok(cost("arm duration") < cost("x86 duration"));
  });

  it("rounds durations up to the billing unit, never below one unit", () => {
    assert.equal(billedMs(0.2, 1), 1);
    assert.equal(billedMs(1.0001, 1), 2);
    assert.equal(billedMs(100, 100), 100);
    assert.equal(billedMs(101, 100), 200);
  });

  it("formats sub-cent amounts visibly and names its sources and date", () => {
    assert.equal(formatUsd(0.5025), "$0.5025");
    assert.equal(formatUsd(0.000213), "$0.000213");
    const text = formatBill(
      estimateBill({ parent: { type: "STANDARD", executions: 1, stateTransitions: 4, billedDurationMs: 0 }, lambdas: [] }),
    ).join("\n");
    assert.match(text, /https:\/\/aws\.amazon\.com\/step-functions\/pricing\//);
    assert.match(text, new RegExp(PRICE_TABLE.retrieved));
  });
});
