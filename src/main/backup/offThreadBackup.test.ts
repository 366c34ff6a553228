import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AppHost } from '../appHost';
import { seedConsultations } from '../../../bench/seed';
import { tempDir } from '../../../test/tempDatabase';
import { inspectBackup } from './restore';
import { findMigrationsFolder, readMigrations } from '../db/migrate';
import { backupOffThread } from './offThreadBackup';
import { startTestHost } from '../../../test/testHost';

// The daily backup copies the database in a worker thread: the main connection keeps writing meanwhile,
// and the copy is a sound, consistent Fieldbook database holding everything committed before it began.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

function host(): { host: AppHost; dir: string } {
  const t = tempDir('fieldbook-bk-');
  const h = startTestHost(t.dir);
  cleanups.push(t.cleanup, () => h.close());
  h.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
  return { host: h, dir: t.dir };
}

describe('backup off the main thread', () => {
  it('copies a consistent database while the main connection keeps saving, with counts equal to a recount', async () => {
    const { host: h, dir } = host();
    const sqlite = h.services.database.sqlite;
    seedConsultations(sqlite, h.services.users.current()!.id, 3000);
    const before = (sqlite.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number }).n;
    const file = join(dir, 'copy.db');
    let settled = false;
    const backup = h.services.backups.backupTo(file).finally(() => (settled = true));
    // Autosaves on the main thread while the worker copies: none waits for the backup.
    let saves = 0;
    while (!settled && saves < 2000) {
      h.services.consultations.create({ sections: { contact_info: { business_name: `During backup ${saves}` } } });
      saves += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const info = await backup;
    expect(saves).toBeGreaterThan(0);
    expect(info.bytes).toBeGreaterThan(0);

    expect(inspectBackup(file, readMigrations(findMigrationsFolder())).consultations).toBeGreaterThanOrEqual(before);
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const total = (copy.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number }).n;
      expect(total).toBeGreaterThanOrEqual(before);
      expect(total).toBeLessThanOrEqual(before + saves);
      const counted = copy.prepare('SELECT sum(n) AS n FROM consultation_status_counts').get() as { n: number };
      expect(counted.n).toBe(total);
    } finally {
      copy.close();
    }
  }, 120_000);

  it('fails with the reason when the copy cannot be written, and the live database is untouched', async () => {
    const { host: h, dir } = host();
    h.services.consultations.create({ sections: { contact_info: { business_name: 'Kept' } } });
    await expect(backupOffThread(h.services.database.file, join(dir, 'missing-folder', 'copy.db'))).rejects.toThrow(/directory does not exist/);
    expect(h.services.consultations.counts().draft).toBe(1);
  }, 60_000);
});
