/**
 * DynamoDB, optimized: GetItem, PutItem, UpdateItem, DeleteItem (request-response only). Query,
 * Scan and the rest are AWS SDK integrations (`aws-sdk:dynamodb:query`).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html — "Supported DynamoDB APIs"
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/dynamo-iam.html — the action on
 * `arn:aws:dynamodb:<region>:<account>:table/<TableName>`.
 */
import type { JsonObject, JsonValue } from "../types";
import { dynamoTableArn } from "./resource";
import { scopedResources } from "./scope";
import type { IntegrationRow } from "./types";

/** A DynamoDB AttributeValue map (`{ "id": { "S": "a" } }`) or a dynamic value in its place. */
export type AttributeMap = Record<string, JsonValue>;

export const DYNAMODB_ACTIONS = ["getItem", "putItem", "updateItem", "deleteItem"] as const;
export type DynamoDbAction = (typeof DYNAMODB_ACTIONS)[number];

const pascal = (a: string) => a[0]!.toUpperCase() + a.slice(1);

export const dynamoDbRows: IntegrationRow[] = DYNAMODB_ACTIONS.map((action) => ({
  id: `dynamodb:${action}`,
  docs: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html",
  matches: (r) => r.kind === "optimized" && r.service === "dynamodb" && r.action === action,
  patterns: ["request-response"],
  iam: (fields, _r, ctx) => [
    {
      sid: "DynamoDbItems",
      actions: [`dynamodb:${pascal(action)}`],
      resources: scopedResources(fields, "TableName", "dynamodb:table", (t) => dynamoTableArn(ctx, t), ctx),
    },
  ],
  local: () => "dynamodb",
  label: () => `DynamoDB ${pascal(action)}`,
}));

export type DynamoDbItemParams = JsonObject;
