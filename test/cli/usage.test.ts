import { strict as assert } from "node:assert";
import { didYouMean, editDistance, parseArgsMessage, usageLine } from "../../tools/cli/usage";

describe("tools/cli usage errors", () => {
  it("counts edits as a person counts typos (a swap of two letters is one)", () => {
    assert.equal(editDistance("workflow", "workflow"), 0);
    assert.equal(editDistance("wokrflow", "workflow"), 1);
    assert.equal(editDistance("wrkflow", "workflow"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
  });

  it("suggests the nearest flag for a typo, an abbreviation or a run-on word, and nothing for a stranger", () => {
    const flags = ["--stack", "--workflow", "--input", "--inline", "--variant", "--what-if", "--json", "--objects", "--help"];
    assert.equal(didYouMean("--wokrflow", flags), "--workflow");
    assert.equal(didYouMean("--inptu", flags), "--input");
    assert.equal(didYouMean("--jsno", flags), "--json");
    assert.equal(didYouMean("--obj", flags), "--objects");
    assert.equal(didYouMean("--bogus", flags), undefined);
    assert.equal(didYouMean("--in", flags), undefined, "too short to tell --input from --inline");
    assert.equal(didYouMean("--outdir", ["--out", "--stack"]), "--out");
    assert.equal(didYouMean("map-reduse", ["seed", "map-reduce"]), "map-reduce");
  });

  it("rewords parseArgs's messages and keeps errors to one line with a pointer to --help", () => {
    const flags = ["workflow", "input"];
    assert.equal(
      parseArgsMessage(
        "Unknown option '--wrkflow'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--wrkflow\"",
        flags,
      ),
      "unknown option --wrkflow; did you mean --workflow?",
    );
    assert.equal(parseArgsMessage("Option '--input <value>' argument missing", flags), "--input needs a value");
    assert.equal(
      usageLine({ program: "npm start", help: "npm start -- --help" }, "--a is wrong\n--b is wrong"),
      "npm start: --a is wrong; --b is wrong (npm start -- --help for usage)",
    );
  });
});
