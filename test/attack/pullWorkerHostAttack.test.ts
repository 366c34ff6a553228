import { afterAll, afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startHranaAdapter, startTursoServer, tursodbMissing, type HranaAdapter, type TursoServer } from '../tursoServer';
import { device, syncedState, type Device } from '../syncDevices';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { createRemoteClient } from '../../src/main/sync/remoteClient';
import { startTestHost } from '../testHost';
import type { AppHost } from '../../src/main/appHost';

// Issue 16 attacked through the app host (what the desktop app runs): a consultant's second laptop takes in a
// team of hundreds over tursodb, its big pages in the pull worker, while she types through the app's dispatch,
// restores a backup, or closes the app.

const servers: TursoServer[] = [];
const adapters: HranaAdapter[] = [];
let cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const a of adapters) await a.close();
  for (const s of servers) await s.stop();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  cleanups = [];
});

const TEAM_SIZE = Number(process.env.TEAM_SIZE ?? 700);

/** A team on its own tursodb, with Ada's laptop having pushed TEAM_SIZE consultations to it. */
async function team(): Promise<{ url: string; ada: Device }> {
  const server = await startTursoServer();
  servers.push(server);
  const adapter = await startHranaAdapter(server.port);
  adapters.push(adapter);
  const remote = createRemoteClient({ url: adapter.url });
  const ada = device('Ada', remote);
  cleanups.push(() => (ada.close(), remote.close()));
  // Through the service: the same canonical JSON a pull writes (the seed's raw SQL is not).
  for (let i = 0; i < TEAM_SIZE; i += 1) ada.consultations.create({ sections: fullSections(`Hosted Hardware ${i}`) });
  await ada.sync();
  return { url: adapter.url, ada };
}

/** Ada's second laptop: the app host, her profile made at its welcome screen (the same email: it adopts her identity). */
function secondLaptop(url: string, dir = tempDir()): AppHost & { dir: string; file: string; url: string } {
  // Background sync on, as in the app: the runs that catch up with changes typed during a run follow it.
  const h = startTestHost(dir.dir, { backgroundSync: true });
  if (!h.services.users.current()) h.services.users.saveProfile({ name: 'Ada Consultant', email: 'ada@example.com' });
  return Object.assign(h, { dir: dir.dir, file: join(dir.dir, 'fieldbook.db'), url });
}

/** Turns sync on (which starts a run at once, as in the app) and resolves when that run ended, with its state. */
function turnSyncOn(h: AppHost & { url: string }): Promise<string> {
  const ended = new Promise<string>((resolve) => {
    const stop = h.events.subscribe((name, payload) => {
      const state = (payload as { state?: string }).state;
      if (name !== 'sync.status' || state === 'syncing' || state === undefined) return;
      stop();
      resolve(state);
    });
  });
  h.sync.saveSettings({ url: h.url, enabled: true, intervalMinutes: 5 });
  return ended;
}

/** Runs `action` (once) soon after a fifth of the team landed, while the next page (big: in the worker) is being applied. */
function midPull(h: AppHost, action: () => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = h.events.subscribe((name, payload) => {
      const done = (payload as { progress?: { done: number } | null })?.progress?.done ?? 0;
      if (name !== 'sync.status' || done < TEAM_SIZE / 5) return;
      stop();
      setImmediate(() => Promise.resolve().then(action).then(resolve, reject));
    });
  });
}

