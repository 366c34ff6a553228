import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { copyFileSync, rmSync } from 'node:fs';
import { device, fileRemote, migrations, syncedState, type Device } from '../syncDevices';
import { openTestApp, type TestApp } from '../tempDatabase';
import { SyncEngine } from '../../src/main/sync/syncEngine';
import { fullSections } from '../arbitraries';
import { tursodbMissing } from '../tursoServer';
import { tursoForThisFile } from '../tursoTeam';
import { createRemoteClient } from '../../src/main/sync/remoteClient';

// The local commit after an acknowledged push batch does not wait for the disk (SyncOutbox.syncedLater). Attacked
// with a power cut: the laptop's database file and WAL go back to how they were at the last synced commit (the
// recording of the last batch that left), and an answer lost after the team committed, followed by a restart.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

/**
 * A link that copies the laptop's database file and WAL as each write batch leaves (every local commit before
 * that moment was synced: the batch's recording is), and can lose the answer of one batch and refuse all after it.
 */
function cuttable(remote: Client, file: string, copyTo: string) {
  const state = { writes: 0, loseAt: -1, copied: 0 };
  const link = {
    execute: ((stmt: never) => remote.execute(stmt)) as Client['execute'],
    batch: (async (stmts: never, mode?: string) => {
      if (mode !== 'write') return remote.batch(stmts, mode as never);
      state.writes += 1;
      const n = state.writes;
      if (state.loseAt > 0 && n > state.loseAt) throw new Error('fetch failed: the power is off');
      // Synchronously, in the turn the batch leaves: nothing was committed locally since its recording.
      for (const suffix of ['', '-wal']) copyFileSync(file + suffix, copyTo + suffix);
      state.copied = n;
      const result = await remote.batch(stmts, mode as never);
      if (n === state.loseAt) throw new Error('fetch failed: answer lost');
      return result;
    }) as Client['batch'],
    migrate: remote.migrate.bind(remote),
    close: () => undefined,
  } as unknown as Client;
  return { link, state };
}

const engineFor = (app: TestApp, remote: Client, deviceId: string) =>
  new SyncEngine({ database: () => app.database, remote, deviceId, migrations, settings: app.settings, batchSize: 7 });

/** The laptop after the power came back: its files as they were at `copy` (the -shm is rebuilt from the WAL). */
function afterPowerCut(app: TestApp, copy: string | null): TestApp {
  app.database.close();
  if (copy) {
    rmSync(app.file + '-shm', { force: true });
    for (const suffix of ['', '-wal']) copyFileSync(copy + suffix, app.file + suffix);
  }
  return openTestApp({ dir: app.dir, profile: false });
}

/** What the team holds, checked for doubles: each version once, numbers 1..n per consultation, each push logged once per entity. */
async function teamHasEachOnce(remote: Client) {
  const doubled = await remote.execute(
    `SELECT entity, entity_id, device_id, count(*) AS n FROM sync_log WHERE entity IN ('version', 'tombstone') GROUP BY entity, entity_id HAVING count(*) > 1`,
  );
  expect(doubled.rows).toEqual([]);
  const gaps = await remote.execute(
    `SELECT consultation_id, count(*) AS n, max(version_number) AS top, count(DISTINCT version_number) AS d FROM consultation_versions GROUP BY consultation_id HAVING n <> top OR d <> n`,
  );
  expect(gaps.rows).toEqual([]);
}

