/**
 * How many times each kind of compile ran in this process. Compiling is what a definition pays
 * once; a run, a Map item or a child execution only evaluates. Tests read these counters to fail
 * when something compiles per run or per item (test/engine/compile-once.test.ts).
 */
export const compileCount = {
  /** Machines and sub-workflows (a Map's ItemProcessor, a Parallel branch). */
  workflows: 0,
  /** JSONPath payload templates (each nested object or array counts). */
  templates: 0,
  /** Reference paths parsed (json/path.ts caches by text: a path text is parsed once per process). */
  paths: 0,
  /** JSONata values (each nested object or array counts) and expressions. */
  jsonata: 0,
  /** Intrinsic function calls parsed. */
  intrinsics: 0,
  /** JSONPath Choice rules (each nested And/Or/Not counts). */
  choiceRules: 0,
};
