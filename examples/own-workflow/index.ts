/**
 * A Pulumi program that uses the package the way a user does: its own Lambda functions and bucket,
 * a new Distributed Map workflow composed from the builders, deployed by StepFunctionsWorkflow with
 * a role derived from the definition. `npm test` runs it from the packed tarball under Pulumi mocks
 * (test/examples/own-workflow.test.ts). Copy this folder to start a project of your own.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildWith, SecureBucket, StepFunctionsWorkflow } from "sfn-distributed-map";
import { distributedMap, lambda, machine, path, s3JsonReader, s3ResultWriter, task } from "sfn-distributed-map/asl";
import { listOrders, scoreOrder } from "./handlers";

// The builders name functions by reference; the same references run locally against these handlers.
const list = lambda("ListOrders", listOrders);
const score = lambda("ScoreOrder", scoreOrder);

// A bucket of your own (any bucket works; SecureBucket is private, encrypted, TLS-only, self-cleaning).
const data = new SecureBucket("orders", {
  expire: [
    { prefix: "work/", expirationDays: 3 },
    { prefix: "scores/", expirationDays: 30 },
  ],
});

// Your own functions, however you deploy them.
const lambdaRole = new aws.iam.Role("orders-fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
const code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(`${__dirname}/handlers.js`) });
const listFn = new aws.lambda.Function("list-orders", {
  role: lambdaRole.arn,
  runtime: "nodejs22.x",
  handler: "index.listOrders",
  code,
  environment: { variables: { BUCKET: data.bucketName, PREFIX: "work/" } },
});
const scoreFn = new aws.lambda.Function("score-order", { role: lambdaRole.arn, runtime: "nodejs22.x", handler: "index.scoreOrder", code });

// The workflow: ListOrders writes the work list to S3 and returns {bucket, key}; a Distributed Map
// reads it and scores each order in a child execution; the results are exported to S3.
const orders = new StepFunctionsWorkflow("score-orders", {
  machine: buildWith({ bucket: data.bucketName }, ({ bucket }) =>
    machine(
      task("ListOrders", list).next(
        distributedMap("ScoreEach", {
          reader: s3JsonReader({ bucket: path("$.bucket"), key: path("$.key") }),
          maxConcurrency: 500,
          toleratedFailurePercentage: 1,
          resultWriter: s3ResultWriter({ bucket, prefix: "scores/" }),
          processor: task("ScoreOrder", score),
        }),
      ),
      { type: "STANDARD", comment: "Score every order of the day" },
    ),
  ),
  functions: { ListOrders: listFn, ScoreOrder: scoreFn },
  // `$.bucket` is chosen at run time: say where it may point, and the role is scoped to exactly that.
  s3: { dynamic: [{ bucket: data.bucketName, prefix: "work/" }] },
  logging: { level: "ERROR", retentionInDays: 30 },
  tracing: true,
  tags: { team: "orders" },
});

export const stateMachineArn = orders.arn;
export const definition = orders.definition;
export const rolePolicy = orders.policy;
