import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { newId, now } from '../clock';
import { mergeStatusEvents, STATUS_EVENTS_KEPT, statusMovedBy, type StatusEvent } from '@shared/consultation/statusEvents';

let app: TestApp;
beforeEach(() => {
  app = openTestApp();
});
afterEach(() => app.close());

const event = (at: string, from: StatusEvent['from'], to: StatusEvent['to']): StatusEvent => ({ id: newId(), at, by: newId(), from, to });

describe('status events in the store', () => {
  it('follow the owner when a never-shared profile adopts the team identity, and survive a reopen of the database', () => {
    const me = app.users.current()!;
    const id = app.consultations.create({ sections: fullSections('Adopted Ltd') }).consultation.id;
    app.consultations.complete({ consultationId: id });
    app.consultations.reopen({ consultationId: id });
    const twin = { id: newId(), name: 'Ada on the team', email: me.email, createdAt: now(), updatedAt: now() };
    app.store.transaction(() => {
      app.store.addUserIfNew(twin);
      app.store.reassignOwner(me.id, twin.id);
    });
    app = app.reopen();
    const events = app.consultations.statusEvents({ consultationId: id });
    expect(events.map((e) => [e.from, e.to, e.by, e.byName])).toEqual([
      ['draft', 'completed', twin.id, 'Ada on the team'],
      ['completed', 'draft', twin.id, 'Ada on the team'],
    ]);
  });
});

describe('merging two devices’ status events', () => {
  it('keeps each event once, oldest first, and at most the bound', () => {
    const a = event('2026-01-01T00:00:01.000Z', 'draft', 'completed');
    const b = event('2026-01-01T00:00:02.000Z', 'completed', 'draft');
    expect(mergeStatusEvents([b, a], [a])).toEqual([a, b]);
    const many = Array.from({ length: STATUS_EVENTS_KEPT + 5 }, (_, i) =>
      event(`2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`, 'draft', 'completed'),
    );
    const merged = mergeStatusEvents(many, []);
    expect(merged).toHaveLength(STATUS_EVENTS_KEPT);
    expect(merged.at(-1)).toEqual(many.at(-1));
  });

  it('gives the status to the side holding the newest move the other did not have', () => {
    const shared = event('2026-01-01T00:00:01.000Z', 'draft', 'completed');
    const ours = event('2026-01-01T00:00:03.000Z', 'completed', 'draft');
    const theirs = event('2026-01-01T00:00:02.000Z', 'completed', 'archived');
    expect(statusMovedBy([shared, ours], [shared, theirs])).toBe('ours');
    expect(statusMovedBy([shared], [shared, theirs])).toBe('theirs');
    expect(statusMovedBy([shared], [shared])).toBeNull();
  });
});
