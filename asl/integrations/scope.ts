/** Resources from a field: the static value, or what the caller declared for a path-addressed one. */
import { IntegrationIamError, type Fields, type IamContext } from "./types";

export function scopedResources(
  fields: Fields,
  field: string,
  kind: string,
  toArn: (nameOrArn: string) => string,
  ctx: IamContext,
  defaultValue?: string,
): string[] {
  const f = fields.string(field);
  if (f.kind === "static") return [toArn(f.value)];
  if (f.kind === "absent") {
    if (defaultValue !== undefined) return [toArn(defaultValue)];
    throw new IntegrationIamError(field, `${field} is required`);
  }
  return declaredResources(kind, field, f.expression, toArn, ctx);
}

export function declaredResources(
  kind: string,
  field: string,
  expression: string,
  toArn: (nameOrArn: string) => string,
  ctx: IamContext,
): string[] {
  const declared = ctx.declared(kind);
  if (!declared || declared.length === 0) {
    throw new IntegrationIamError(
      field,
      `${field} is chosen at run time (${expression}): declare the resources it may name in context.dynamicResources["${kind}"] (names or ARNs); nothing is granted on "*" silently`,
    );
  }
  return declared.map((d) => (d === "*" ? "*" : toArn(d)));
}
