// A fake approver for `npm run exec -- examples/exec/approval.asl.json --task-token-handler examples/exec/approver.ts`:
// it reads the token from the message the task sent, as a queue consumer would, and answers later.
import type { TaskTokenRequest, TaskTokens } from "../../testing";

export async function onTaskToken(request: TaskTokenRequest, tokens: TaskTokens): Promise<void> {
  const body = (request.parameters as { MessageBody: { order: { total: number }; token: string } }).MessageBody;
  await new Promise((resolve) => setTimeout(resolve, 50)); // a person takes a moment
  if (body.order.total > 1000) tokens.sendTaskFailure(body.token, "Rejected", `order of ${body.order.total} is over the limit`);
  else tokens.sendTaskSuccess(body.token, { approved: true, by: "approver.ts" });
}
