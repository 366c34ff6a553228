import { z } from 'zod';
import { idSchema, timestampSchema } from './model';
import { STATUSES, type Status } from './status';

// Status moves (complete, reopen, archive, unarchive) are events in the history, not content versions.
// They travel with their consultation row (a JSON list), so every device that has the row has them;
// two devices' lists merge by id, and the newest event not both had decides the status.

/** The most events a consultation keeps (the oldest go first): a bound on the row a sync carries. */
export const STATUS_EVENTS_KEPT = 500;

export const statusEventSchema = z.object({
  id: idSchema,
  /** When it moved (ISO-8601 UTC, made by the app). */
  at: timestampSchema.min(1).max(40),
  /** Who moved it (a user id). */
  by: idSchema,
  from: z.enum(STATUSES),
  to: z.enum(STATUSES),
});
export type StatusEvent = z.infer<typeof statusEventSchema>;

/** A stored list, as read from a row: absent (older rows, older files) is an empty history. */
export const statusEventsSchema = z
  .array(statusEventSchema)
  .max(STATUS_EVENTS_KEPT)
  .nullish()
  .transform((events) => events ?? []);

/** An event as the History panel shows it: with the name of who moved it. */
export const statusEventViewSchema = statusEventSchema.extend({ byName: z.string().nullable() });
export type StatusEventView = z.infer<typeof statusEventViewSchema>;

const byTime = (a: StatusEvent, b: StatusEvent) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Both lists' events once each, oldest first, at most STATUS_EVENTS_KEPT. */
export function mergeStatusEvents(a: readonly StatusEvent[], b: readonly StatusEvent[]): StatusEvent[] {
  const byId = new Map<string, StatusEvent>();
  for (const event of [...a, ...b]) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()].sort(byTime).slice(-STATUS_EVENTS_KEPT);
}

/** Appends an event, keeping the list bounded. */
export function withStatusEvent(events: readonly StatusEvent[], event: StatusEvent): StatusEvent[] {
  return mergeStatusEvents(events, [event]);
}

/**
 * Which side's status stands after a merge: the side holding the newest event the other side did not
 * have (it moved the status since they last agreed), or null when neither moved it by an event.
 */
export function statusMovedBy(ours: readonly StatusEvent[], theirs: readonly StatusEvent[]): 'ours' | 'theirs' | null {
  const ourIds = new Set(ours.map((e) => e.id));
  const theirIds = new Set(theirs.map((e) => e.id));
  const newest = mergeStatusEvents(
    ours.filter((e) => !theirIds.has(e.id)),
    theirs.filter((e) => !ourIds.has(e.id)),
  ).at(-1);
  if (!newest) return null;
  return ourIds.has(newest.id) ? 'ours' : 'theirs';
}

/** "Completed", "Reopened", "Archived", "Unarchived": what the move was, in the consultant's words. */
export function statusEventLabel(from: Status, to: Status): string {
  if (to === 'archived') return 'Archived';
  if (from === 'archived') return 'Unarchived';
  if (to === 'completed') return 'Completed';
  return 'Reopened';
}