/** 30 consultations, each with a second saved version and an edit after it, on a laptop with one synced schema round. */
async function laptopWithWork(remote: Client) {
  const ada = device('Ada', remote);
  const dir = ada.dir;
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  ada.consultations.create({ sections: fullSections('Schema first') });
  await ada.sync();
  const ids: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const id = ada.consultations.create({ sections: fullSections(`Cut ${i}`) }).consultation.id;
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'business_context.industry', value: `Industry ${i}` }] });
    ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + i}` }] });
    ids.push(id);
  }
  return { ada, ids };
}

/** After the cut: push again, edit each consultation once more, push, and a fresh laptop must see the same. */
async function recoverAndCheck(remote: Client, app: TestApp, deviceId: string, ids: string[]) {
  const engine = engineFor(app, remote, deviceId);
  await engine.syncOnce();
  expect(engine.pendingCount()).toBe(0);
  // The merge bases the lost commit held: an edit on top of them goes out without a conflict.
  for (const [i, id] of ids.entries())
    app.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.email', value: `after${i}@example.com` }] });
  await engine.syncOnce();
  await engine.syncOnce();
  expect(engine.pendingCount()).toBe(0);
  expect(engine.quarantine()).toEqual([]);
  const open = app.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_conflicts WHERE resolved_at IS NULL').get() as { n: number };
  expect(open.n).toBe(0);
  await teamHasEachOnce(remote);
  const watcher = device('Watcher', remote, { sameUserAs: app as Device });
  cleanups.push(() => watcher.close());
  await watcher.sync();
  expect(syncedState(watcher)).toEqual(syncedState(app));
  for (const [i, id] of ids.entries()) {
    const c = watcher.consultations.get({ consultationId: id }).consultation;
    expect([c.sections.contact_info.phone, c.sections.contact_info.email, c.currentVersion]).toEqual([`+1 555 ${1000 + i}`, `after${i}@example.com`, 2]);
  }
}

describe('push settle without waiting for the disk: power cuts and lost answers', () => {
  it('power cut after the whole push settled: files back to the last batch recording, push again: nothing lost, nothing doubled', async () => {
    const { remote, cleanup } = fileRemote();
    cleanups.push(cleanup);
    const { ada, ids } = await laptopWithWork(remote);
    const { link, state } = cuttable(remote, ada.file, `${ada.dir}/copy.db`);
    const engine = engineFor(ada, link, 'Ada-laptop');
    await engine.syncOnce();
    expect(engine.pendingCount()).toBe(0);
    expect(state.copied).toBeGreaterThan(3);
    const app = afterPowerCut(ada, `${ada.dir}/copy.db`);
    cleanups.push(() => app.database.close());
    // The cut took back the settle of at least the last batch: its entries are queued again.
    expect(engineFor(app, remote, 'Ada-laptop').pendingCount()).toBeGreaterThan(0);
    await recoverAndCheck(remote, app, 'Ada-laptop', ids);
  }, 180_000);

  for (const loseAt of [2, 4]) {
    for (const powerCut of [true, false])
      it(
        powerCut
          ? `answer of write batch ${loseAt} lost after the team committed, the link dead after it, then a power cut`
          : `answer of write batch ${loseAt} lost after the team committed, then a restart (no power cut)`,
        async () => {
          const { remote, cleanup } = fileRemote();
          cleanups.push(cleanup);
          const { ada, ids } = await laptopWithWork(remote);
          const { link, state } = cuttable(remote, ada.file, `${ada.dir}/copy.db`);
          state.loseAt = loseAt;
          const engine = engineFor(ada, link, 'Ada-laptop');
          await expect(engine.syncOnce()).rejects.toThrow(/fetch failed/);
          const app = afterPowerCut(ada, powerCut ? `${ada.dir}/copy.db` : null);
          cleanups.push(() => app.database.close());
          await recoverAndCheck(remote, app, 'Ada-laptop', ids);
        },
        180_000,
      );
  }
});

const team = tursoForThisFile();

describe.skipIf(tursodbMissing !== null)('push settle without waiting for the disk: power cuts against tursodb on loopback', () => {
  for (const lost of [0, 1, 3])
    it(`${lost ? `answer of write batch ${lost + 1} lost by the link after tursodb committed` : 'the whole push settled'}, then a power cut back to the last batch recording`, async () => {
      const remote = createRemoteClient({ url: team.adapter.url });
      cleanups.push(() => remote.close());
      const { ada, ids } = await laptopWithWork(remote);
      const { link, state } = cuttable(remote, ada.file, `${ada.dir}/copy.db`);
      const engine = engineFor(ada, link, `Ada-turso-${lost}`);
      // Faults count the write batches that reach tursodb: `lost` pass, the next one's answer is lost.
      if (lost) team.adapter.inject(...Array.from({ length: lost }, () => ({ kind: 'delay' as const, ms: 0 })), { kind: 'lose-response' });
      const outcome = await engine.syncOnce().then(
        () => null,
        (e: unknown) => e,
      );
      expect(outcome === null).toBe(lost === 0);
      expect(state.copied).toBeGreaterThan(lost);
      const app = afterPowerCut(ada, `${ada.dir}/copy.db`);
      cleanups.push(() => app.database.close());
      await recoverAndCheck(remote, app, `Ada-turso-${lost}`, ids);
    }, 180_000);
});

describe('push settle lost to a power cut, then a teammate laptop builds on what landed', () => {
  it('the other laptop changes again a field the lost settle had pushed: its change wins, no conflict is raised', async () => {
    const { remote, cleanup } = fileRemote();
    cleanups.push(cleanup);
    const { ada, ids } = await laptopWithWork(remote);
    const bo = device('Bo', remote, { sameUserAs: ada });
    cleanups.push(() => bo.close());
    await bo.sync();
    // Ada changes the phone of every consultation; the push lands, its settle is lost to a power cut.
    for (const [i, id] of ids.entries()) ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 2${i}` }] });
    const { link } = cuttable(remote, ada.file, `${ada.dir}/copy.db`);
    await engineFor(ada, link, 'Ada-laptop').syncOnce();
    const app = afterPowerCut(ada, `${ada.dir}/copy.db`);
    cleanups.push(() => app.database.close());
    // The last batch's settle (its outbox deletes and merge bases) is gone.
    expect(engineFor(app, remote, 'Ada-laptop').pendingCount()).toBeGreaterThan(0);
    // Bo sees Ada's phones and changes them again, before Ada's laptop is back.
    await bo.sync();
    for (const [i, id] of ids.entries()) {
      expect(bo.consultations.get({ consultationId: id }).consultation.sections.contact_info.phone).toBe(`+1 555 2${i}`);
      bo.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 3${i}` }] });
    }
    await bo.sync();
    const engine = engineFor(app, remote, 'Ada-laptop');
    await engine.syncOnce();
    await engine.syncOnce();
    expect(engine.pendingCount()).toBe(0);
    const open = app.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_conflicts WHERE resolved_at IS NULL').get() as { n: number };
    expect(open.n).toBe(0);
    for (const [i, id] of ids.entries()) expect(app.consultations.get({ consultationId: id }).consultation.sections.contact_info.phone).toBe(`+1 555 3${i}`);
    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(app));
  }, 180_000);
});
