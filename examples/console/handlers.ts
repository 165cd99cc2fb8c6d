/**
 * Handlers for orders.asl.json (docs/console.md). `declineEvery`: every n-th order's
 * charge is declined the first time it is tried (a flaky payment service), so a Redrive succeeds.
 */
interface Batch {
  count?: number;
  maxConcurrency?: number;
  declineEvery?: number;
  delayMs?: number;
}
interface Order {
  id: number;
  amount: number;
  declineEvery: number;
  delayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const declinedOnce = new Set<number>();

export async function ListOrders(batch: Batch): Promise<{ orders: Order[]; maxConcurrency: number }> {
  const count = batch.count ?? 200;
  return {
    maxConcurrency: batch.maxConcurrency ?? 0,
    orders: Array.from({ length: count }, (_, id) => ({
      id,
      amount: 5 + ((id * 37) % 200),
      declineEvery: batch.declineEvery ?? 0,
      delayMs: batch.delayMs ?? 0,
    })),
  };
}

export async function Validate(order: Order): Promise<Order> {
  if (order.delayMs) await sleep(order.delayMs);
  if (order.amount <= 0) throw Object.assign(new Error(`order ${order.id}: amount ${order.amount}`), { name: "InvalidOrder" });
  return order;
}

export async function Charge(order: Order): Promise<{ id: number; charged: number }> {
  if (order.delayMs) await sleep(order.delayMs);
  if (order.declineEvery && order.id % order.declineEvery === order.declineEvery - 1 && !declinedOnce.has(order.id)) {
    declinedOnce.add(order.id);
    throw Object.assign(new Error(`order ${order.id}: the payment service declined ${order.amount} EUR (try again)`), {
      name: "PaymentDeclined",
    });
  }
  return { id: order.id, charged: order.amount };
}
