/**
 * Scale and robustness: a generated definition of more than 1,000 states validates cleanly, a single
 * mistake deep inside it is reported exactly once at the right place, and no input (random JSON,
 * random edits of valid definitions) makes the validator throw.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { validateDefinition } from "../../../asl/validator";
import { checkPath, referencePathProblem } from "../../../asl/validator/jsonpath";
import { countStates, generateDefinition } from "./generate";
import { errors } from "./helpers";

describe("validator: scale", () => {
  it("a generated definition of more than 1,000 states has no diagnostics", () => {
    const def = generateDefinition(1000);
    assert.ok(countStates(def) >= 1000);
    assert.deepEqual(validateDefinition(def).diagnostics, []);
  });
  it("finds one mistake deep inside it, exactly where it is", () => {
    const def = generateDefinition(1000) as { States: Record<string, Record<string, unknown>> };
    const map = def.States["Distribute_57"]!;
    const processor = map["ItemProcessor"] as { States: Record<string, Record<string, unknown>> };
    processor.States["Check_57"]!["Default"] = "Fine_58";
    (map["ItemBatcher"] as Record<string, unknown>)["MaxInputBytesPerBatch"] = 262145;
    assert.deepEqual(errors(def), [
      ["SCHEMA_VALIDATION_FAILED", "/States/Distribute_57/ItemBatcher/MaxInputBytesPerBatch"],
      ["TRANSITION_LEAVES_SCOPE", "/States/Distribute_57/ItemProcessor/States/Check_57/Default"],
      // Bad_57 was only reachable through that Default.
      ["UNREACHABLE_STATE", "/States/Distribute_57/ItemProcessor/States/Bad_57"],
    ]);
  });
});

describe("validator: robustness (property-based)", () => {
  const shape = (r: ReturnType<typeof validateDefinition>) => {
    assert.equal(typeof r.valid, "boolean");
    for (const d of r.diagnostics) {
      assert.equal(typeof d.code, "string");
      assert.equal(typeof d.message, "string");
      assert.match(d.location, /^(\/[^/]*)*$/);
    }
  };

  it("never throws on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.json(), (text) => shape(validateDefinition(text))),
      { numRuns: 300 },
    );
  });

  it("never throws when valid definitions are edited at random", () => {
    const root = join(__dirname, "..", "..", "fixtures", "asl", "valid");
    const defs = readdirSync(root).map((f) => JSON.parse(readFileSync(join(root, f), "utf8")) as unknown);
    // Replace one random node (object member or array element) with a random JSON value.
    const nodes = (v: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) => {
      if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), nodes(x, out)));
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), nodes(x, out));
      return out;
    };
    fc.assert(
      fc.property(fc.nat(defs.length - 1), fc.nat(), fc.jsonValue(), (which, pick, value) => {
        const def = structuredClone(defs[which]);
        const all = nodes(def);
        const [parent, key] = all[pick % all.length]!;
        (parent as Record<string | number, unknown>)[key] = value;
        shape(validateDefinition(def));
      }),
      { numRuns: 400 },
    );
  });

  it("reference paths built from names and indexes are accepted; adding a wildcard, filter or deep scan is not", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
    const segment = fc.oneof(
      name.map((n) => `.${n}`),
      fc.nat(99).map((i) => `[${i}]`),
      name.map((n) => `['${n} x']`),
    );
    const path = fc.array(segment, { maxLength: 6 }).map((s) => "$" + s.join(""));
    fc.assert(
      fc.property(path, fc.constantFrom("[*]", ".*", "..x", "[?(@.a)]", "[0:2]", "[1,2]", ".length()"), (p, bad) => {
        const good = checkPath(p);
        assert.ok(good.ok && referencePathProblem(good.features) === undefined, p);
        const worse = checkPath(p + bad);
        assert.ok(worse.ok && referencePathProblem(worse.features) !== undefined, p + bad);
      }),
      { numRuns: 300 },
    );
  });
});
