import { strict as assert } from "node:assert";
import { BuilderError, intrinsic, jsonata, path } from "../../../asl/builders";
import { renderTemplate, renderTwin } from "../../../asl/builders/values";

const jsonPathSite = { state: "S", field: "Parameters", queryLanguage: "JSONPath" as const };
const jsonataSite = { state: "S", field: "Arguments", queryLanguage: "JSONata" as const };

describe("asl/builders values", () => {
  it("path() renders as Key.$ in a JSONPath template, nested objects and objects in arrays included", () => {
    assert.deepStrictEqual(
      renderTemplate(
        {
          static: "x",
          n: 1,
          ok: true,
          none: null,
          id: path("$.id"),
          nested: { ctx: path("$$.Execution.Id") },
          list: [{ v: path("$.v") }, 2],
        },
        jsonPathSite,
      ),
      { static: "x", n: 1, ok: true, none: null, "id.$": "$.id", nested: { "ctx.$": "$$.Execution.Id" }, list: [{ "v.$": "$.v" }, 2] },
    );
  });

  it("intrinsic() renders as Key.$ with the call", () => {
    assert.deepStrictEqual(renderTemplate({ msg: intrinsic("States.Format('hi {}', $.name)") }, jsonPathSite), {
      "msg.$": "States.Format('hi {}', $.name)",
    });
  });

  it("keeps a hand-written Key.$ string as written", () => {
    assert.deepStrictEqual(renderTemplate({ "a.$": "$.a" }, jsonPathSite), { "a.$": "$.a" });
  });

  it("jsonata() renders as {% %} in a JSONata template; the wrapper is not doubled", () => {
    assert.deepStrictEqual(renderTemplate({ a: jsonata("$states.input.a"), b: jsonata("{% $b %}"), c: "lit" }, jsonataSite), {
      a: "{% $states.input.a %}",
      b: "{% $b %}",
      c: "lit",
    });
  });

  it("drops undefined keys", () => {
    assert.deepStrictEqual(renderTemplate({ a: undefined, b: 1 }, jsonPathSite), { b: 1 });
  });

  it("renders a numeric field and its Path twin as one or the other, never both", () => {
    assert.deepStrictEqual(renderTwin("MaxConcurrency", 5, jsonPathSite), { MaxConcurrency: 5 });
    assert.deepStrictEqual(renderTwin("MaxConcurrency", path("$.max"), jsonPathSite), { MaxConcurrencyPath: "$.max" });
    assert.deepStrictEqual(renderTwin("MaxConcurrency", jsonata("$states.input.max"), jataSite()), {
      MaxConcurrency: "{% $states.input.max %}",
    });
    assert.deepStrictEqual(renderTwin("MaxConcurrency", undefined, jsonPathSite), {});
  });

  it("rejects values of the other query language, naming the state and field", () => {
    assert.throws(
      () => renderTemplate({ a: jsonata("$x") }, jsonPathSite),
      (e: unknown) => e instanceof BuilderError && /state "S" field Parameters\.a: jsonata\(\) values need the JSONata/.test(e.message),
    );
    assert.throws(
      () => renderTemplate({ a: path("$.x") }, jsonataSite),
      /state "S" field Arguments\.a: path\(\)\/intrinsic\(\) values need the JSONPath/,
    );
    assert.throws(() => renderTwin("MaxConcurrency", path("$.x"), jsonataSite), /field MaxConcurrency: path\(\) needs the JSONPath/);
    assert.throws(() => renderTwin("MaxConcurrency", jsonata("$x"), jsonPathSite), /field MaxConcurrency: jsonata\(\) needs the JSONata/);
  });

  it("rejects a path() where no key can carry it, a hand-written .$ on a path(), and non-finite numbers", () => {
    assert.throws(
      () => renderTemplate({ list: [path("$.a")] }, jsonPathSite),
      /list\[0\]: a path\(\) can only be the value of an object key/,
    );
    assert.throws(() => renderTemplate({ "a.$": path("$.a") }, jsonPathSite), /do not write "\.\$" yourself/);
    assert.throws(() => renderTemplate({ n: Number.NaN }, jsonPathSite), /NaN is not a JSON number/);
    assert.throws(() => renderTwin("TimeoutSeconds", Number.POSITIVE_INFINITY, jsonPathSite), /Infinity is not a JSON number/);
  });

  it("rejects values that are not JSON", () => {
    assert.throws(() => renderTemplate({ f: (() => 1) as never }, jsonPathSite), /field Parameters\.f: function is not a JSON value/);
    assert.throws(() => renderTemplate({ n: 1n as never }, jsonPathSite), /bigint is not a JSON value/);
  });

  it("checks the helpers' own arguments", () => {
    assert.throws(() => path("bucket" as `$${string}`), /path\("bucket"\): a JSONPath must start with "\$"/);
    assert.throws(() => jsonata("  "), /the expression is empty/);
    assert.throws(() => jsonata("{%  %}"), /the expression is empty/);
    assert.throws(() => intrinsic("States.Format" as `States.${string}`), /expected a call like/);
  });
});

function jataSite() {
  return { state: "S", field: "MaxConcurrency", queryLanguage: "JSONata" as const };
}
