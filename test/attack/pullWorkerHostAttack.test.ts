import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { tursodbMissing } from '../tursoServer';
import { startedInThisFile } from '../tursoTeam';
import { syncedState } from '../syncDevices';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import type { AppHost } from '../../src/main/appHost';
import { integrity, midPull, secondLaptop, stateOf, team, TEAM_SIZE, turnSyncOn } from './hostedPull';

// Issue 16 attacked through the app host (what the desktop app runs): a consultant's second laptop takes in a
// team of hundreds over tursodb, its big pages in the pull worker, while she types through the app's dispatch,
// restores a backup, or closes the app.

const started = startedInThisFile();
const { cleanups } = started;

const ok = async (h: AppHost, operation: string, input: unknown) => {
  const result = (await h.dispatch(operation, input)) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${operation} refused: ${JSON.stringify(result.error)}`);
  return result.value as Record<string, never>;
};

describe.skipIf(tursodbMissing !== null)('the pull worker in the app host', () => {
  it('a consultant typing through the app while the worker takes in the team: every save answered, none lost; everything converges', async () => {
    const { url, ada } = await team(started);
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
    const { url, ada } = await team(started);
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
    const { url, ada } = await team(started);
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
