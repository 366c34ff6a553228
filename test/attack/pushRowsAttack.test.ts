import { afterEach, describe, expect, it } from 'vitest';
import { fileTeamDevices } from '../syncDevices';
import { SyncOutbox } from '../../src/main/store/syncOutbox';
import { fullSections } from '../arbitraries';

// The push reads its page with each entry's size in one query (sizedPageAfter) and the rows of each entity in one
// statement over a JSON array of ids (rowsForPush, json_each). Attacked with ids no generator makes (quotes,
// backslashes, JSON-looking, numeric-looking, emoji, RTL, newline; the app's own ids are UUIDs, checked at every boundary), tombstones of rows gone, and a consultation near 1 MB.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

const ODD_IDS = ['a"b', "it's", 'back\\slash', '[1,2]', 'null', '123', '1e3', ' spaced ', '😀漢字עברית', 'line\nbreak', '\u202Ertl', '%_*?'];

const utf8 = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);

describe('push rows by a JSON array of ids: attacks', () => {
  it('consultations and tombstones under odd ids: each read back once, sized in UTF-8 bytes exactly, and each lands on the team', async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const ada = add('Ada');
    const sqlite = ada.database.sqlite;
    await ada.sync();
    const template = ada.consultations.create({ sections: fullSections('Template 😀 漢字 עברית "quoted" \\') }).consultation.id;
    // A copy of a real row under each odd id (the outbox triggers queue it like any insert).
    const columns = (sqlite.prepare(`SELECT name FROM pragma_table_info('consultations')`).all() as { name: string }[]).map((c) => `"${c.name}"`);
    const copy = sqlite.prepare(`INSERT INTO consultations (${columns.join(', ')}) SELECT ?, ${columns.slice(1).join(', ')} FROM consultations WHERE id = ?`);
    expect(columns[0]).toBe('"id"');
    for (const id of ODD_IDS) copy.run(id, template);
    const userId = ada.users.current()!.id;
    const tomb = sqlite.prepare(`INSERT INTO consultation_tombstones (id, user_id, deleted_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z')`);
    for (const id of ODD_IDS) tomb.run(`gone ${id}`, userId);
    sqlite.prepare(`INSERT INTO sync_outbox (entity, entity_id) SELECT 'tombstone', id FROM consultation_tombstones`).run();

    const outbox = new SyncOutbox(ada.database);
    const rows = outbox.rowsForPush('consultation', ODD_IDS);
    expect(rows.map((r) => r.id).sort()).toEqual([...ODD_IDS].sort());
    expect(
      outbox
        .rowsForPush(
          'tombstone',
          ODD_IDS.map((id) => `gone ${id}`),
        )
        .map((r) => r.id)
        .sort(),
    ).toEqual(ODD_IDS.map((id) => `gone ${id}`).sort());
    // An id that is only a prefix, or equal as a number or trimmed, names nothing.
    expect(outbox.rowsForPush('consultation', ['a', '1000', '[1', 'line', 'spaced'])).toEqual([]);
    const sized = outbox.sizedPageAfter(0, 1_000);
    for (const id of ODD_IDS) {
      const entry = sized.find((e) => e.entity === 'consultation' && e.id === id);
      const row = rows.find((r) => r.id === id)!;
      const text = ['contact_info', 'business_context', 'pain_points', 'goals_objectives', 'status_events'].reduce((n, c) => n + utf8(row[c]), 0);
      expect(entry?.bytes, id).toBe(text);
    }

    await ada.sync();
    expect(ada.engine.pendingCount()).toBe(0);
    for (const id of ODD_IDS) {
      const team = await remote.execute({
        sql: `SELECT (SELECT count(*) FROM consultations WHERE id = ?) AS c, (SELECT count(*) FROM consultation_tombstones WHERE id = ?) AS t`,
        args: [id, `gone ${id}`],
      });
      expect([Number(team.rows[0]!.c), Number(team.rows[0]!.t)], JSON.stringify(id)).toEqual([1, 1]);
    }
  }, 120_000);

  it('a tombstone whose consultation is long gone and one queued twice: sized 0 bytes of text, pushed once', async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const ada = add('Ada');
    await ada.sync();
    const id = ada.consultations.create({ sections: fullSections('Short lived') }).consultation.id;
    await ada.sync();
    ada.consultations.delete({ consultationId: id });
    const sqlite = ada.database.sqlite;
    // A second entry for the same tombstone, and one for a tombstone row that no longer exists.
    sqlite.prepare(`INSERT INTO sync_outbox (entity, entity_id) VALUES ('tombstone', ?), ('tombstone', 'never-was')`).run(id);
    const outbox = new SyncOutbox(ada.database);
    const sized = outbox.sizedPageAfter(0, 100).filter((e) => e.entity === 'tombstone');
    expect(sized.find((e) => e.id === 'never-was')?.bytes).toBe(0);
    expect(outbox.rowsForPush('tombstone', ['never-was'])).toEqual([]);
    await ada.sync();
    expect(ada.engine.pendingCount()).toBe(0);
    const logged = await remote.execute({ sql: `SELECT count(*) AS n FROM sync_log WHERE entity = 'tombstone' AND entity_id = ?`, args: [id] });
    expect(Number(logged.rows[0]!.n)).toBe(1);
    const never = await remote.execute(`SELECT count(*) AS n FROM consultation_tombstones WHERE id = 'never-was'`);
    expect(Number(never.rows[0]!.n)).toBe(0);
  }, 120_000);

  it('a consultation near the 1 MB cap after 30 versions: goes out (alone in its batch if need be) and a fresh laptop gets it whole', async () => {
    const { add } = fileTeamDevices((c) => cleanups.push(c));
    const ada = add('Ada');
    await ada.sync();
    const id = ada.consultations.create({ sections: fullSections('Heavy') }).consultation.id;
    for (let v = 1; v < 30; v += 1) {
      ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + v}` }] });
      ada.consultations.saveVersion({ consultationId: id, expectedVersion: v });
    }
    // 55 list items of 9,000 characters (four-byte emoji and quotes, escaped in the stored JSON): near the 1,000,000-byte cap.
    const item = (k: number) => `${k % 10}"😀`.repeat(3_000).slice(0, 9_000);
    const items = Array.from({ length: 55 }, (_, k) => item(k));
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'pain_points.primary_challenges', value: items }] });
    const bytes = new SyncOutbox(ada.database).sizedPageAfter(0, 100).find((e) => e.entity === 'consultation' && e.id === id)!.bytes;
    expect(bytes).toBeGreaterThan(800_000);
    await ada.sync();
    expect(ada.engine.pendingCount()).toBe(0);
    const watcher = add('Watcher', { sameUserAs: ada });
    await watcher.sync();
    const got = watcher.consultations.get({ consultationId: id }).consultation;
    expect(got.currentVersion).toBe(30);
    expect((got.sections.pain_points.primary_challenges ?? []).join('|') === items.join('|')).toBe(true);
    expect(watcher.consultations.listVersions({ consultationId: id }).map((v) => v.versionNumber)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
  }, 180_000);
});
