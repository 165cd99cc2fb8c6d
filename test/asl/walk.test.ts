import { strict as assert } from "node:assert";
import type { StateMachineDefinition } from "../../asl/types";
import { walkStates } from "../../asl/walk";

describe("asl: walkStates, the one state walk", () => {
  it("visits nested branches and processors (ItemProcessor and legacy Iterator), marking Distributed Map children", () => {
    const def = {
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: { Type: "Pass", End: true } } }], Next: "D" },
        D: {
          Type: "Map",
          Iterator: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "I", States: { I: { Type: "Map", ItemProcessor: { StartAt: "X", States: { X: { Type: "Succeed" } } }, End: true } } },
          End: true,
        },
      },
    } as unknown as StateMachineDefinition;
    const seen: Array<[string, string, boolean, string | undefined]> = [];
    walkStates(def, (v) => seen.push([v.name, v.at.join("/"), v.inDistributedChild, v.enclosingMap?.name]));
    assert.deepEqual(seen, [
      ["P", "States/P", false, undefined],
      ["B", "States/P/Branches/0/States/B", false, undefined],
      ["D", "States/D", false, undefined],
      ["I", "States/D/Iterator/States/I", true, "D"],
      ["X", "States/D/Iterator/States/I/ItemProcessor/States/X", true, "I"],
    ]);
  });
});
