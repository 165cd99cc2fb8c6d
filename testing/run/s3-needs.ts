/** Whether a definition touches S3 (so a local run needs the embedded S3 server), and which buckets it names statically. */

/** ItemReader / ResultWriter, or a Task on an S3 integration (`arn:aws:states:::s3:*`, `aws-sdk:s3:*`). */
export function definitionUsesS3(definition: unknown): boolean {
  let uses = false;
  walk(definition, (key, value) => {
    if (key === "ItemReader" || key === "ResultWriter") uses = true;
    if (key === "Resource" && typeof value === "string" && /^arn:aws[a-z-]*:states:::(s3:|aws-sdk:s3:)/.test(value)) uses = true;
  });
  return uses;
}

/** Bucket names written literally (`"Bucket": "name"`) anywhere in the definition. */
export function staticBuckets(definition: unknown): string[] {
  const out = new Set<string>();
  walk(definition, (key, value) => {
    if (key === "Bucket" && typeof value === "string" && !value.startsWith("{%")) out.add(value);
  });
  return [...out];
}

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}
