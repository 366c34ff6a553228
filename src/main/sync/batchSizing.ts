import { DEFAULT_TIMEOUT_MS, type RemoteClient as Client } from './remoteClient';

// Push batches and pull pages sized in bytes, to what the link carried lately: each request should take
// about a quarter of the request timeout, so a slow link (50 KB/s) still makes progress batch by batch,
// and a fast one moves megabytes per request. Pull pages also stay far below libSQL's 10 MB response cap.

export interface LinkSizingOptions {
  /** The request timeout of the remote client these sizes are for. */
  timeoutMs?: number;
  startBytes?: number;
  minBytes?: number;
  maxBytes?: number;
}

/** Largest pull page asked for: libSQL servers refuse responses over 10 MB; estimates can be off. */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;
const SHARE_OF_TIMEOUT = 0.25;
const MAX_IDS_PER_QUERY = 500;

/** Learns the link's throughput from finished requests and says how many bytes the next one may carry. */
export class LinkSizer {
  private readonly timeoutMs: number;
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private budget: number;
  /** Bytes per millisecond, smoothed; null until a request has finished. */
  private rate: number | null = null;
  /** Bytes a pulled row weighs on the wire lately (for how many log rows one pull page should cover). */
  private rowBytes = 2_000;

  constructor({ timeoutMs = DEFAULT_TIMEOUT_MS, startBytes = 64 * 1024, minBytes = 4 * 1024, maxBytes = MAX_PAGE_BYTES }: LinkSizingOptions = {}) {
    this.timeoutMs = timeoutMs;
    this.minBytes = minBytes;
    this.maxBytes = maxBytes;
    this.budget = Math.min(maxBytes, Math.max(minBytes, startBytes));
  }

  /** Bytes the next request may carry (push) or bring back (pull). */
  budgetBytes(): number {
    return this.budget;
  }

  /** Sync log rows per pull page: about one budget (or `capBytes`, if less) of the rows they name, so progress comes page by page. */
  logPageRows(capBytes = Infinity): number {
    return Math.max(50, Math.min(1000, Math.floor(Math.min(this.budget, capBytes) / this.rowBytes)));
  }

  /** What the rows of a pull page weighed, to size the next page. */
  observeRows(bytes: number, rows: number): void {
    if (rows > 0) this.rowBytes = Math.max(200, (this.rowBytes + bytes / rows) / 2);
  }

  /** Runs one request of about `bytes` (or as many as its answer shows); a success teaches the rate, a failure halves the next request. */
  async timed<T>(bytes: number | ((result: T) => number), work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.learn(typeof bytes === 'number' ? bytes : bytes(result), Math.max(1, performance.now() - started));
      return result;
    } catch (error) {
      this.budget = Math.max(this.minBytes, Math.floor(this.budget / 2));
      throw error;
    }
  }

  private learn(bytes: number, ms: number): void {
    // Small requests are mostly latency: they say little about the rate, so they may only raise it.
    if (bytes < this.minBytes) return;
    const measured = bytes / ms;
    this.rate = this.rate === null ? measured : bytes < this.budget / 4 ? Math.max(this.rate, measured) : (this.rate + measured) / 2;
    const target = this.rate * this.timeoutMs * SHARE_OF_TIMEOUT;
    // Grow at most fourfold per request, so one lucky burst does not make the next request too big.
    this.budget = Math.floor(Math.max(this.minBytes, Math.min(this.maxBytes, target, this.budget * 4)));
  }
}

// ---- estimates ------------------------------------------------------------------------------------------

/** Bytes a row adds to a request or response besides its text: SQL, ids, numbers, JSON framing. */
export const ROW_OVERHEAD = 1_000;
/** JSON inside JSON: quotes and backslashes are escaped again on the wire. */
export const ESCAPING = 1.25;
const estimate = (textBytes: number) => Math.ceil(textBytes * ESCAPING) + ROW_OVERHEAD;

/** The large columns of what a pull carries. */
export const sizeExpression = (columns: readonly string[]) => columns.map((c) => `coalesce(length(CAST("${c}" AS BLOB)), 0)`).join(' + ');
/** SQL for what the selected rows weigh on the wire, by the same estimate as `estimate`: an aggregate over `columns`. */
export const weightExpression = (columns: readonly string[]) => `coalesce(sum(${sizeExpression(columns)}), 0) * ${ESCAPING} + count(*) * ${ROW_OVERHEAD}`;

/**
 * The first outbox entries (in order) whose rows fit in `budget` bytes, at least one; and their size.
 * Taking a prefix keeps "everything up to this seq was pushed" true.
 */
export function pushSlice<E extends { entity: string; id: string }>(
  entries: E[],
  budget: number,
  /** The text bytes of an entry's row (the outbox knows them). */
  textBytes: (entry: E) => number,
): { entries: E[]; bytes: number } {
  let bytes = 0;
  const taken: E[] = [];
  for (const entry of entries) {
    const size = estimate(textBytes(entry));
    if (taken.length > 0 && bytes + size > budget) break;
    taken.push(entry);
    bytes += size;
  }
  return { entries: taken, bytes };
}

/**
 * Rows of `table` with these ids from the team database, fetched in pages whose answers fit the link and
 * stay under the response cap: first the size of each row (a small answer), then the rows page by page.
 */
export async function fetchRowsByBytes(
  remote: Client,
  sizer: LinkSizer,
  table: string,
  columns: readonly string[],
  ids: readonly string[],
  /** Which column `ids` name: the rows' own id, or (for a consultation's whole history) consultation_id. */
  key: 'id' | 'consultation_id' = 'id',
): Promise<Record<string, unknown>[]> {
  const sizes: { id: string; bytes: number }[] = [];
  const idList = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + MAX_IDS_PER_QUERY);
    const result = await sizer.timed(
      (r) => r.rows.length * 120,
      () => remote.execute({ sql: `SELECT id, ${sizeExpression(columns)} AS n FROM ${table} WHERE ${key} IN (${idList(chunk.length)})`, args: [...chunk] }),
    );
    for (const row of result.rows) sizes.push({ id: String(row.id), bytes: estimate(Number(row.n)) });
  }
  sizer.observeRows(
    sizes.reduce((n, s) => n + s.bytes, 0),
    sizes.length,
  );
  const out: Record<string, unknown>[] = [];
  for (let at = 0; at < sizes.length;) {
    const budget = sizer.budgetBytes();
    const page: string[] = [];
    let bytes = 0;
    while (at < sizes.length && page.length < MAX_IDS_PER_QUERY && (page.length === 0 || bytes + sizes[at]!.bytes <= budget)) {
      bytes += sizes[at]!.bytes;
      page.push(sizes[at]!.id);
      at += 1;
    }
    const result = await sizer.timed(bytes, () =>
      remote.execute({ sql: `SELECT ${columns.join(', ')} FROM ${table} WHERE id IN (${idList(page.length)})`, args: page }),
    );
    out.push(...result.rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
  }
  return out;
}
