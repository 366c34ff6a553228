import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { tursodbMissing } from '../tursoServer';
import { startedInThisFile } from '../tursoTeam';
import { syncedState } from '../syncDevices';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { integrity, midPull, secondLaptop, stateOf, team, TEAM_SIZE, turnSyncOn } from './hostedPull';

// Issue 16's follow-up attacked through the app host: a restore stops the pull worker before it swaps the file.
// A refused restore must leave the pull alone; a restore that cut a pull short must leave nothing of that pull in
// the restored file, and the app stopped right after must end cleanly.

const started = startedInThisFile();
const { cleanups } = started;

function read<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}
const consultationCount = (file: string) => read(file, (db) => (db.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number }).n);
/** The sync position a file keeps (cursor, snapshot): a restored laptop has none until it pulls again. */
const syncPosition = (file: string) =>
  read(file, (db) => db.prepare("SELECT key FROM app_settings WHERE key IN ('sync_cursor', 'sync_snapshot', 'sync_pending_batch') ORDER BY key").all());

function catchUnhandled(): unknown[] {
  const unhandled: unknown[] = [];
  const on = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', on);
  cleanups.push(() => void process.off('unhandledRejection', on));
  return unhandled;
}

describe.skipIf(tursodbMissing !== null)('attack: a restore and the pull worker in the app host', () => {
  it('a refused restore (not a backup) during a pull leaves the pull alone: it ends up to date, equal to the team', async () => {
    const { url, ada } = await team(started);
    const h = secondLaptop(url);
    cleanups.push(() => h.stop());
    const mine = h.services.consultations.create({ sections: fullSections('Mine Before The Pull') }).consultation.id;
    const unhandled = catchUnhandled();
    const refusals: { code: string; message: string }[] = [];
    const refusing = midPull(h, async () => {
      // Garbage, then an SQLite file that is no Fieldbook backup: both refused before anything is stopped.
      const notSqlite = Buffer.from('not a backup at all').toString('base64');
      const foreign = new Database(join(tempDir().dir, 'other.db'));
      foreign.exec('CREATE TABLE t (x)');
      const foreignBytes = foreign.serialize().toString('base64');
      foreign.close();
      for (const base64 of [notSqlite, foreignBytes]) {
        const result = (await h.dispatch('backups.restore', { base64 })) as { ok: boolean; error?: { code: string; message: string } };
        expect(result.ok).toBe(false);
        refusals.push(result.error!);
      }
    });
    expect(await turnSyncOn(h)).toBe('up_to_date');
    await refusing;
    expect(refusals.map((r) => r.code)).toEqual(['validation', 'validation']);
    for (const r of refusals) expect(r.message).not.toMatch(/went wrong/);
    expect(h.services.store.find(mine)).toBeDefined();
    expect(consultationCount(h.file)).toBe(TEAM_SIZE + 1);
    await ada.sync();
    await h.sync.syncNow();
    expect(h.sync.scheduler.status.state).toBe('up_to_date');
    expect(stateOf(h.file)).toEqual(syncedState(ada));
    expect(integrity(h.file)).toBe('ok');
    expect(unhandled).toEqual([]);
  }, 300_000);

  it('a restore cutting a pull short, the app stopped right after: no unhandled rejection, nothing of that pull in the restored file; reopened, it syncs equal to the team', async () => {
    const { url, ada } = await team(started);
    const dir = tempDir();
    const h = secondLaptop(url, dir);
    const kept = h.services.consultations.create({ sections: fullSections('In The Backup') }).consultation.id;
    const backup = join(tempDir().dir, 'before-pull.db');
    await h.services.backups.backupTo(backup);
    const unhandled = catchUnhandled();
    let restored: { consultations: number; safetyCopy: string } | null = null;
    const restoringThenStopping = midPull(h, async () => {
      restored = await h.restoreFrom({ file: backup });
      await h.stop();
    });
    // The run the stop ended reports no final state (the app is gone): what is awaited is the restore and the stop.
    void turnSyncOn(h);
    await restoringThenStopping;
    // Whatever the cut pull was still doing has ended (the stop waits for the run).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(restored).not.toBeNull();
    expect(unhandled).toEqual([]);
    expect(integrity(h.file)).toBe('ok');
    expect(integrity(restored!.safetyCopy)).toBe('ok');
    // The restored file holds the backup and no page of the pull it cut short, nor that pull's position.
    expect(consultationCount(h.file)).toBe(1);
    expect(syncPosition(h.file)).toEqual([]);
    const again = secondLaptop(url, dir);
    cleanups.push(() => again.stop());
    expect(again.services.store.find(kept)).toBeDefined();
    expect(again.sync.getSettings().enabled).toBe(false);
    expect(await turnSyncOn(again)).toBe('up_to_date');
    await ada.sync();
    await again.sync.syncNow();
    expect(again.sync.scheduler.status.state).not.toBe('error');
    expect(stateOf(again.file)).toEqual(syncedState(ada));
    expect(unhandled).toEqual([]);
  }, 300_000);

  it('a restore cutting a pull short, the run left to end: no later page of that run lands in the restored file, nor its position; the next sync ends equal to the team', async () => {
    const { url, ada } = await team(started);
    const h = secondLaptop(url);
    cleanups.push(() => h.stop());
    const kept = h.services.consultations.create({ sections: fullSections('In The Backup') }).consultation.id;
    const backup = join(tempDir().dir, 'before-pull.db');
    await h.services.backups.backupTo(backup);
    const unhandled = catchUnhandled();
    const restoring = midPull(h, async () => {
      await h.restoreFrom({ file: backup });
    });
    const ended = await turnSyncOn(h);
    await restoring;
    // The run's pages still in flight have settled.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // A run the restore cut short reports sync off (the restored settings have it off), or an error when it failed
    // before the restored settings were in place; one that ended first, its own state.
    expect(['disabled', 'error', 'up_to_date', 'idle', 'offline']).toContain(ended);
    expect(integrity(h.file)).toBe('ok');
    expect(consultationCount(h.file)).toBe(1);
    expect(syncPosition(h.file)).toEqual([]);
    expect(h.services.store.find(kept)).toBeDefined();
    expect(await turnSyncOn(h)).toBe('up_to_date');
    await ada.sync();
    await h.sync.syncNow();
    expect(stateOf(h.file)).toEqual(syncedState(ada));
    expect(unhandled).toEqual([]);
  }, 300_000);
});
