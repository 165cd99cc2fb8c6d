// What Lambda runs (see handlers.ts for the typed version the builders and local runs use).
exports.listOrders = async () => ({ bucket: process.env.BUCKET, key: `${process.env.PREFIX}orders.json` });
exports.scoreOrder = async (order) => ({ id: order.id, score: Math.min(100, Math.round(order.total / 10)) });
