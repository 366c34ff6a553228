import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { device, everyPageInWorker, fileTeamDevices, smallPages, syncedState, tableRows as count, type Device } from '../syncDevices';
import { fullSections } from '../arbitraries';
import { seedConsultations } from '../../bench/seed';
import { WriterTurns } from '../../src/main/db/writerTurns';

// Issue 16 attacked under pressure: the team changing between pipelined pages, a consultant typing on the
// main connection while the worker applies, and a page the worker cannot apply.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((c) => cleanups.push(c));
const LOG_PAGE = 'SELECT seq, entity, entity_id, device_id FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?';
/** The consultations the outbox would push (a version counts for its consultation). */
const outboxConsultations = (d: Device) =>
  new Set(
    (
      d.database.sqlite
        .prepare(
          `SELECT CASE o.entity WHEN 'version' THEN v.consultation_id ELSE o.entity_id END AS id FROM sync_outbox o
           LEFT JOIN consultation_versions v ON o.entity = 'version' AND v.id = o.entity_id WHERE o.entity IN ('consultation', 'version')`,
        )
        .all() as { id: string }[]
    ).map((r) => r.id),
  );

/** `remote` with a hook run before each log page is read (the engine's read waits for it). */
function hooked(remote: Client, beforeLogPage: (n: number) => Promise<void>): Client {
  let pages = 0;
  const link = {
    execute: ((stmt: never) => remote.execute(stmt)) as Client['execute'],
    batch: (async (stmts: { sql: string }[], mode?: never) => {
      if (stmts.some((s) => typeof s !== 'string' && s.sql === LOG_PAGE)) await beforeLogPage(++pages);
      return remote.batch(stmts as never, mode);
    }) as Client['batch'],
  };
  return new Proxy(remote, { get: (target, key) => (key in link ? link[key as keyof typeof link] : Reflect.get(target, key)) });
}

