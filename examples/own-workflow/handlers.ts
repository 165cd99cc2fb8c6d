/** The example's handlers, typed for the builders and the local engine (handlers.js is what Lambda runs). */
export async function listOrders(_event: unknown): Promise<{ bucket: string; key: string }> {
  return { bucket: process.env.BUCKET ?? "", key: `${process.env.PREFIX ?? ""}orders.json` };
}

export async function scoreOrder(order: { id: string; total: number }): Promise<{ id: string; score: number }> {
  return { id: order.id, score: Math.min(100, Math.round(order.total / 10)) };
}
