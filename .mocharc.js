// mocha merges a config's `spec` with the files named on the command line, so `npx mocha
// test/x.test.ts` ran the whole suite. The suite's glob applies only when no test file is named.
const named = process.argv.slice(2).some((a) => /\.test\.ts$/.test(a) || /^test\//.test(a));
module.exports = {
  require: ["tsx/cjs", "test/support/temp-dirs.ts"],
  extension: ["ts"],
  ...(named ? {} : { spec: ["test/**/*.test.ts"] }),
  timeout: 20000,
  reporter: "dot",
};
