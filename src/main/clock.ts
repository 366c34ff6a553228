import { v7 as uuidv7 } from 'uuid';

// Ids and timestamps are made by the app (seed compatibility notes): UUIDv7 sorts by creation time,
// timestamps are ISO-8601 UTC with milliseconds, which sort as text.

export const newId = (): string => uuidv7();

let last = 0;

/** Now, strictly later than any time this process handed out before (two saves in one millisecond differ). */
export function now(): string {
  last = Math.max(Date.now(), last + 1);
  return new Date(last).toISOString();
}

/**
 * A timestamp later than both now and `previous`: updated_at moves forward even if the clock went back. A
 * `previous` from a laptop whose clock ran ahead moves only this row forward, never this process's clock
 * (every later record would otherwise be dated in that laptop's future).
 */
export function after(previous: string | null | undefined): string {
  const current = now();
  const previousMs = previous ? Date.parse(previous) : Number.NaN;
  return Number.isFinite(previousMs) && previousMs >= Date.parse(current) ? new Date(previousMs + 1).toISOString() : current;
}
