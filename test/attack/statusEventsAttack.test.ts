import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { editsForSections } from '@shared/consultation/edits';
import { newId } from '../../src/main/clock';
import { device, fileRemote, syncedState, type Device } from '../syncDevices';
import { STATUS_EVENTS_KEPT } from '@shared/consultation/statusEvents';

// Status moves as history events (no version), carried in consultations.status_events, through import files
// and the team database, on real SQLite files (the team database is a libSQL file).

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const track = <T extends { close(): void }>(x: T) => (cleanups.push(() => x.close()), x);

/** A second laptop of the same consultant (own consultations can be moved there). */
function sameConsultant(of: TestApp): TestApp {
  const b = track(openTestApp({ profile: false }));
  const user = of.users.current()!;
  b.database.sqlite
    .prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(user.id, user.name, user.email, user.createdAt, user.updatedAt);
  b.settings.set('current_user_id', user.id);
  return b;
}

describe('attack: status events through import files', () => {
  it('importing a file with a newer version keeps an archive made here after the file’s copy was taken', () => {
    // Defect: when the file's current version is newer, import replaces the row with the file's status,
    // though this laptop's archive is the newest move (it stays in the merged history as the last event):
    // the History says "Archived", the dashboard says draft, and the archive is silently undone.
    const a = track(openTestApp());
    const id = a.consultations.create({ sections: fullSections('Later Archive Ltd') }).consultation.id;
    const b = sameConsultant(a);
    b.exports.importAll({ text: JSON.stringify(a.exports.exportAll()) });
    a.consultations.autosave({ consultationId: id, edits: editsForSections({ contact_info: { business_name: 'Later Archive Ltd (v2)' } }) });
    a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    const v2 = JSON.stringify(a.exports.exportAll());
    b.consultations.archive({ consultationId: id });
    b.exports.importAll({ text: v2 });
    const moves = b.consultations.statusEvents({ consultationId: id });
    expect(moves.at(-1)).toMatchObject({ to: 'archived' });
    expect(b.consultations.get({ consultationId: id }).consultation).toMatchObject({ currentVersion: 2, status: 'archived' });
  });

  it('a file with more than the kept number of status events, or a malformed one, is refused with words and changes nothing', () => {
    const a = track(openTestApp());
    const id = a.consultations.create({ sections: fullSections('Many Moves Ltd') }).consultation.id;
    const file = a.exports.exportAll();
    const by = a.users.current()!.id;
    const ev = (i: number) => ({ id: newId(), at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), by, from: 'draft', to: 'archived' });
    const bad = [
      Array.from({ length: STATUS_EVENTS_KEPT + 1 }, (_, i) => ev(i)),
      [{ ...ev(1), to: 'deleted' }],
      [{ ...ev(1), at: 'x'.repeat(5000) }],
      'not a list',
    ];
    for (const events of bad) {
      const tampered = structuredClone(file) as typeof file;
      (tampered.consultations[0] as Record<string, unknown>).statusEvents = events;
      const b = track(openTestApp());
      let message = '';
      try {
        b.exports.importAll({ text: JSON.stringify(tampered) });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toMatch(/something went wrong/i);
      expect(b.consultations.list({}).items).toHaveLength(0);
    }
    expect(a.consultations.get({ consultationId: id }).consultation.status).toBe('draft');
  });
});

