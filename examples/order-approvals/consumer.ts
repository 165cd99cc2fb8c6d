/**
 * The approver: a consumer of the order-approvals queue, as it would run on AWS. It sees only the
 * message the task sent (request.parameters.MessageBody, the SQS message body) and answers with the
 * token found there; orders over 1000 are rejected. A message without a token cannot be answered:
 * on AWS that task waits until its TimeoutSeconds, and so it does here.
 *
 * In this repository (`npm run exec --` is the package's `sfn-local exec` under tsx):
 *
 *   npm run exec -- examples/order-approvals/order-approvals.asl.json --input-file examples/order-approvals/input.json \
 *     --state-machine RecordOrder=examples/order-approvals/record-order.asl.json \
 *     --dynamodb-table CustomerTotals:customer --task-token-handler examples/order-approvals/consumer.ts
 *
 * prints SUCCEEDED with {"customer":"alice","total":"450","orders":"3"} and the Map Run line
 * "6 items = 5 succeeded + 1 failed" (o-5 rejected, tolerated by ToleratedFailureCount 1). In a project that
 * installed the package: `npx sfn-local exec` with the same flags (a .ts consumer needs tsx or ts-node there).
 */
import type { TaskTokenRequest, TaskTokens } from "../../testing";

export const LIMIT = 1000;

interface OrderMessage {
  order?: { id?: string; amount?: number };
  taskToken?: unknown;
}

export function onTaskToken(request: TaskTokenRequest, tokens: TaskTokens): void {
  const body = (request.parameters as { MessageBody?: OrderMessage }).MessageBody ?? {};
  if (typeof body.taskToken !== "string") return; // nothing to answer with
  const amount = body.order?.amount ?? 0;
  if (amount > LIMIT) tokens.sendTaskFailure(body.taskToken, "OrderRejected", `order ${body.order?.id} of ${amount} is over ${LIMIT}`);
  else tokens.sendTaskSuccess(body.taskToken, { approved: true });
}
