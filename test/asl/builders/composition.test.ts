import { strict as assert } from "node:assert";
import {
  BuilderError,
  choice,
  Condition,
  distributedMap,
  inlineMap,
  machine,
  parallel,
  pass,
  sequence,
  StateNameCollisionError,
  succeed,
  task,
  type AnyLambdaRef,
  type Chain,
} from "../../../asl/builders";
import { FN_ARN, fn, render } from "./helpers";

/** A fragment: a function returning a fresh chain, with an optional name prefix to place it twice. */
const enrichAndStore = (ref: AnyLambdaRef, prefix = ""): Chain =>
  task(`${prefix}Enrich`, ref, { resultPath: "$.enriched" }).next(
    pass(`${prefix}Store`, { result: { stored: true }, resultPath: "$.store" }),
  );

const fragmentStates = (prefix = "") => ({
  [`${prefix}Enrich`]: { Type: "Task", Resource: FN_ARN, ResultPath: "$.enriched", Next: `${prefix}Store` },
  [`${prefix}Store`]: { Type: "Pass", Result: { stored: true }, ResultPath: "$.store", End: true },
});

describe("asl/builders composition", () => {
  it("places a fragment at the top of a machine and continues after it", () => {
    const def = render(enrichAndStore(fn).next(succeed("Done")));
    assert.equal(def.StartAt, "Enrich");
    assert.deepStrictEqual(def.States, {
      Enrich: fragmentStates().Enrich,
      Store: { Type: "Pass", Result: { stored: true }, ResultPath: "$.store", Next: "Done" },
      Done: { Type: "Succeed" },
    });
  });

  it("places the same fragment in a Map processor and in a Parallel branch", () => {
    const def = render(
      inlineMap("EachItem", { itemsPath: "$.items", processor: enrichAndStore(fn) }).next(
        parallel("Both", [enrichAndStore(fn, "Left"), enrichAndStore(fn, "Right")]),
      ),
    );
    assert.deepStrictEqual((def.States.EachItem as { ItemProcessor: unknown }).ItemProcessor, {
      StartAt: "Enrich",
      States: fragmentStates(),
    });
    assert.deepStrictEqual((def.States.Both as { Branches: unknown }).Branches, [
      { StartAt: "LeftEnrich", States: fragmentStates("Left") },
      { StartAt: "RightEnrich", States: fragmentStates("Right") },
    ]);
  });

  it("chains pieces with sequence() like next()", () => {
    const def = render(sequence(pass("A"), enrichAndStore(fn), pass("Z")));
    assert.deepStrictEqual(Object.keys(def.States), ["A", "Enrich", "Store", "Z"]);
    assert.equal((def.States.Store as { Next?: string }).Next, "Z");
  });

  it("reports a collision between a top-level state and a processor state, naming both places", () => {
    const build = () => machine(enrichAndStore(fn).next(distributedMap("MapData", { itemsPath: "$", processor: enrichAndStore(fn) })));
    assert.throws(build, (e: unknown) => {
      assert.ok(e instanceof StateNameCollisionError);
      assert.equal(e.stateName, "Enrich");
      assert.equal(e.firstLocation, "/States/Enrich");
      assert.equal(e.secondLocation, "/States/MapData/ItemProcessor/States/Enrich");
      assert.match(
        e.message,
        /State name "Enrich" is used by two different states: at \/States\/Enrich and at \/States\/MapData\/ItemProcessor\/States\/Enrich/,
      );
      return true;
    });
  });

  it("reports a collision between two Parallel branches and between two top-level states", () => {
    assert.throws(
      () => machine(parallel("P", [enrichAndStore(fn), enrichAndStore(fn)])),
      /"Enrich" is used by two different states: at \/States\/P\/Branches\/0\/States\/Enrich and at \/States\/P\/Branches\/1\/States\/Enrich/,
    );
    assert.throws(
      () => machine(pass("Same").next(pass("Same"))),
      /"Same" is used by two different states: at \/States\/Same and at \/States\/Same/,
    );
    assert.throws(
      () =>
        machine(
          choice("C")
            .when(Condition.isPresent("$.a"), succeed("End"))
            .otherwise(pass("X").next(succeed("End"))),
        ),
      StateNameCollisionError,
    );
  });

  it("escapes JSON pointer characters in collision locations", () => {
    assert.throws(() => machine(pass("a/b").next(pass("a/b"))), /at \/States\/a~1b and at \/States\/a~1b/);
  });

  it("lets branches converge on one state object (no collision)", () => {
    const done = succeed("Done");
    const def = render(choice("C").when(Condition.isPresent("$.a"), pass("A").next(done)).otherwise(done));
    assert.deepStrictEqual(Object.keys(def.States), ["C", "A", "Done"]);
  });

  it("refuses one state object in two scopes (a transition cannot leave a branch or processor)", () => {
    const shared = pass("Shared");
    assert.throws(
      () =>
        machine(
          pass("Top")
            .next(shared)
            .next(inlineMap("M", { processor: pass("Inner").next(shared) })),
        ),
      (e: unknown) =>
        e instanceof BuilderError &&
        /State "Shared" is reached from two scopes \(\/States\/Shared and \/States\/M\/ItemProcessor\/States\/Shared\)/.test(e.message),
    );
  });

  it("refuses to continue a state twice with different states, but allows repeating the same link", () => {
    const a = pass("A");
    const b = pass("B");
    a.next(b);
    assert.doesNotThrow(() => a.next(b));
    assert.throws(() => a.next(pass("C")), /State "A" already continues with "B"; cannot also continue with "C"/);
  });

  it("finds collisions when the machine is assembled, before any render", () => {
    assert.throws(() => machine(pass("X").next(inlineMap("M", { processor: pass("X") }))), StateNameCollisionError);
  });
});
