import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; if?: string }>;
}

const load = (file: string) => parse(readFileSync(join(__dirname, "..", "..", ".github", "workflows", file), "utf8")) as Workflow;
const indexOf = (steps: Step[], match: (s: Step) => boolean) => steps.findIndex(match);

describe(".github/workflows", () => {
  it("pulumi-preview: on pull requests, npm ci then pulumi/actions@v6 preview, stack and AWS role from secrets via OIDC", () => {
    const wf = load("pulumi-preview.yml");
    assert.ok("pull_request" in wf.on);
    assert.equal(wf.permissions?.["id-token"], "write");
    const steps = wf.jobs.preview!.steps;
    const ci = indexOf(steps, (s) => /^npm ci\b/.test(s.run ?? ""));
    const creds = indexOf(steps, (s) => (s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"));
    const pulumi = indexOf(steps, (s) => s.uses === "pulumi/actions@v6");
    assert.ok(ci >= 0 && creds > ci && pulumi > creds, "npm ci → AWS credentials → pulumi preview");
    assert.match(String(steps[creds]!.with!["role-to-assume"]), /^\$\{\{ secrets\.\w+ \}\}$/);
    assert.equal(steps[pulumi]!.with!.command, "preview");
    assert.match(String(steps[pulumi]!.with!["stack-name"]), /^\$\{\{ secrets\.\w+ \}\}$/);
    assert.match(String(steps[pulumi]!.env!.PULUMI_ACCESS_TOKEN), /secrets\.PULUMI_ACCESS_TOKEN/);
    assert.ok(!JSON.stringify(wf).includes("AWS_SECRET_ACCESS_KEY"), "no long-lived AWS keys");
  });

  it("test: npm ci, then npm test, then the slow tests", () => {
    const steps = load("test.yml").jobs.test!.steps;
    const ci = indexOf(steps, (s) => /^npm ci\b/.test(s.run ?? ""));
    const test = indexOf(steps, (s) => s.run === "npm test");
    assert.ok(ci >= 0 && test > ci);
    assert.ok(indexOf(steps, (s) => s.run === "npm run test:slow") > test);
  });
});
