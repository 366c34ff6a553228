import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { everyPageInWorker, fileTeamDevices, migrations, smallPages, syncedState, tableRows, type Device } from './syncDevices';
import { fullSections } from './arbitraries';
import { seedConsultations } from '../bench/seed';
import { findMigrationsFolder } from '../src/main/db/migrate';
import { WriterTurns } from '../src/main/db/writerTurns';
import { OffThreadApply } from '../src/main/sync/offThreadApply';
import { SyncEngine } from '../src/main/sync/syncEngine';
import { ConflictsService } from '../src/main/sync/conflictsService';
import { newId } from '../src/main/clock';

// Issue 16: big pull pages are applied in a worker thread over its own connection (pullWorker.ts), so the
// window stays responsive while a fresh laptop takes in the team. The same rows, merges, refusals and
// notices as applying them on the main thread; a window's save goes before the worker's next transaction.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));
const migrationsFolder = findMigrationsFolder();
/** What the merge and search need besides the synced state: each consultation's merge base and its search row. */
const localState = (d: Device) => ({
  bases: d.database.sqlite
    .prepare('SELECT consultation_id, contact_info, business_context, pain_points, goals_objectives FROM consultation_sync_base ORDER BY 1')
    .all(),
  searchRows: tableRows(d, 'consultations_fts'),
  outbox: d.engine.pendingCount(),
});

describe('pull worker', () => {
  it('gives a fresh laptop the same rows, merge bases and search index as a pull applied on the main thread', async () => {
    const { add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 40; i += 1) {
      const id = ada.consultations.create({ sections: fullSections(`Worker Bakery ${i}`) }).consultation.id;
      if (i % 3 === 0) {
        ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.email', value: `owner${i}@bakery.test` }] });
        ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
      }
      if (i % 5 === 0) ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.website', value: `https://bakery${i}.test` }] });
    }
    await ada.sync();
    const here = add('Here', { sameUserAs: ada, sizing: smallPages() });
    const there = add('There', { sameUserAs: ada, sizing: smallPages(), ...everyPageInWorker });
    const pulledHere = await here.sync();
    const pulledThere = await there.sync();
    expect(pulledThere.pulled).toBe(pulledHere.pulled);
    expect(syncedState(there)).toEqual(syncedState(ada));
    expect(syncedState(there)).toEqual(syncedState(here));
    expect(localState(there)).toEqual(localState(here));
    // Nothing pulled went to the outbox (the worker's connection keeps the applying switch too).
    expect(localState(there)).toMatchObject({ searchRows: 40, outbox: 0 });
    expect(tableRows(there, 'consultation_sync_base')).toBe(40);
    // Each base is the text the team's row was written with, as a base set by a merge or a push would be.
    const stored = there.database.sqlite
      .prepare('SELECT id AS consultation_id, contact_info, business_context, pain_points, goals_objectives FROM consultations ORDER BY 1')
      .all();
    expect(localState(there).bases).toEqual(stored);
    const pushed = ada.database.sqlite
      .prepare('SELECT consultation_id, contact_info, business_context, pain_points, goals_objectives FROM consultation_sync_base ORDER BY 1')
      .all();
    expect(localState(there).bases).toEqual(pushed);
    // And a search finds a pulled consultation by a word of its name.
    expect(there.consultations.list({ search: 'Worker Bakery 17' }).items.map((c) => c.businessName)).toContain('Worker Bakery 17');
  }, 120_000);

  it('merges this laptop’s offline edits with the team’s, and keeps both values of a field both changed as a conflict', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const id = ada.consultations.create({ sections: fullSections('Merged Mill') }).consultation.id;
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada, ...everyPageInWorker });
    await bea.sync();
    ada.consultations.autosave({
      consultationId: id,
      edits: [
        { path: 'contact_info.phone', value: '+1 555 0100' },
        { path: 'contact_info.email', value: 'ada@mill.test' },
      ],
    });
    await ada.sync();
    bea.consultations.autosave({
      consultationId: id,
      edits: [
        { path: 'contact_info.website', value: 'https://mill.test' },
        { path: 'contact_info.email', value: 'bea@mill.test' },
      ],
    });
    const report = await bea.sync();
    expect(report.conflicts).toBe(1);
    const contact = bea.consultations.get({ consultationId: id }).consultation.sections.contact_info;
    expect(contact).toMatchObject({ phone: '+1 555 0100', website: 'https://mill.test', email: 'ada@mill.test' });
    const conflicts = new ConflictsService(bea.store, () => bea.users.requireCurrentId()).list({ consultationId: id });
    expect(conflicts.map((c) => [c.path, c.ours, c.theirs])).toEqual([['contact_info.email', 'bea@mill.test', 'ada@mill.test']]);
    await ada.sync();
    expect(syncedState(ada)).toEqual(syncedState(bea));
  }, 120_000);

  it('lists a team row the worker refuses (a version by a teammate, not the owner) and applies the rest', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const kept = ada.consultations.create({ sections: fullSections('Member Mill') }).consultation.id;
    await ada.sync();
    const tom = add('Tom');
    await tom.sync();
    // A version on the team by a teammate (written by something other than Fieldbook): only the owner writes a history.
    const stray = newId();
    const columns = (await remote.execute('PRAGMA table_info(consultation_versions)')).rows.map((r) => String(r.name));
    const copied = columns.map((c) => ({ id: ':id', user_id: ':user', version_number: '7' })[c] ?? c);
    await remote.execute({
      sql: `INSERT INTO consultation_versions (${columns.join(', ')}) SELECT ${copied.join(', ')} FROM consultation_versions WHERE consultation_id = :kept`,
      args: { id: stray, user: tom.users.current()!.id, kept },
    });
    const bea = add('Bea', { sameUserAs: ada, ...everyPageInWorker });
    const report = await bea.sync();
    expect(report.quarantined).toBe(1);
    expect(bea.engine.quarantine().map((q) => [q.entity, q.id, q.reason])).toEqual([['version', stray, 'user_id: its author is not the consultation’s owner']]);
    expect(bea.store.versionById(stray)).toBeUndefined();
    expect(syncedState(bea).consultations).toEqual(syncedState(ada).consultations);
  }, 120_000);

  it('stops a pull whose worker died, moving the cursor no further than what landed; the next pull completes it', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 30; i += 1) ada.consultations.create({ sections: fullSections(`Cut Cafe ${i}`) });
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada });
    let engine: SyncEngine | null = null;
    let cuts = 0;
    engine = new SyncEngine({
      database: () => bea.database,
      remote,
      deviceId: `bea-${newId()}`,
      migrations,
      settings: bea.settings,
      sizing: smallPages(),
      ...everyPageInWorker,
      onProgress: () => {
        // After the first page landed: the worker is killed (as by the system), mid-pull.
        if (cuts++ === 0) void (engine as unknown as { worker: { apply: OffThreadApply } | null }).worker?.apply.terminate();
      },
    });
    await expect(engine.syncOnce()).rejects.toThrow(/pull worker stopped/);
    const landed = tableRows(bea, 'consultations');
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(30);
    const again = await engine.syncOnce();
    expect(again.pulled).toBeGreaterThan(0);
    expect(syncedState(bea)).toEqual(syncedState(ada));
    expect(localState(bea)).toMatchObject({ searchRows: 30, outbox: 0 });
  }, 120_000);
});

