import type { RemoteClient, RemoteStatement } from './remoteClient';
import { fetchRowsByBytes, type LinkSizer } from './batchSizing';
import type { ConflictRow, ConsultationStore } from '../store/consultationStore';
import { sectionsOf } from '../store/rows';
import { deepEqual } from '@shared/consultation/diff';
import { storedForm } from '@shared/consultation/edits';
import { getPath } from '@shared/consultation/fields';
import { now } from '../clock';

// A consultation's conflicts travel with it, to the owner's other devices. Whenever a consultation is
// pushed, its conflicts go in the same batch; whenever one is pulled, its conflicts come with it (the
// owner's consultations only: a teammate's are read-only, their conflicts are not ours to resolve).
// A conflict only ever goes from open to resolved, and every device takes the union of what it holds and
// what the team holds (a resolution anywhere wins), so every device ends with the same set. Recording,
// resolving or closing one queues its consultation (0005_conflicts triggers), so nothing waits for an edit.
// A conflict is open only while its field still holds the value the merge kept: an edit on any device
// closes it, and so does a pulled change of that field.

export const CONFLICT_COLUMNS = ['id', 'consultation_id', 'field_path', 'base_value', 'our_value', 'their_value', 'created_at', 'resolved_at'] as const;

/** What a push carries for these consultations: open conflicts whole, resolutions as the close alone. */
export function conflictPushStatements(store: ConsultationStore, consultationIds: Iterable<string>): RemoteStatement[] {
  const statements: RemoteStatement[] = [];
  for (const id of consultationIds) {
    for (const c of store.conflictsOf(id)) {
      if (c.resolved_at === null) {
        statements.push({
          sql: `INSERT INTO consultation_conflicts (${CONFLICT_COLUMNS.join(', ')}) VALUES (${CONFLICT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`,
          args: CONFLICT_COLUMNS.map((column) => c[column]),
        });
      } else {
        // A conflict resolved before it ever reached the team concerns no other device: this changes nothing.
        statements.push({ sql: 'UPDATE consultation_conflicts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL', args: [c.resolved_at, c.id] });
      }
    }
  }
  return statements;
}

/** The team's conflicts of these consultations, as SQL rows (to be checked by rows.ts before use). */
export function fetchConflicts(remote: RemoteClient, sizer: LinkSizer, consultationIds: readonly string[]): Promise<Record<string, unknown>[]> {
  if (consultationIds.length === 0) return Promise.resolve([]);
  return fetchRowsByBytes(remote, sizer, 'consultation_conflicts', CONFLICT_COLUMNS, consultationIds, 'consultation_id');
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** Still open here while the field holds the value the merge kept; otherwise it was edited since. */
function fieldMovedOn(store: ConsultationStore, conflict: ConflictRow): boolean {
  const row = store.find(conflict.consultation_id);
  if (!row) return false;
  return !deepEqual(storedForm(getPath(sectionsOf(row), conflict.field_path)), storedForm(parse(conflict.their_value)));
}

/**
 * Takes the team's conflicts of the owner's consultations (already checked), then closes the open ones
 * of `touched` whose field changed since. Runs inside the sync's applying transaction; `own` marks the
 * closes as this device's writes, so they go out to the others. Returns how many conflicts opened here.
 */
export function applyConflicts(
  store: ConsultationStore,
  incoming: readonly ConflictRow[],
  touched: Iterable<string>,
  isMine: (consultationId: string) => boolean,
  own: <R>(write: () => R) => R,
): number {
  let opened = 0;
  for (const c of incoming) {
    if (!isMine(c.consultation_id)) continue;
    if (c.resolved_at !== null) store.closeOpenConflict(c.id, c.resolved_at);
    else if (store.addConflictIfNew(c)) opened += 1;
  }
  const closedAt = now();
  for (const id of new Set(touched)) {
    if (!isMine(id)) continue;
    for (const c of store.openConflicts(id)) if (fieldMovedOn(store, c)) own(() => store.closeOpenConflict(c.id, closedAt));
  }
  return opened;
}