describe('pull worker under pressure', () => {
  it('the team edits, versions and deletes consultations earlier pages brought while later pages are read and checked: the pulling laptop ends as the team', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    ada.consultations.create({ sections: fullSections('Before Bea') });
    await ada.sync();
    const ids: string[] = [];
    const deleted: string[] = [];
    const edited: string[] = [];
    let armed = false;
    let pagesRead = 0;
    // Before each log page Bea reads (after the first), Ada changes consultations the log named early on, and pushes.
    const bea = device(
      'Bea',
      hooked(remote, async (n) => {
        pagesRead = n;
        if (!armed || n < 2 || n > 12) return;
        const gone = ids[(n - 2) * 3]!;
        const changed = ids[(n - 2) * 3 + 1]!;
        ada.consultations.delete({ consultationId: gone });
        deleted.push(gone);
        ada.consultations.autosave({ consultationId: changed, edits: [{ path: 'contact_info.phone', value: `+1 555 77${String(n).padStart(2, '0')}` }] });
        ada.consultations.saveVersion({ consultationId: changed, expectedVersion: 1 });
        edited.push(changed);
        await ada.sync();
      }),
      { sameUserAs: ada, sizing: smallPages(), ...everyPageInWorker },
    );
    cleanups.push(() => bea.close());
    // Bea follows the log from here on (her first pull, a snapshot, is done).
    await bea.sync();
    for (let i = 0; i < 150; i += 1) ids.push(ada.consultations.create({ sections: fullSections(`Paged Parlour ${i}`) }).consultation.id);
    await ada.sync();
    armed = true;
    await bea.sync();
    expect(pagesRead).toBeGreaterThan(4);
    expect(deleted.length).toBeGreaterThan(3);
    for (const id of deleted) expect(bea.store.find(id)).toBeUndefined();
    for (const id of edited) expect(bea.store.find(id)?.currentVersion).toBe(2);
    await ada.sync();
    await bea.sync();
    expect(syncedState(bea)).toEqual(syncedState(ada));
    expect(count(bea, 'consultations_fts')).toBe(count(ada, 'consultations_fts'));
    expect(bea.engine.pendingCount()).toBe(0);
    expect(bea.engine.quarantine()).toEqual([]);
  }, 180_000);

  it('a log pull cut by the network mid-way while the worker applies: what landed stays, the cursor no further, the resumed pull completes it', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    ada.consultations.create({ sections: fullSections('Before Cut') });
    await ada.sync();
    let cutAt = 0;
    const bea = device(
      'Bea',
      hooked(remote, async (n) => {
        // The fourth page of a pull: the link drops (once).
        if (cutAt === 0 && n === 4) {
          cutAt = n;
          throw new Error('fetch failed');
        }
      }),
      { sameUserAs: ada, sizing: smallPages(), ...everyPageInWorker },
    );
    cleanups.push(() => bea.close());
    await bea.sync();
    const cursor = () => Number(bea.settings.get<number>('sync_cursor') ?? 0);
    const before = cursor();
    for (let i = 0; i < 150; i += 1) ada.consultations.create({ sections: fullSections(`Cut Corner ${i}`) });
    await ada.sync();
    await expect(bea.sync()).rejects.toThrow(/fetch failed/);
    const landed = count(bea, 'consultations');
    expect(landed).toBeGreaterThan(1);
    expect(landed).toBeLessThan(151);
    // The cursor moved with what landed, not past it: every consultation it passed is here.
    expect(cursor()).toBeGreaterThan(before);
    const passed = (await remote.execute({ sql: `SELECT DISTINCT entity_id AS id FROM sync_log WHERE entity = 'consultation' AND seq <= ?`, args: [cursor()] }))
      .rows;
    for (const r of passed) expect(bea.store.find(String(r.id))).toBeDefined();
    await bea.sync();
    expect(syncedState(bea)).toEqual(syncedState(ada));
    expect(count(bea, 'consultations_fts')).toBe(151);
    expect(bea.engine.pendingCount()).toBe(0);
  }, 180_000);

  it('a consultant typing and creating on the main connection while the worker applies a big pull: nothing refused as busy, nothing lost, the outbox holds only her work', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    seedConsultations(ada.database.sqlite, ada.users.current()!.id, 1_200);
    await ada.sync();
    const turns = new WriterTurns();
    const bea = add('Bea', { sameUserAs: ada, pullWorker: { ...everyPageInWorker.pullWorker, writers: turns } });
    const mine = bea.consultations.create({ sections: fullSections('Typed During Pull') }).consultation.id;
    const made: string[] = [mine];
    const failures: unknown[] = [];
    let slowest = 0;
    let typed = 0;
    let done = false;
    const pulling = bea.sync().finally(() => (done = true));
    // The window's saves, announced as the app's dispatch announces them.
    while (!done && typed < 2_000) {
      const started = performance.now();
      try {
        turns.hold(() => bea.consultations.autosave({ consultationId: mine, edits: [{ path: 'contact_info.phone', value: `+1 555 ${typed}` }] }));
        if (typed % 20 === 0) made.push(turns.hold(() => bea.consultations.create({ sections: fullSections(`Made While Pulling ${typed}`) }).consultation.id));
      } catch (error) {
        failures.push(error);
      }
      slowest = Math.max(slowest, performance.now() - started);
      typed += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const report = await pulling;
    expect(failures).toEqual([]);
    expect(typed).toBeGreaterThan(5);
    expect(report.pulled).toBeGreaterThan(1_200);
    expect(count(bea, 'consultations')).toBe(1_200 + made.length);
    expect(bea.store.find(mine)?.contactInfo.phone).toBe(`+1 555 ${typed - 1}`);
    // What she pushed (the sync pushes after its pull) is only what she made, none of the pulled rows.
    const pushed = await remote.execute(`SELECT DISTINCT entity_id AS id FROM sync_log WHERE entity = 'consultation' AND device_id LIKE 'Bea-%'`);
    expect(pushed.rows.map((r) => String(r.id)).sort()).toEqual([...made].sort());
    // A save waited for one of the worker's steps at most, not a whole page (generous: a busy 2-core machine).
    expect(slowest).toBeLessThan(3_000);
    await bea.sync();
    await ada.sync();
    // The seed wrote its JSON unordered on Ada's laptop: a laptop that pulls all of it on the main thread is the yardstick.
    const cid = add('Cid', { sameUserAs: ada });
    await cid.sync();
    expect(syncedState(bea)).toEqual(syncedState(cid));
    expect(ada.store.find(mine)?.contactInfo.phone).toBe(`+1 555 ${typed - 1}`);
  }, 300_000);

  it('a page the worker cannot apply fails the pull with its reason, rolls the page back, leaves autosaves going to the outbox, and the next pull completes', async () => {
    const { add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 30; i += 1) ada.consultations.create({ sections: fullSections(i === 17 ? 'Poison Pantry' : `Fine Foods ${i}`) });
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada, sizing: smallPages(), ...everyPageInWorker });
    const mine = bea.consultations.create({ sections: fullSections('Bea Local') }).consultation.id;
    // Something this laptop's database refuses (as a full disk or a damaged index would): one consultation's insert.
    bea.database.sqlite.exec(`CREATE TRIGGER poison BEFORE INSERT ON consultations WHEN json_extract(NEW.contact_info, '$.business_name') = 'Poison Pantry'
      BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
    await expect(bea.sync()).rejects.toThrow(/poisoned row/);
    const landed = count(bea, 'consultations');
    expect(landed).toBeLessThan(31);
    // The worker's "applying" switch did not stay on: her own edits still go out.
    expect((bea.database.sqlite.prepare('SELECT applying FROM sync_control WHERE id = 1').get() as { applying: number }).applying).toBe(0);
    bea.consultations.autosave({ consultationId: mine, edits: [{ path: 'contact_info.phone', value: '+1 555 0600' }] });
    expect(outboxConsultations(bea)).toEqual(new Set([mine]));
    bea.database.sqlite.exec('DROP TRIGGER poison');
    await bea.sync();
    await ada.sync();
    expect(syncedState(bea)).toEqual(syncedState(ada));
    expect(count(bea, 'consultations')).toBe(31);
    expect(count(bea, 'consultations_fts')).toBe(31);
    expect(bea.engine.pendingCount()).toBe(0);
  }, 180_000);
});
