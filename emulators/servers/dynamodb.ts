/**
 * The embedded DynamoDB (dynalite, ../dynamodb/server) as a starter for `startServers({ dynamodb })`.
 * Kept out of ./index.ts: dynalite is a development dependency, and the published testing API
 * reaches ./index.ts; only the exec CLI, benches and tests load this file.
 */
import { startEmbeddedDynamoDb, type TableSpec } from "../dynamodb/server";
import type { DynamoDbStarter } from "./index";

export function embeddedDynamoDb(options: { tables?: readonly TableSpec[]; region?: string; lazy?: boolean } = {}): DynamoDbStarter {
  return {
    start: (credentials) => startEmbeddedDynamoDb({ tables: options.tables, region: options.region, credentials }),
    lazy: options.lazy,
  };
}
