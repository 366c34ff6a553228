/**
 * The rows of a paged list, each consultation once. A row edited after its page was read (here or by a pull
 * from the team) can move past the cursor and come back on a later page; the later copy is the newer one and
 * sits where the current order puts it, so it wins.
 */
export function rowsOfPages<Row extends { id: string }>(pages: readonly { items: readonly Row[] }[] | undefined): Row[] {
  if (!pages) return [];
  const last = new Map<string, number>();
  const all = pages.flatMap((page) => page.items);
  all.forEach((row, index) => last.set(row.id, index));
  return all.filter((row, index) => last.get(row.id) === index);
}
