import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { fileTeamDevices, migrations, syncedState, type Device } from '../../../test/syncDevices';
import { fullSections } from '../../../test/arbitraries';
import { editsForSections } from '@shared/consultation/edits';
import { newId, now } from '../clock';
import { SyncEngine, type SyncEngineOptions } from './syncEngine';
import { LinkSizer, MAX_PAGE_BYTES } from './batchSizing';

// The pull's local apply: each pulled row written once, and rows from the team still checked whole.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));

/** Counts every insert and update of consultations and versions on this connection (temp triggers: nothing of the app changes). */
function countWrites(sqlite: Database.Database) {
  sqlite.exec(`CREATE TEMP TABLE pulled_writes (tbl TEXT NOT NULL, kind TEXT NOT NULL)`);
  for (const table of ['consultations', 'consultation_versions'])
    for (const kind of ['INSERT', 'UPDATE'])
      sqlite.exec(
        `CREATE TEMP TRIGGER count_${table}_${kind} AFTER ${kind} ON main.${table} BEGIN INSERT INTO pulled_writes VALUES ('${table}', '${kind}'); END`,
      );
  const counts = () => {
    const rows = sqlite.prepare(`SELECT tbl || ' ' || kind AS k, count(*) AS n FROM pulled_writes GROUP BY 1`).all() as { k: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  };
  return { counts, reset: () => sqlite.exec('DELETE FROM pulled_writes') };
}

/** A teammate's laptop whose pull pages hold 50 log rows: versions arrive in later pages than their consultations. */
function smallPages(d: Device, remote: SyncEngineOptions['remote']): SyncEngine {
  return new SyncEngine({
    database: () => d.database,
    remote,
    deviceId: `small-${newId()}`,
    migrations,
    settings: d.settings,
    sizing: new LinkSizer({ startBytes: 4 * 1024, maxBytes: 64 * 1024 }),
  });
}

const ftsRows = (d: Device) => (d.database.sqlite.prepare('SELECT count(*) AS n FROM consultations_fts').get() as { n: number }).n;

describe('pull apply', () => {
  it('writes each pulled consultation and version once, in pages that split them, and a re-read consultation not again', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const id = ada.consultations.create({ sections: fullSections(`Writtenonce${i}`) }).consultation.id;
      ada.consultations.autosave({ consultationId: id, edits: editsForSections({ ...fullSections(`Writtenonce${i}`), pain_points: {} }) });
      ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
      ids.push(id);
    }
    await ada.sync();
    const versions = (ada.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_versions').get() as { n: number }).n;
    expect(versions).toBe(60);

    const bo = add('Bo');
    const writes = countWrites(bo.database.sqlite);
    const engine = smallPages(bo, remote);
    const report = await engine.syncOnce();
    // 91 log rows in pages of 50: the second page names versions of consultations the first one brought.
    expect(report.pulled).toBeGreaterThanOrEqual(30 + 60);
    expect(writes.counts()).toEqual({ 'consultations INSERT': 30, 'consultation_versions INSERT': 60 });
    expect(ftsRows(bo)).toBe(30);
    // Parts commit without waiting for the disk; the connection is back to FULL for the consultant's saves.
    expect(bo.database.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(bo.consultations.list({ search: 'writtenonce7' }).items).toHaveLength(1);
    expect(syncedState(bo)).toEqual(syncedState(ada));

    // One edit on the team: one update here (its version and row), nothing for the other 29.
    ada.consultations.autosave({ consultationId: ids[3]!, edits: [{ path: 'contact_info.phone', value: '+1 555 0303' }] });
    ada.consultations.saveVersion({ consultationId: ids[3]!, expectedVersion: 2 });
    await ada.sync();
    writes.reset();
    await engine.syncOnce();
    expect(writes.counts()).toEqual({ 'consultations UPDATE': 1, 'consultation_versions INSERT': 1 });
    expect(bo.consultations.get({ consultationId: ids[3]! }).consultation).toMatchObject({ currentVersion: 3 });
    expect(syncedState(bo)).toEqual(syncedState(ada));
  }, 120_000);

  it('still cleans and checks every pulled row: harmful characters removed, wrong shapes quarantined, keys made canonical', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const good = ada.consultations.create({ sections: fullSections('Fine Ltd') }).consultation.id;
    await ada.sync();
    const owner = ada.users.current()!.id;
    const t = now();
    const rows = {
      // A right-to-left override as a raw character, and a BEL as a JSON escape: both removed, the row kept.
      bidi: JSON.stringify({ business_name: 'Evil\u202Egpj.exe Ltd' }),
      bell: '{"business_name":"Bell\\u0007 Ltd"}',
      // A line break in a one-line field becomes a space; keys in another order are stored sorted.
      newline: '{"phone":"+1 555 0100","business_name":"Two\\nLines Ltd"}',
      // An unknown field and a wrong type: refused whole.
      fax: JSON.stringify({ business_name: 'Fax Ltd', fax: '123' }),
      number: JSON.stringify({ business_name: 42 }),
    };
    const ids = Object.fromEntries(Object.keys(rows).map((k) => [k, newId()])) as Record<keyof typeof rows, string>;
    for (const [key, contact] of Object.entries(rows)) {
      const id = ids[key as keyof typeof rows];
      await remote.batch(
        [
          {
            sql: `INSERT INTO consultations (id, user_id, contact_info, current_version, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)`,
            args: [id, owner, contact, t, t],
          },
          { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('consultation', ?, 'elsewhere')`, args: [id] },
        ],
        'write',
      );
    }
    // A version of the good consultation with a value outside its list of choices.
    const badVersion = newId();
    await remote.batch(
      [
        {
          sql: `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, pain_points, status, completion_percentage, created_at) VALUES (?, ?, ?, 9, ?, 'draft', 0, ?)`,
          args: [badVersion, good, owner, JSON.stringify({ urgency_level: 'whenever' }), t],
        },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('version', ?, 'elsewhere')`, args: [badVersion] },
      ],
      'write',
    );

    const bo = add('Bo');
    const report = await bo.sync();
    expect(report.quarantined).toBe(3);
    expect(
      bo.engine
        .quarantine()
        .map((q) => `${q.entity} ${q.id}`)
        .sort(),
    ).toEqual([`consultation ${ids.fax}`, `consultation ${ids.number}`, `version ${badVersion}`].sort());
    const contact = (id: string) =>
      (bo.database.sqlite.prepare('SELECT contact_info AS c FROM consultations WHERE id = ?').get(id) as { c: string } | undefined)?.c;
    expect(contact(ids.bidi)).toBe('{"business_name":"Evilgpj.exe Ltd"}');
    expect(contact(ids.bell)).toBe('{"business_name":"Bell Ltd"}');
    expect(contact(ids.newline)).toBe('{"business_name":"Two Lines Ltd","phone":"+1 555 0100"}');
    expect(contact(ids.fax)).toBeUndefined();
    expect(contact(ids.number)).toBeUndefined();
    expect(bo.consultations.get({ consultationId: good }).consultation.currentVersion).toBe(1);
  }, 120_000);

  it('a page applied one consultation per transaction, cut part-way, lands every row exactly once after the resumed pull', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 40; i += 1) {
      const id = ada.consultations.create({ sections: fullSections(`Slicedpull${i}`) }).consultation.id;
      ada.consultations.autosave({ consultationId: id, edits: editsForSections({ ...fullSections(`Slicedpull${i}`), pain_points: {} }) });
      ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    }
    await ada.sync();

    const bo = add('Bo');
    const writes = countWrites(bo.database.sqlite);
    // No time budget: every consultation commits on its own, so the page's slice boundaries fall between all of them.
    const engine = new SyncEngine({ database: () => bo.database, remote, deviceId: `sliced-${newId()}`, migrations, settings: bo.settings, applyBudgetMs: 0 });
    // The 26th consultation of the page fails to write: the pull stops mid-page, after 25 slices committed.
    bo.database.sqlite.exec(`CREATE TEMP TRIGGER cut_pull BEFORE INSERT ON main.consultations
      WHEN (SELECT count(*) FROM main.consultations) = 25 BEGIN SELECT RAISE(ABORT, 'cut mid-page'); END`);
    const ownChanges = bo.engine.pendingCount();
    await expect(engine.syncOnce()).rejects.toThrow(/cut mid-page/);
    expect(writes.counts()).toEqual({ 'consultations INSERT': 25, 'consultation_versions INSERT': 50 });
    // Pulled rows never went to the outbox (only Bo's own profile waits), not even from the slices committed before the cut.
    expect(bo.engine.pendingCount()).toBe(ownChanges);

    bo.database.sqlite.exec('DROP TRIGGER temp.cut_pull');
    await engine.syncOnce();
    // The page is applied again from its start: the 25 that landed are not written again, the other 15 once.
    expect(writes.counts()).toEqual({ 'consultations INSERT': 40, 'consultation_versions INSERT': 80 });
    expect(ftsRows(bo)).toBe(40);
    expect(bo.engine.pendingCount()).toBe(0);
    expect(bo.database.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(syncedState(bo)).toEqual(syncedState(ada));
  }, 120_000);

  it('writes a page in a later turn of the event loop than the one that received its answer (the window is served between)', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 20; i += 1) ada.consultations.create({ sections: fullSections(`Turned${i}`) });
    await ada.sync();
    // Each read answer clears the flag and queues a turn that sets it; an insert notes the flag as it was.
    let turned = true;
    const link = {
      ...remote,
      execute: remote.execute.bind(remote),
      migrate: remote.migrate.bind(remote),
      batch: (async (statements: never, mode?: never) => {
        const results = await remote.batch(statements, mode);
        turned = false;
        setImmediate(() => (turned = true));
        return results;
      }) as typeof remote.batch,
    } as SyncEngineOptions['remote'];
    const bea = add('Bea', { sameUserAs: ada });
    const seen: boolean[] = [];
    bea.database.sqlite.function('note_turned', () => (seen.push(turned), null));
    bea.database.sqlite.exec(`CREATE TEMP TRIGGER note_turned AFTER INSERT ON main.consultations BEGIN SELECT note_turned(); END`);
    // One page for all 20 (a budget they fit): no other page's answer is in flight while this one is applied.
    const sizing = new LinkSizer({ startBytes: MAX_PAGE_BYTES });
    const engine = new SyncEngine({ database: () => bea.database, remote: link, deviceId: `bea-${newId()}`, migrations, settings: bea.settings, sizing });
    await engine.syncOnce();
    expect(seen.length).toBe(20);
    // Without a yield between the answer and the writes, the first page's rows are checked and written in the answer's turn.
    expect(seen[0]).toBe(true);
    expect(syncedState(bea)).toEqual(syncedState(ada));
  }, 120_000);
});
