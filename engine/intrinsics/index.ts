/** Compiles an intrinsic call once into an evaluator over (input, env). */
import type { JsonValue } from "../../asl/types";
import { compileCount } from "../compile-count";
import { IntrinsicFailureError, StatesError } from "../model/errors";
import { compilePath, type PathEnv } from "../json/path";
import { intrinsicImpl, type IntrinsicRuntime } from "./functions";
import { parseIntrinsic, type IntrinsicArg, type IntrinsicCall } from "./parser";

export { isIntrinsic } from "./parser";
export type { IntrinsicRuntime } from "./functions";

export interface IntrinsicEnv extends PathEnv, IntrinsicRuntime {}

export type CompiledIntrinsic = (input: JsonValue, env: IntrinsicEnv) => JsonValue;

const unescapeBraces = (s: string) => s.replace(/\\([{}])/g, "$1");

function compileArg(arg: IntrinsicArg): CompiledIntrinsic {
  switch (arg.kind) {
    case "literal": {
      const v = typeof arg.value === "string" ? unescapeBraces(arg.value) : arg.value;
      return () => v;
    }
    case "path": {
      const path = compilePath(arg.path);
      return (input, env) => {
        const v = path.evaluate(input, env);
        if (v === undefined) throw new IntrinsicFailureError(`The JSONPath '${arg.path}' could not be found in the input`);
        return v;
      };
    }
    case "call":
      return compileCall(arg.call);
  }
}

function compileCall(call: IntrinsicCall): CompiledIntrinsic {
  const impl = intrinsicImpl(call.name);
  const args = call.args.map(compileArg);
  const first = call.args[0];
  const formatTemplate =
    call.name === "States.Format" && first?.kind === "literal" && typeof first.value === "string" ? first.value : undefined;
  const raw = { formatTemplate };
  return (input, env) => {
    const values = args.map((a) => a(input, env));
    try {
      return impl(values, env, raw);
    } catch (e) {
      if (e instanceof StatesError) throw e;
      throw new IntrinsicFailureError(`${call.name} failed: ${(e as Error).message}`);
    }
  };
}

export function compileIntrinsic(text: string): CompiledIntrinsic {
  compileCount.intrinsics++;
  return compileCall(parseIntrinsic(text));
}
