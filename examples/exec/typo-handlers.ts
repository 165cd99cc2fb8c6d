/**
 * A handlers module with a typo: it exports `double` where csv-map.asl.json calls the function
 * `Double`. docs/cli.md runs `exec` with it to show that a missing handler stops the run before it starts.
 */
export async function double(row: { name: string; qty: string }): Promise<{ name: string; qty: number }> {
  return { name: row.name, qty: Number(row.qty) * 2 };
}
