/**
 * What a Distributed Map child execution sees of itself through the interpreter: its ARN (which
 * must agree with the Map Run ARN's label) and `$$.Map.Item.*` for its item.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — Label: "For
 * each Map Run, Step Functions adds the label to the Map Run ARN ... If you don't specify a label,
 * Step Functions automatically generates a unique label."
 */
import { strict as assert } from "node:assert";
import type { JsonValue } from "../../../asl/types";
import { mapRunLabel } from "../../../engine/distributed";
import { runDef } from "../helpers";

const SM = "arn:aws:states:us-east-1:123456789012:stateMachine:LocalStateMachine";

function distributed(extra: Record<string, unknown>, processorStates: Record<string, unknown>, queryLanguage?: string): unknown {
  return {
    ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}),
    StartAt: "Fan",
    States: {
      Fan: {
        Type: "Map",
        ...extra,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: processorStates },
        End: true,
      },
    },
  };
}

/** `arn:...:execution:<machine>/<label>:<name>` → label; `arn:...:mapRun:<machine>/<label>:<id>` → label. */
const labelOf = (arn: string) => arn.split(":")[6].split("/")[1];

describe("engine/distributed: child execution context", () => {
  const whoAmI = { P: { Type: "Pass", Parameters: { "id.$": "$$.Execution.Id", "sm.$": "$$.StateMachine.Id" }, End: true } };

  it("without a Label, child ARNs carry the Map Run ARN's generated label", async () => {
    const result = await runDef(distributed({}, whoAmI), [1, 2]);
    assert.equal(result.status, "SUCCEEDED", result.cause);
    const label = mapRunLabel(SM, "Fan");
    assert.notEqual(label, "Fan");
    assert.equal(labelOf(result.mapRuns[0].mapRunArn), label);
    for (const child of result.output as Array<{ id: string; sm: string }>) {
      assert.ok(child.id.startsWith(`arn:aws:states:us-east-1:123456789012:execution:LocalStateMachine/${label}:`), child.id);
      assert.equal(child.sm, `${SM}/${label}`);
    }
  });

  it("with a Label, child ARNs and the Map Run ARN both carry it", async () => {
    const result = await runDef(distributed({ Label: "Chunks" }, whoAmI), [1]);
    assert.equal(labelOf(result.mapRuns[0].mapRunArn), "Chunks");
    assert.equal(labelOf((result.output as Array<{ id: string }>)[0].id), "Chunks");
  });

  it("items of a JSON object: $$.Map.Item.Key in a JSONPath ItemSelector", async () => {
    const result = await runDef(
      distributed(
        { ItemSelector: { "k.$": "$$.Map.Item.Key", "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" } },
        { P: { Type: "Pass", End: true } },
      ),
      { a: 1, b: { c: 2 } },
    );
    assert.equal(result.status, "SUCCEEDED", result.cause);
    assert.deepEqual(result.output, [
      { k: "a", v: 1, i: 0 },
      { k: "b", v: { c: 2 }, i: 1 },
    ] as JsonValue);
  });

  it("items of a JSON object: $states.context.Map.Item.Key in a JSONata ItemSelector", async () => {
    const result = await runDef(
      distributed(
        { ItemSelector: { k: "{% $states.context.Map.Item.Key %}", v: "{% $states.context.Map.Item.Value %}" } },
        { P: { Type: "Pass", End: true } },
        "JSONata",
      ),
      { a: 1, b: 2 },
    );
    assert.equal(result.status, "SUCCEEDED", result.cause);
    assert.deepEqual(result.output, [
      { k: "a", v: 1 },
      { k: "b", v: 2 },
    ]);
  });
});