describe('attack: status events through the team database', () => {
  function team(): { add: (name: string, sameUserAs?: Device) => Device; sql: (text: string, args?: unknown[]) => Promise<unknown> } {
    const { remote, cleanup } = fileRemote();
    const devices: Device[] = [];
    cleanups.push(() => {
      devices.forEach((d) => d.close());
      cleanup();
    });
    return {
      add: (name, sameUserAs) => {
        const d = device(name, remote, sameUserAs ? { sameUserAs } : {});
        devices.push(d);
        return d;
      },
      sql: (text, args = []) => remote.execute({ sql: text, args: args as never }),
    };
  }

  it('a team row with oversized or malformed status_events is set aside; the rest of the team’s work arrives and sync goes on', async () => {
    const t = team();
    const ana = t.add('Ana');
    const bo = t.add('Bo');
    const good = ana.consultations.create({ sections: fullSections('Good Row Ltd') }).consultation.id;
    const hit = ana.consultations.create({ sections: fullSections('Hit Row Ltd') }).consultation.id;
    await ana.sync();
    const by = ana.users.current()!.id;
    const many = Array.from({ length: STATUS_EVENTS_KEPT + 1 }, (_, i) => ({
      id: newId(),
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      by,
      from: 'draft',
      to: 'completed',
    }));
    for (const value of [JSON.stringify(many), '{not json', JSON.stringify([{ id: 'x', at: 1, by, from: 'draft', to: 'completed' }])]) {
      await t.sql('UPDATE consultations SET status_events = ? WHERE id = ?', [value, hit]);
      const report = await bo.sync();
      expect(report.quarantined).toBeGreaterThanOrEqual(1);
      expect(bo.consultations.get({ consultationId: good }).consultation.id).toBe(good);
      // The owner's own laptop keeps its row as it was.
      await ana.sync();
      expect(ana.consultations.get({ consultationId: hit }).consultation.status).toBe('draft');
      expect(ana.consultations.statusEvents({ consultationId: hit })).toEqual([]);
    }
  }, 120_000);

  it('at the kept number of events, concurrent moves on two laptops still agree, and the later one decides', async () => {
    const t = team();
    const a = t.add('Ana');
    const b = t.add('Ana2', a);
    const id = a.consultations.create({ sections: fullSections('Cap Ltd') }).consultation.id;
    a.consultations.complete({ consultationId: id });
    for (let i = 0; i < STATUS_EVENTS_KEPT / 2; i += 1) {
      a.consultations.archive({ consultationId: id });
      a.consultations.unarchive({ consultationId: id });
    }
    expect(a.consultations.statusEvents({ consultationId: id })).toHaveLength(STATUS_EVENTS_KEPT);
    await a.sync();
    await b.sync();
    a.consultations.archive({ consultationId: id });
    await new Promise((r) => setTimeout(r, 5));
    b.consultations.reopen({ consultationId: id });
    await a.sync();
    await b.sync();
    await a.sync();
    for (const d of [a, b]) {
      expect(d.consultations.get({ consultationId: id }).consultation.status).toBe('draft');
      expect(d.consultations.statusEvents({ consultationId: id })).toHaveLength(STATUS_EVENTS_KEPT);
    }
    expect(syncedState(b)).toEqual(syncedState(a));
  }, 120_000);
});

describe('attack: status events against versions through sync', () => {
  it('a newer version from the other laptop does not undo an archive made here since', async () => {
    // The sync counterpart of the import probe above: here the merge asks which side moved the status.
    const { remote, cleanup } = fileRemote();
    const a = device('Ana', remote);
    const b = device('Ana2', remote, { sameUserAs: a });
    cleanups.push(() => (a.close(), b.close(), cleanup()));
    const id = a.consultations.create({ sections: fullSections('Sync Later Archive Ltd') }).consultation.id;
    await a.sync();
    await b.sync();
    a.consultations.autosave({ consultationId: id, edits: editsForSections({ contact_info: { business_name: 'Sync Later Archive Ltd (v2)' } }) });
    a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    await a.sync();
    b.consultations.archive({ consultationId: id });
    await b.sync();
    await a.sync();
    for (const d of [a, b]) expect(d.consultations.get({ consultationId: id }).consultation).toMatchObject({ currentVersion: 2, status: 'archived' });
    expect(syncedState(b)).toEqual(syncedState(a));
  }, 120_000);

  it('both laptops saved a version from the same base and one archived: the archive stands everywhere', async () => {
    const { remote, cleanup } = fileRemote();
    const a = device('Ana', remote);
    const b = device('Ana2', remote, { sameUserAs: a });
    cleanups.push(() => (a.close(), b.close(), cleanup()));
    const id = a.consultations.create({ sections: fullSections('Both Saved Ltd') }).consultation.id;
    await a.sync();
    await b.sync();
    a.consultations.autosave({ consultationId: id, edits: editsForSections({ contact_info: { contact_person: 'From A' } }) });
    a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    await a.sync();
    b.consultations.autosave({ consultationId: id, edits: editsForSections({ contact_info: { business_name: 'Both Saved Ltd (B)' } }) });
    b.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    b.consultations.archive({ consultationId: id });
    await b.sync();
    await a.sync();
    for (const d of [a, b]) expect(d.consultations.get({ consultationId: id }).consultation).toMatchObject({ currentVersion: 3, status: 'archived' });
    expect(syncedState(b)).toEqual(syncedState(a));
  }, 120_000);
});
