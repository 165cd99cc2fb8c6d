import { strict as assert } from "node:assert";
import type { State, StateMachineDefinition } from "../../asl/types";
import { childWorkflows, walkStates } from "../../asl/walk";

describe("asl: walkStates, the one state walk", () => {
  it("visits nested branches and processors (ItemProcessor and legacy Iterator), marking Distributed Map children", () => {
    const def = {
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: { Type: "Pass", End: true } } }], Next: "D" },
        D: {
          Type: "Map",
          Iterator: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "I",
            States: { I: { Type: "Map", ItemProcessor: { StartAt: "X", States: { X: { Type: "Succeed" } } }, End: true } },
          },
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

describe("asl: walkStates, nesting, languages and order", () => {
  // Map (DISTRIBUTED, legacy Iterator) → Map (INLINE) → Parallel → two branches.
  const def = {
    QueryLanguage: "JSONPath",
    StartAt: "Outer",
    States: {
      Outer: {
        Type: "Map",
        Iterator: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
          QueryLanguage: "JSONata",
          StartAt: "Inner",
          States: {
            Inner: {
              Type: "Map",
              ItemProcessor: {
                StartAt: "Par",
                States: {
                  Par: {
                    Type: "Parallel",
                    Branches: [
                      { StartAt: "A", States: { A: { Type: "Pass", QueryLanguage: "JSONata", End: true } } },
                      { StartAt: "B", States: { B: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } },
                    ],
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
        End: true,
      },
    },
  } as unknown as StateMachineDefinition;

  it("visits a Parallel inside a Map inside a legacy-Iterator Distributed Map, with locations, enclosing Map and scope", () => {
    const seen: Array<[string, string, boolean, string | undefined, string]> = [];
    walkStates(def, (v) =>
      seen.push([v.name, v.at.join("/"), v.inDistributedChild, v.enclosingMap?.name, Object.keys(v.scope.States).join(",")]),
    );
    assert.deepEqual(seen, [
      ["Outer", "States/Outer", false, undefined, "Outer"],
      ["Inner", "States/Outer/Iterator/States/Inner", true, "Outer", "Inner"],
      ["Par", "States/Outer/Iterator/States/Inner/ItemProcessor/States/Par", true, "Inner", "Par"],
      ["A", "States/Outer/Iterator/States/Inner/ItemProcessor/States/Par/Branches/0/States/A", true, "Inner", "A"],
      ["B", "States/Outer/Iterator/States/Inner/ItemProcessor/States/Par/Branches/1/States/B", true, "Inner", "B"],
    ]);
  });

  it("gives each state its query language: its own, else its scope's, else the machine's (not the enclosing state's)", () => {
    const lang = new Map<string, string>();
    walkStates(def, (v) => lang.set(v.name, v.queryLanguage));
    // Inner's scope (the Iterator) says JSONata; Par's scope (Inner's processor) says nothing, so the machine's JSONPath.
    assert.deepEqual(Object.fromEntries(lang), { Outer: "JSONPath", Inner: "JSONata", Par: "JSONPath", A: "JSONata", B: "JSONPath" });
  });

  it("calls enter before and leave after a state's nested states", () => {
    const order: string[] = [];
    walkStates(def, { enter: (v) => order.push(`+${v.name}`), leave: (v) => order.push(`-${v.name}`) });
    assert.deepEqual(order, ["+Outer", "+Inner", "+Par", "+A", "-A", "+B", "-B", "-Par", "-Inner", "-Outer"]);
  });

  it("childWorkflows: the branches of a Parallel in order, a Map's processor under the name it is written, none elsewhere", () => {
    const outer = def.States["Outer"]!;
    assert.deepEqual(
      childWorkflows(outer).map((c) => [c.kind, c.key.join("/")]),
      [["processor", "Iterator"]],
    );
    const both = {
      Type: "Map",
      ItemProcessor: { StartAt: "X", States: {} },
      Iterator: { StartAt: "Y", States: {} },
      End: true,
    } as unknown as State;
    assert.deepEqual(
      childWorkflows(both).map((c) => c.key.join("/")),
      ["ItemProcessor"],
    );
    const par = {
      Type: "Parallel",
      Branches: [
        { StartAt: "X", States: {} },
        { StartAt: "Y", States: {} },
      ],
      End: true,
    } as unknown as State;
    assert.deepEqual(
      childWorkflows(par).map((c) => [c.kind, c.key.join("/"), c.workflow.StartAt]),
      [
        ["branch", "Branches/0", "X"],
        ["branch", "Branches/1", "Y"],
      ],
    );
    assert.deepEqual(childWorkflows({ Type: "Pass", End: true }), []);
  });
});
