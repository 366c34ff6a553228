import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { fileTeamDevices, migrations, syncedState, type Device } from '../syncDevices';
import { SyncEngine } from '../../src/main/sync/syncEngine';
import { newId } from '../../src/main/clock';
import { fullSections } from '../arbitraries';

// The pipelined push (the next batch leaves while the previous one is in flight, gated in SQL): attacked with two
// laptops pushing the same consultations at once, answers lost and arrivals reordered by a link that holds requests.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

/** An engine over `d`'s database with small batches (several in flight per push), through `remote`. */
function smallBatches(d: Device, remote: Client): SyncEngine {
  return new SyncEngine({ database: () => d.database, remote, deviceId: `${d.name}-${newId()}`, migrations, settings: d.settings, batchSize: 7 });
}

/** A link that can hold write batches and release them in another order, or drop an answer after the commit. */
function unruly(remote: Client) {
  const state = { writes: 0, swapFrom: -1, loseAt: -1, swapped: false };
  let held: (() => void) | null = null;
  const link = {
    execute: ((stmt: never) => remote.execute(stmt)) as Client['execute'],
    batch: (async (stmts: never, mode?: string) => {
      if (mode !== 'write') return remote.batch(stmts, mode as never);
      state.writes += 1;
      const n = state.writes;
      if (n === state.swapFrom) {
        // Hold this batch until the next one has arrived: the later batch reaches the team first.
        await new Promise<void>((resolve) => {
          held = resolve;
          setTimeout(resolve, 2_000);
        });
      }
      if (n === state.swapFrom + 1 && held) {
        const release = held as () => void;
        held = null;
        state.swapped = true;
        try {
          return await remote.batch(stmts, mode as never);
        } finally {
          setTimeout(release, 5);
        }
      }
      const result = await remote.batch(stmts, mode as never);
      if (n === state.loseAt) throw new Error('fetch failed: answer lost');
      return result;
    }) as Client['batch'],
    migrate: remote.migrate.bind(remote),
    close: () => undefined,
  } as unknown as Client;
  return { link, state };
}

describe('pipelined push: attacks', () => {
  it('two laptops of one consultant push edits of the same 40 consultations at the same time: both edits everywhere, every device agrees', async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const ada = add('Ada');
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) ids.push(ada.consultations.create({ sections: fullSections(`Shared ${i}`) }).consultation.id);
    await ada.sync();
    const bo = add('Bo', { sameUserAs: ada });
    await bo.sync();
    const adaEngine = smallBatches(ada, remote);
    const boEngine = smallBatches(bo, remote);
    for (const [i, id] of ids.entries()) {
      ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 ${2000 + i}` }] });
      bo.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.email', value: `bo${i}@example.com` }] });
      if (i % 5 === 0) {
        ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
        bo.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
      }
    }
    await Promise.allSettled([adaEngine.syncOnce(), boEngine.syncOnce()]);
    for (let round = 0; round < 4; round += 1) {
      await adaEngine.syncOnce();
      await boEngine.syncOnce();
    }
    expect(adaEngine.quarantine()).toEqual([]);
    expect(boEngine.quarantine()).toEqual([]);
    expect(adaEngine.pendingCount()).toBe(0);
    expect(boEngine.pendingCount()).toBe(0);
    expect(syncedState(bo)).toEqual(syncedState(ada));
    for (const [i, id] of ids.entries()) {
      const c = ada.consultations.get({ consultationId: id }).consultation;
      expect(c.sections.contact_info.phone).toBe(`+1 555 ${2000 + i}`);
      expect(c.sections.contact_info.email).toBe(`bo${i}@example.com`);
    }
    // Versions saved on both laptops from the same base are all kept (renumbered), none lost.
    const versions = (d: Device) => (d.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_versions').get() as { n: number }).n;
    expect(versions(ada)).toBe(40 + 2 * 8);
  }, 120_000);

  it('a later batch reaching the team before the one it follows, and an answer lost after the commit: each change lands once, in order', async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const ada = add('Ada');
    ada.consultations.create({ sections: fullSections('Schema first') });
    await ada.sync();
    const { link, state } = unruly(remote);
    const engine = smallBatches(ada, link);
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) ids.push(ada.consultations.create({ sections: fullSections(`Ordered ${i}`) }).consultation.id);
    state.swapFrom = 2;
    state.loseAt = 5;
    const first = await engine.syncOnce().then(
      () => null,
      (e: unknown) => e,
    );
    // Edits while the outcome is unknown, then the next syncs settle it.
    expect(state.swapped).toBe(true);
    ada.consultations.autosave({ consultationId: ids[3]!, edits: [{ path: 'contact_info.phone', value: '+1 555 7777' }] });
    state.swapFrom = -1;
    state.loseAt = -1;
    await engine.syncOnce();
    await engine.syncOnce();
    expect(engine.pendingCount()).toBe(0);
    const watcher = add('Watcher', { sameUserAs: ada });
    await watcher.sync();
    expect(syncedState(watcher)).toEqual(syncedState(ada));
    expect(watcher.consultations.get({ consultationId: ids[3]! }).consultation.sections.contact_info.phone).toBe('+1 555 7777');
    // Each consultation logged once per push it was in: nothing from a batch applied twice.
    const batches = await remote.execute('SELECT count(*) AS n FROM sync_batches');
    expect(Number(batches.rows[0]!.n)).toBeGreaterThan(3);
    const twice = await remote.execute(`SELECT entity_id, count(*) AS n FROM sync_log WHERE entity = 'version' GROUP BY entity_id HAVING count(*) > 1`);
    expect(twice.rows).toEqual([]);
    expect(first === null || first instanceof Error).toBe(true);
  }, 120_000);
});
