/**
 * The engine reads intrinsic calls with the same parser the validator checks them with
 * (asl/intrinsics.ts); a syntax error found at run time is AWS's States.IntrinsicFailure.
 */
import { IntrinsicSyntaxError, parseIntrinsic as parseAst, type IntrinsicCall } from "../../asl/intrinsics";
import { IntrinsicFailureError } from "../model/errors";

export { isIntrinsic, type IntrinsicArg, type IntrinsicCall } from "../../asl/intrinsics";

export function parseIntrinsic(text: string): IntrinsicCall {
  try {
    return parseAst(text);
  } catch (e) {
    if (e instanceof IntrinsicSyntaxError) throw new IntrinsicFailureError(e.message);
    throw e;
  }
}