const integrity = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};
/** syncedState of a database file, read over a connection of its own. */
const stateOf = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return syncedState({ database: { sqlite: db } } as never);
  } finally {
    db.close();
  }
};
const ok = async (h: AppHost, operation: string, input: unknown) => {
  const result = (await h.dispatch(operation, input)) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${operation} refused: ${JSON.stringify(result.error)}`);
  return result.value as Record<string, never>;
};

describe.skipIf(tursodbMissing !== null)('the pull worker in the app host', () => {
  it('a consultant typing through the app while the worker takes in the team: every save answered, none lost; everything converges', async () => {
    const { url, ada } = await team();
    const h = secondLaptop(url);
    cleanups.push(() => h.stop());
    const created = (await ok(h, 'consultations.create', { sections: fullSections('Typed Through Dispatch') })) as unknown as { consultation: { id: string } };
    const mine = created.consultation.id;
    let typed = 0;
    let pulled = false;
    h.events.subscribe((name, payload) => {
      const progress = (payload as { progress?: { done: number; total: number } | null }).progress;
      if (name === 'sync.status' && progress && progress.total >= TEAM_SIZE && progress.done >= progress.total) pulled = true;
    });
    const refusals: unknown[] = [];
    let done = false;
    const syncing = turnSyncOn(h).finally(() => (done = true));
    // Typing until the pull is over (the push that follows drains what she types while she types).
    while (!done && !pulled && typed < 5_000) {
      const result = (await h.dispatch('consultations.autosave', {
        consultationId: mine,
        edits: [{ path: 'contact_info.phone', value: `+1 555 ${typed}` }],
      })) as { ok: boolean; error?: unknown };
      if (!result.ok) refusals.push(result.error);
      typed += 1;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(await syncing).toBe('up_to_date');
    expect(refusals).toEqual([]);
    expect(typed).toBeGreaterThan(3);
    expect(h.services.consultations.get({ consultationId: mine }).consultation.sections.contact_info.phone).toBe(`+1 555 ${typed - 1}`);
    expect(h.services.users.current()!.id).toBe(ada.users.current()!.id);
    await h.sync.syncNow();
    await ada.sync();
    expect(stateOf(h.file)).toEqual(syncedState(ada));
    expect(ada.store.find(mine)?.contactInfo.phone).toBe(`+1 555 ${typed - 1}`);
  }, 300_000);

  it('a backup restored while the worker applies a page: the restored data stands, the safety copy is whole, and the next sync brings the team back', async () => {
    const { url, ada } = await team();
    const h = secondLaptop(url);
    cleanups.push(() => h.stop());
    const kept = h.services.consultations.create({ sections: fullSections('In The Backup') }).consultation.id;
    const backup = join(tempDir().dir, 'before-pull.db');
    await h.services.backups.backupTo(backup);
    const afterBackup = h.services.consultations.create({ sections: fullSections('Typed After The Backup') }).consultation.id;
    let restored: { safetyCopy: string } | null = null;
    const restoring = midPull(h, async () => {
      restored = await h.restoreFrom({ file: backup });
    });
    // The pull the restore cut short may end in an error; what matters is the data.
    await turnSyncOn(h);
    await restoring;
    expect(restored).not.toBeNull();
    expect(integrity(h.file)).toBe('ok');
    expect(h.services.store.find(kept)).toBeDefined();
    // The safety copy holds what was replaced: whole, with the consultation typed after the backup.
    const safety = restored!.safetyCopy;
    expect(integrity(safety)).toBe('ok');
    const copy = new Database(safety, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM consultations WHERE id = ?').get(afterBackup)).toEqual({ n: 1 });
    copy.close();
    // The backup was made before sync was turned on: she turns it on again.
    expect(h.sync.getSettings().enabled).toBe(false);
    expect(await turnSyncOn(h)).toBe('up_to_date');
    await ada.sync();
    await h.sync.syncNow();
    expect(h.sync.scheduler.status.state).not.toBe('error');
    expect(stateOf(h.file)).toEqual(syncedState(ada));
    expect(integrity(h.file)).toBe('ok');
  }, 300_000);

  it('the app stopped (it waits for the sync) while the worker applies a page: the database is whole, and reopened it completes the pull', async () => {
    const { url, ada } = await team();
    const dir = tempDir();
    const h = secondLaptop(url, dir);
    const mine = h.services.consultations.create({ sections: fullSections('Before Closing') }).consultation.id;
    const closing = midPull(h, () => h.stop());
    const syncing = turnSyncOn(h);
    await closing;
    await syncing;
    // Whatever the pull was doing has ended (a worker left writing would keep the file busy).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = join(dir.dir, 'fieldbook.db');
    expect(integrity(file)).toBe('ok');
    const again = secondLaptop(url, dir);
    cleanups.push(() => again.stop());
    // Sync was on when it closed: it stays on.
    expect(again.sync.getSettings().enabled).toBe(true);
    expect(again.services.store.find(mine)).toBeDefined();
    await again.sync.syncNow();
    await ada.sync();
    await again.sync.syncNow();
    expect(again.sync.scheduler.status.state).not.toBe('error');
    expect(stateOf(file)).toEqual(syncedState(ada));
  }, 300_000);
});
