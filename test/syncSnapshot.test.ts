import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { fileTeamDevices, syncedState, device, type Device } from './syncDevices';
import { fullSections } from './arbitraries';

// A device's first pull reads the team's tables page by page (consultations in id order, each page with its
// versions, tombstones and conflicts) instead of replaying the whole log. It must end exactly where a device
// that followed the log ends, resume where a cut stopped it, and still get what changed while it read.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

const SNAPSHOT_PAGE = 'FROM consultations WHERE id > ? ORDER BY id LIMIT ?';
type Statement = { sql: string; args?: unknown[] } | string;
const textOf = (s: Statement) => (typeof s === 'string' ? s : s.sql);

/** A link to `remote` that counts requests and snapshot page reads, and can run `before` ahead of a snapshot page read. */
function watched(remote: Client) {
  const seen = { requests: 0, snapshotPages: 0, logPages: 0, afterIds: [] as string[] };
  let before: ((page: number) => Promise<void> | void) | null = null;
  const link = {
    execute: (async (stmt: Statement) => {
      seen.requests += 1;
      return remote.execute(stmt as never);
    }) as Client['execute'],
    batch: (async (stmts: Statement[], mode?: never) => {
      seen.requests += 1;
      const page = stmts.find((s) => textOf(s).includes(SNAPSHOT_PAGE));
      if (page) {
        seen.snapshotPages += 1;
        seen.afterIds.push(String((page as { args: unknown[] }).args[0]));
        await before?.(seen.snapshotPages);
      }
      if (stmts.some((s) => textOf(s).includes('FROM sync_log WHERE seq > ? ORDER BY seq'))) seen.logPages += 1;
      return remote.batch(stmts as never, mode);
    }) as Client['batch'],
    migrate: remote.migrate.bind(remote),
    close: () => undefined,
  } as unknown as Client;
  return { link, seen, beforePage: (f: typeof before) => (before = f) };
}

/** A's team: `n` consultations with two versions each, one deleted, one completed. */
async function team(n: number) {
  const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
  const a = add('A');
  // A laptop that joined while the team was empty: it follows the log from the start.
  const early = add('Early');
  await early.sync();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const id = a.consultations.create({ sections: fullSections(`Snapshot ${i}`) }).consultation.id;
    a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + i}` }] });
    a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    ids.push(id);
  }
  a.consultations.delete({ consultationId: ids[1]! });
  a.consultations.complete({ consultationId: ids[2]! });
  await a.sync();
  return { remote, a, early, ids };
}

function joined(
  remote: Client,
  name: string,
): { laptop: Device; seen: ReturnType<typeof watched>['seen']; beforePage: ReturnType<typeof watched>['beforePage'] } {
  const w = watched(remote);
  const laptop = device(name, w.link);
  cleanups.push(() => laptop.close());
  return { laptop, seen: w.seen, beforePage: w.beforePage };
}

describe("a device's first pull reads the team's tables", () => {
  it('ends exactly where a device that followed the log ends, in far fewer reads than log pages', async () => {
    const { remote, a, early, ids } = await team(150);
    await early.sync();
    expect(early.engine.quarantine()).toEqual([]);
    const { laptop: b, seen } = joined(remote, 'B');
    await b.sync();
    expect(seen.snapshotPages).toBeGreaterThan(0);
    // 150 consultations, 300 versions, a tombstone: the log is 450+ entries; the tables come in a handful of pages.
    expect(seen.requests).toBeLessThan(15);
    console.info(`first pull of 150 consultations: ${seen.requests} requests, ${seen.snapshotPages} snapshot pages`);
    expect(b.engine.quarantine()).toEqual([]);
    expect(syncedState(b)).toEqual(syncedState(early));
    expect(syncedState(b)).toEqual(syncedState(a));
    expect(syncedState(b).consultations).toHaveLength(ids.length - 1);
    // The next sync follows the log from where the snapshot began: nothing is read twice.
    const pages = seen.snapshotPages;
    await b.sync();
    expect(seen.snapshotPages).toBe(pages);
  });

  it('a snapshot cut part-way resumes after the last page applied, and ends where the others are', async () => {
    const { remote, a, early } = await team(120);
    await early.sync();
    const { laptop: b, seen, beforePage } = joined(remote, 'B');
    beforePage((page) => {
      if (page === 3) throw new Error('fetch failed');
    });
    await expect(b.sync()).rejects.toThrow(/fetch failed/);
    const landed = syncedState(b).consultations.length;
    expect(landed).toBeGreaterThan(0);
    beforePage(null);
    const resumedFrom = seen.afterIds.length;
    await b.sync();
    // The first read after the cut starts after a consultation that had landed, not from the beginning.
    expect(seen.afterIds[resumedFrom]).not.toBe('');
    expect(syncedState(b).consultations.map((c) => (c as { id: string }).id)).toContain(seen.afterIds[resumedFrom]);
    expect(syncedState(b)).toEqual(syncedState(a));
    expect(syncedState(b)).toEqual(syncedState(early));
  });

  it('what changes on the team while the pages are read still arrives, in the same sync', async () => {
    const { remote, a, ids } = await team(120);
    const { laptop: b, seen, beforePage } = joined(remote, 'B');
    // Between the first and the second page, A edits a consultation of the first page and makes a new one.
    let made = '';
    beforePage(async (page) => {
      if (page !== 2) return;
      a.consultations.autosave({ consultationId: ids[0]!, edits: [{ path: 'contact_info.email', value: 'during@snapshot.example' }] });
      made = a.consultations.create({ sections: fullSections('Made during the snapshot') }).consultation.id;
      await a.sync();
    });
    await b.sync();
    expect(seen.snapshotPages).toBeGreaterThan(2);
    expect(seen.logPages).toBeGreaterThan(0);
    expect(b.consultations.get({ consultationId: ids[0]! }).consultation.sections.contact_info.email).toBe('during@snapshot.example');
    expect(b.consultations.get({ consultationId: made }).consultation.sections.contact_info.business_name).toBe('Made during the snapshot');
    expect(syncedState(b)).toEqual(syncedState(a));
  });
});
