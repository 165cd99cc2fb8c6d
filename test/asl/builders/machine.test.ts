import { strict as assert } from "node:assert";
import { InvalidDefinitionError } from "../../../asl/diagnostics";
import {
  BuilderError,
  distributedMap,
  inlineMap,
  lambda,
  lambdaInvoke,
  machine,
  parallel,
  pass,
  succeed,
  task,
  type AnyLambdaRef,
} from "../../../asl/builders";
import { fn, other } from "./helpers";

describe("asl/builders machine()", () => {
  it("renders StartAt, States and the machine-level fields", () => {
    const m = machine(pass("A").next(pass("B")), {
      comment: "demo",
      timeoutSeconds: 300,
      queryLanguage: "JSONata",
      version: "1.0",
      type: "STANDARD",
    });
    assert.deepStrictEqual(m.renderLocal(), {
      Comment: "demo",
      QueryLanguage: "JSONata",
      Version: "1.0",
      TimeoutSeconds: 300,
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", End: true } },
    });
    assert.equal(m.type, "STANDARD");
    assert.equal(m.queryLanguage, "JSONata");
    assert.equal(machine(pass("A")).queryLanguage, "JSONPath");
  });

  it("lists each distinct Lambda once, from every scope (catch handlers, branches, nested processors), in walk order", () => {
    const third = lambda("Third", async () => 3);
    const fourth = lambda("Fourth", async () => 4);
    const m = machine(
      task("A", fn)
        .addCatch(task("OnError", fourth))
        .next(parallel("P", [task("B", other), lambdaInvoke("C", fn)]))
        .next(distributedMap("D", { itemsPath: "$", processor: inlineMap("Inner", { processor: task("E", third) }) })),
    );
    assert.deepStrictEqual(
      m.lambdas.map((r) => r.name),
      ["Fn", "Other", "Fourth", "Third"],
    );
    assert.ok(Object.isFrozen(m.lambdas));
  });

  it("treats two references with one name and one handler as the same function", () => {
    const handler = async () => "same";
    const m = machine(task("A", lambda("Same", handler)).next(task("B", lambda("Same", handler))));
    assert.equal(m.lambdas.length, 1);
  });

  it("refuses one name for two different handlers (the engine and IAM could not tell them apart)", () => {
    const a = lambda("Dup", async () => 1);
    const b = lambda("Dup", async () => 2);
    assert.throws(
      () => machine(task("A", a).next(task("B", b))),
      /Two different Lambda references are both named "Dup" \(state "B" uses the second\)/,
    );
  });

  it("maps function names to handlers for the local engine", async () => {
    const handlers = machine(task("A", fn).next(task("B", other))).handlersByName();
    assert.deepStrictEqual([...handlers.keys()], ["Fn", "Other"]);
    assert.deepStrictEqual(await handlers.get("Fn")!({ n: 2 }), { doubled: 4 });
  });

  it("resolves each function once per render with the given resolver", () => {
    const calls: string[] = [];
    const resolve = (ref: AnyLambdaRef) => {
      calls.push(ref.name);
      return `arn:aws:lambda:eu-west-1:111122223333:function:prod-${ref.name}`;
    };
    const def = machine(task("A", fn).next(task("B", fn)).next(lambdaInvoke("C", fn))).render(resolve);
    assert.deepStrictEqual(calls, ["Fn"]);
    assert.equal((def.States.A as { Resource: string }).Resource, "arn:aws:lambda:eu-west-1:111122223333:function:prod-Fn");
    assert.throws(() => machine(task("A", fn)).render(() => "" as string), /The Lambda resolver returned "" for "Fn"/);
  });

  it("validates what it renders and throws InvalidDefinitionError with the diagnostics", () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html — labels are unique
    // within a definition: only the whole machine can tell (a label's length is checked when built).
    const twice = machine(
      distributedMap("D", { itemsPath: "$", processor: pass("P"), label: "Same" }).next(
        distributedMap("E", { itemsPath: "$", processor: pass("Q"), label: "Same" }),
      ),
    );
    assert.throws(
      () => twice.renderLocal(),
      (e: unknown) =>
        e instanceof InvalidDefinitionError && e.diagnostics.some((d) => d.location === "/States/E/Label" && d.severity === "ERROR"),
    );
    // renderUnchecked leaves reporting to the caller (e.g. a CLI that prints diagnostics).
    assert.equal(
      (twice.renderUnchecked(() => "arn:aws:lambda:us-east-1:123456789012:function:x").States.E as { Label: string }).Label,
      "Same",
    );
  });

  it("passes the machine type to the validator (no Distributed Map in an EXPRESS machine)", () => {
    const m = (type: "STANDARD" | "EXPRESS") => machine(distributedMap("D", { itemsPath: "$", processor: pass("P") }), { type });
    assert.doesNotThrow(() => m("STANDARD").renderLocal());
    assert.throws(
      () => m("EXPRESS").renderLocal(),
      (e: unknown) => e instanceof InvalidDefinitionError && e.diagnostics.some((d) => d.location.startsWith("/States/D")),
    );
  });

  it("renders the same JSON every time (render is repeatable)", () => {
    const m = machine(task("A", fn).next(succeed("Done")));
    assert.deepStrictEqual(m.renderLocal(), m.renderLocal());
  });

  it("needs a state or chain", () => {
    assert.throws(
      () => machine(undefined as never),
      (e: unknown) => e instanceof BuilderError && /machine\(\.\.\.\): the first argument must be a state or a chain/.test(e.message),
    );
  });
});
