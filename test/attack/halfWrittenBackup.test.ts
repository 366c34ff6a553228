import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../src/main/db/client';
import { BackupService } from '../../src/main/backup/backupService';
import { inspectBackup } from '../../src/main/backup/restore';
import { findMigrationsFolder, readMigrations } from '../../src/main/db/migrate';
import { seedConsultations } from '../../bench/seed';
import { tempDir } from '../tempDatabase';
import { startTestHost } from '../testHost';

// A daily backup cut off half-way (a full disk, a power cut) must never be listed, nor count as today's
// backup in "Ready for the field": the worker writes under a .partial name and renames only a whole copy.
// The cut is real: a child process runs the backup under a file-size limit (ulimit -f), so the kernel stops
// its writes at 512 KiB of a database several MB large; a copy cut by a power failure is planted as its .partial.

const LIMIT_KIB = 512;
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

describe('a backup cut off half-way', () => {
  it('is never listed nor taken as the newest, and the next daily backup is whole', () => {
    const t = tempDir('fieldbook-halfbackup-');
    cleanups.push(t.cleanup);
    const host = startTestHost(t.dir);
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    seedConsultations(host.services.database.sqlite, host.services.users.current()!.id, 3000);
    const file = host.services.database.file;
    host.close();
    expect(statSync(file).size).toBeGreaterThan(4 * LIMIT_KIB * 1024);

    const folder = join(t.dir, 'cut-backups');
    const child = spawnSync('bash', ['-c', `ulimit -f ${LIMIT_KIB} && exec node --import tsx test/attack/halfWrittenBackupChild.ts "$0" "$1"`, file, folder], {
      cwd: resolve(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 120_000,
    });
    // The copy really was cut: the kernel refused its writes past the limit and the backup failed.
    expect(child.stdout).not.toContain('backup finished');
    expect(child.status).not.toBe(0);
    expect(child.stderr).toMatch(/SQLITE_IOERR|disk I\/O error/);
    // Nothing half-written stays behind under a backup's name (nor as a .partial: the failure removed it).
    expect(readdirSync(folder)).toEqual([]);
    // A copy cut by a power failure leaves its .partial behind: plant one, as big as the limit allowed.
    writeFileSync(join(folder, 'fieldbook-auto-20261128-090000.db.partial'), readFileSync(file).subarray(0, LIMIT_KIB * 1024));

    const database = openDatabase(file, { readonly: true });
    cleanups.push(() => database.close());
    const backups = new BackupService(() => database, folder);
    expect(backups.list()).toEqual([]);
    expect(backups.newest()).toBeUndefined();
    return backups.ensureDaily().then((made) => {
      expect(made).not.toBeNull();
      expect(backups.list().map((b) => b.file)).toEqual([made!.file]);
      expect(inspectBackup(made!.file, readMigrations(findMigrationsFolder())).consultations).toBe(3000);
    });
  }, 240_000);
});
