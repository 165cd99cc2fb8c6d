/** Lambda handlers for csv-map.asl.json, one export per function name (docs/cli.md, "Run your own workflow locally"). */
export async function Double(row: { name: string; qty: string }): Promise<{ name: string; qty: number }> {
  const qty = Number(row.qty);
  if (!Number.isFinite(qty)) throw Object.assign(new Error(`qty is not a number: ${JSON.stringify(row.qty)}`), { name: "BadRow" });
  return { name: row.name, qty: qty * 2 };
}