describe('pull worker pages in flight', () => {
  it('applies no page sent after one that failed, and writes neither page’s cursor', async () => {
    const { add } = setup();
    const ada = add('Ada');
    seedConsultations(ada.database.sqlite, ada.users.current()!.id, 40);
    const all = ada.store.allConsultations().sort((x, y) => x.id.localeCompare(y.id));
    const versions = ada.store.allVersions();
    const page = (rows: typeof all) => ({
      users: [],
      consultations: rows,
      versions: versions.filter((v) => rows.some((r) => r.id === v.consultationId)),
      tombstones: [],
      conflicts: [],
      adopt: null,
    });
    const bea = add('Bea', { sameUserAs: ada });
    // The first page cannot be applied: a trigger (in the file, so the worker's connection has it too) refuses one of its rows.
    bea.database.sqlite.exec(
      `CREATE TRIGGER refuse_one BEFORE INSERT ON consultations WHEN NEW.id = '${all[15]!.id}' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    const worker = new OffThreadApply({ databaseFile: bea.file, migrationsFolder, budgetMs: 600_000 });
    cleanups.push(() => void worker.terminate());
    // Both sent before either is applied: the worker holds the second while it applies the first.
    const first = worker.apply(page(all.slice(0, 20)), { key: 'first_page', value: 1 });
    const second = worker.apply(page(all.slice(20)), { key: 'second_page', value: 2 });
    await expect(first).rejects.toThrow(/refused/);
    await expect(second).rejects.toThrow(/earlier page failed/);
    expect(tableRows(bea, 'consultations')).toBe(0);
    expect(bea.settings.get('first_page')).toBeUndefined();
    expect(bea.settings.get('second_page')).toBeUndefined();
    await worker.close();
  }, 120_000);
});

describe('writer turns', () => {
  it('lets a window’s save through between two steps of the worker’s transaction, not after the whole page', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const total = 1_500;
    seedConsultations(ada.database.sqlite, ada.users.current()!.id, total);
    const page = { users: [], consultations: ada.store.allConsultations(), versions: ada.store.allVersions(), tombstones: [], conflicts: [], adopt: null };
    const bea = add('Bea', { sameUserAs: ada });
    const turns = new WriterTurns();
    // One transaction for the whole page unless a write is announced (the budget is far longer than the page).
    const worker = new OffThreadApply({ databaseFile: bea.file, migrationsFolder, budgetMs: 600_000, writers: turns.buffer });
    cleanups.push(() => void worker.terminate());
    const applying = worker.apply(page);
    // Wait until the worker holds the write lock (a write without waiting fails as busy).
    const probe = new Database(bea.file);
    probe.pragma('busy_timeout = 0');
    const started = performance.now();
    for (;;) {
      try {
        probe.exec('BEGIN IMMEDIATE; ROLLBACK');
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') break;
        throw error;
      }
      if (performance.now() - started > 60_000) throw new Error('the worker never began its transaction');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    probe.close();
    const waited = performance.now();
    turns.hold(() => bea.settings.set('typed_while_pulling', 'kept'));
    const waitedMs = performance.now() - waited;
    // The save got in before the page was done: the worker had committed part of it, not all.
    const landedBeforeSave = tableRows(bea, 'consultations');
    expect(landedBeforeSave).toBeLessThan(total);
    await applying;
    expect(tableRows(bea, 'consultations')).toBe(total);
    expect(bea.settings.get('typed_while_pulling')).toBe('kept');
    expect(waitedMs).toBeLessThan(5_000);
  }, 180_000);
});
