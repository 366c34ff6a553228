import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../db/client';
import { tempDir } from '../../../test/tempDatabase';
import { startTestHost } from '../../../test/testHost';

// Client data is readable by its owner only (POSIX): the data folder 0700, the database, its -wal/-shm
// and every backup 0600, including folders and files left looser by an earlier version of the app.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe('file permissions', () => {
  it('tighten a data folder and database an earlier version left 0755/0644, and keep new files private', async () => {
    const t = tempDir('fieldbook-perm-');
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'data');
    mkdirSync(dir, { recursive: true });
    openDatabase(join(dir, 'fieldbook.db')).close();
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'fieldbook.db'), 0o644);
    const host = startTestHost(dir);
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'fieldbook.db'))).toBe(0o600);
      host.services.database.sqlite.prepare(`INSERT INTO app_settings (key, value, updated_at) VALUES ('k', '1', 't')`).run();
      expect(mode(join(dir, 'fieldbook.db-wal'))).toBe(0o600);
      expect(mode(join(dir, 'fieldbook.db-shm'))).toBe(0o600);
      const daily = await host.services.backups.ensureDaily(new Date('2027-03-01T09:00:00Z'));
      expect(mode(join(dir, 'backups'))).toBe(0o700);
      expect(mode(daily!.file)).toBe(0o600);
      const exported = join(t.dir, 'chosen-by-the-user.db');
      await host.services.backups.backupTo(exported);
      expect(mode(exported)).toBe(0o600);
    } finally {
      host.close();
    }
  });

  it('create a new data folder 0700 with its database 0600', () => {
    const t = tempDir('fieldbook-perm-');
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'nested', 'data');
    const host = startTestHost(dir);
    host.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'fieldbook.db'))).toBe(0o600);
  });
});
