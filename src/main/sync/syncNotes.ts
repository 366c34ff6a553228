import type { RowRefused } from '../store/rows';
import { now } from '../clock';

// What sync keeps for the consultant in the device's settings: rows from the team it refused, and notices.
// Both are read-modify-write of one key: callers run them in a write transaction, since the pull worker
// (pullWorker.ts) may write them from its own connection at the same time.

export const QUARANTINE_KEY = 'sync_quarantine';
const NOTICES_KEY = 'sync_notices';
const KEEP_LISTED = 200;
const KEEP_NOTICES = 50;

type Settings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };

export interface QuarantinedRow {
  entity: string;
  id: string;
  reason: string;
  seenAt: string;
}

/** Lists a refused row (once per entity and id, the newest reason), keeping the last KEEP_LISTED. */
export function listRefused(settings: Settings, error: RowRefused): void {
  const listed = (settings.get<QuarantinedRow[]>(QUARANTINE_KEY) ?? []).filter((q) => !(q.entity === error.entity && q.id === error.id));
  listed.push({ entity: error.entity, id: error.id, reason: error.reason.slice(0, 300), seenAt: now() });
  settings.set(QUARANTINE_KEY, listed.slice(-KEEP_LISTED));
}

export function keepNotice(settings: Settings, message: string): void {
  const kept = [...(settings.get<{ message: string; at: string }[]>(NOTICES_KEY) ?? []), { message, at: now() }];
  settings.set(NOTICES_KEY, kept.slice(-KEEP_NOTICES));
}
