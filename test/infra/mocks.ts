/**
 * Pulumi mocks that record every resource's inputs (pulumi/examples testing-unit-ts style), with
 * ARNs shaped like AWS's so the rendered definitions and policies can be checked and simulated.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";
export const PROJECT = "sfn-distributed-map";
export const STACK = "dev";

export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the program passed them (Outputs resolved). */
  inputs: Record<string, any>;
  id: string;
  state: Record<string, any>;
}

export interface Recorder {
  resources: RecordedResource[];
  calls: Array<{ token: string; inputs: Record<string, unknown> }>;
  ofType(type: string): RecordedResource[];
  one(type: string, name?: string): RecordedResource;
}

function stateFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  const region = MOCK_REGION;
  const acct = MOCK_ACCOUNT;
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? `${name}-a1b2c3d`;
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:kms/key:Key": {
      const id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
      return { id, state: { ...inputs, keyId: id, arn: `arn:aws:kms:${region}:${acct}:key/${id}` } };
    }
    case "aws:iam/role:Role": {
      const roleName = inputs.name ?? `${name}-e5f6a7b`;
      return { id: roleName, state: { ...inputs, name: roleName, arn: `arn:aws:iam::${acct}:role/${roleName}` } };
    }
    case "aws:lambda/function:Function":
      return { id: inputs.name, state: { ...inputs, arn: `arn:aws:lambda:${region}:${acct}:function:${inputs.name}` } };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: inputs.name, state: { ...inputs, arn: `arn:aws:logs:${region}:${acct}:log-group:${inputs.name}` } };
    case "aws:sfn/stateMachine:StateMachine":
      return { id: inputs.name, state: { ...inputs, arn: `arn:aws:states:${region}:${acct}:stateMachine:${inputs.name}` } };
    default:
      return { id: `${name}-id`, state: { ...inputs } };
  }
}

/**
 * What a provider knows of a NEW resource during a real first `pulumi preview`: its inputs, and the
 * names autonaming plans (Check assigns them before the diff); every computed output (ARNs, ids,
 * key ids) is unknown. Mocks return only that in preview mode, so anything built from an `arn`
 * shows up as unknown in the recorded inputs, as it would in the CI diff.
 */
const AUTONAMED: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:iam/role:Role": "name",
  "aws:lambda/function:Function": "name",
  "aws:cloudwatch/logGroup:LogGroup": "name",
  "aws:sfn/stateMachine:StateMachine": "name",
};

function previewStateFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  const key = AUTONAMED[type];
  const state = { ...inputs };
  if (key && state[key] === undefined) state[key] = type === "aws:s3/bucket:Bucket" ? `${name}-a1b2c3d` : `${name}-e5f6a7b`;
  return { id: "", state };
}

/** Installs recording mocks; call BEFORE importing index.ts (or calling deployStack). */
export function installMocks(preview: boolean): Recorder {
  const resources: RecordedResource[] = [];
  const calls: Recorder["calls"] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const { id, state } = preview ? previewStateFor(args.type, args.name, args.inputs) : stateFor(args.type, args.name, args.inputs);
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, id, state });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/ci`, userId: "AIDAMOCK", id: MOCK_ACCOUNT };
          case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
          case "aws:index/getRegion:getRegion":
            return { name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION };
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    PROJECT,
    STACK,
    preview,
  );
  return {
    resources,
    calls,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1)
        throw new Error(
          `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
        );
      return found[0]!;
    },
  };
}

/** Pulumi.dev.yaml's config as the Pulumi engine hands it to a program (all values strings), with overrides. */
export function devStackConfig(overrides: Record<string, string> = {}): Record<string, string> {
  const file = parse(readFileSync(join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.config)) out[k] = String(v);
  for (const [k, v] of Object.entries(overrides)) out[k.includes(":") ? k : `${PROJECT}:${k}`] = v;
  return out;
}

/** True when nothing in the value is unknown (the way a preview shows a computed output). */
export function isKnown(value: unknown): boolean {
  if (pulumi.isUnknown(value)) return false;
  if (Array.isArray(value)) return value.every(isKnown);
  if (value !== null && typeof value === "object") return Object.values(value).every(isKnown);
  return true;
}

/** The value of an Output (resolved once every resource it depends on has been mocked). */
export function valueOf<T>(output: pulumi.Output<T> | undefined): Promise<T> {
  if (output === undefined) return Promise.reject(new Error("no output"));
  return new Promise((resolve) =>
    output.apply((v) => {
      resolve(v);
      return v;
    }),
  );
}

/** Waits until the program's resources have all been registered (their outputs settled). */
export async function settled(outputs: ReadonlyArray<pulumi.Output<unknown>>): Promise<void> {
  await Promise.all(outputs.map((o) => valueOf(o)));
  // Resource registrations triggered by the last applies run on later ticks.
  await new Promise((r) => setTimeout(r, 50));
}
