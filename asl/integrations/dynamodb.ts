/**
 * DynamoDB, optimized: GetItem, PutItem, UpdateItem, DeleteItem (request-response only). Query,
 * Scan and the rest are AWS SDK integrations (`aws-sdk:dynamodb:query`).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html — "Supported DynamoDB APIs"
 * IAM: https://docs.aws.amazon.com/step-functions/latest/dg/dynamo-iam.html — the action on
 * `arn:aws:dynamodb:<region>:<account>:table/<TableName>`.
 */
import { z } from "zod";
import { partitionOf, type AwsEnvironment } from "../permissions/policy";
import { bool, defineIntegration, str, template } from "./define";
import { scopedResources } from "./scope";

const DOCS = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html";

/** A DynamoDB TableName (a name or a table ARN) as the table's ARN. */
export function dynamoTableArn(env: AwsEnvironment, table: string): string {
  if (table.startsWith("arn:")) return table;
  return `arn:${partitionOf(env)}:dynamodb:${env.region}:${env.accountId}:table/${table}`;
}

/** One optimized item API: the same IAM shape (its action on the table), its own parameters. */
const itemApi = <const A extends "getItem" | "putItem" | "updateItem" | "deleteItem", S extends z.ZodType>(action: A, params: S) => {
  const Action = `${action[0]!.toUpperCase()}${action.slice(1)}`;
  return defineIntegration({
    id: `dynamodb:${action}`,
    docs: DOCS,
    patterns: ["request-response"],
    params,
    targets: ["TableName"],
    iam: (fields, _r, ctx) => [
      {
        sid: "DynamoDbItems",
        actions: [`dynamodb:${Action}`],
        resources: scopedResources(fields, "TableName", "dynamodb:table", (t) => dynamoTableArn(ctx, t), ctx),
      },
    ],
    label: `DynamoDB ${Action}`,
  });
};

const writeFields = {
  ConditionExpression: str.optional(),
  ExpressionAttributeNames: template.optional(),
  ExpressionAttributeValues: template.optional(),
  ReturnValues: str.optional(),
};

export const dynamoDbGetItem = itemApi(
  "getItem",
  z.object({
    TableName: str,
    Key: template,
    ConsistentRead: bool.optional(),
    ProjectionExpression: str.optional(),
    ExpressionAttributeNames: template.optional(),
  }),
);
export const dynamoDbPutItem = itemApi("putItem", z.object({ TableName: str, Item: template, ...writeFields }));
export const dynamoDbUpdateItem = itemApi("updateItem", z.object({ TableName: str, Key: template, UpdateExpression: str, ...writeFields }));
export const dynamoDbDeleteItem = itemApi("deleteItem", z.object({ TableName: str, Key: template, ...writeFields }));

export const DYNAMODB_INTEGRATIONS = [dynamoDbGetItem, dynamoDbPutItem, dynamoDbUpdateItem, dynamoDbDeleteItem] as const;
/** The optimized DynamoDB actions, from the modules above. */
export const DYNAMODB_ACTIONS = DYNAMODB_INTEGRATIONS.map((i) => i.id.slice("dynamodb:".length) as DynamoDbAction);
export type DynamoDbAction = (typeof DYNAMODB_INTEGRATIONS)[number]["id"] extends `dynamodb:${infer A}` ? A : never;
