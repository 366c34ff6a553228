import { readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalDatabase } from '../db/client';
import { ensurePrivateFile, ensurePrivateFolder } from '../db/privateFiles';
import { AppFailure } from '@shared/errors';
import { backupOffThread } from './offThreadBackup';

// Backups are consistent copies of the live database made with SQLite's online backup, in a worker thread
// (the app keeps working meanwhile). A file is only restored after it proves to be a sound Fieldbook database of a
// schema this app knows.

export const AUTO_BACKUP_KEEP = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How far ahead of now a backup's stamp may be and still count (clocks drift a little). */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

export interface BackupInfo {
  file: string;
  bytes: number;
  createdAt: string;
}

export { inspectBackup } from './restore';

export class BackupService {
  constructor(
    private readonly database: () => LocalDatabase,
    private readonly backupsFolder: string,
  ) {}

  /** A consistent copy of the live database, written to `file` by a worker thread (offThreadBackup.ts). */
  async backupTo(file: string): Promise<BackupInfo> {
    // Written under another name and renamed when whole: a copy that failed half-way (a full disk) is never
    // listed as a backup, nor taken as today's.
    const partial = `${file}.partial`;
    ensurePrivateFile(partial);
    try {
      await backupOffThread(this.database().file, partial);
      renameSync(partial, file);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return { file, bytes: statSync(file).size, createdAt: new Date().toISOString() };
  }

  /** The newest automatic backup not stamped in the future (one made while the clock ran ahead proves nothing now). */
  newest(at = new Date()): BackupInfo | undefined {
    return this.list().find((b) => Date.parse(b.createdAt) <= at.getTime() + CLOCK_SLACK_MS);
  }

  /** Automatic backups in the data folder, newest first. */
  list(): BackupInfo[] {
    ensurePrivateFolder(this.backupsFolder);
    return readdirSync(this.backupsFolder)
      .filter((name) => /^fieldbook-auto-\d{8}-\d{6}\.db$/.test(name))
      .map((name) => {
        const file = join(this.backupsFolder, name);
        return { file, bytes: statSync(file).size, createdAt: unstamp(name.slice('fieldbook-auto-'.length, -'.db'.length)) };
      })
      .sort((a, b) => b.file.localeCompare(a.file));
  }

  /** The bytes of an automatic backup, only if `file` is one this list names (never any other path). */
  readListed(file: string): Buffer {
    const entry = this.list().find((b) => b.file === file);
    if (!entry) throw new AppFailure('not_found', 'That backup is no longer in the backups folder. Choose another one.');
    return readFileSync(entry.file);
  }

  /** Makes today's automatic backup if the newest is a day old, and keeps the last AUTO_BACKUP_KEEP. */
  async ensureDaily(at = new Date()): Promise<BackupInfo | null> {
    const newest = this.newest(at);
    if (newest && at.getTime() - Date.parse(newest.createdAt) < DAY_MS) return null;
    const info = { ...(await this.backupTo(join(this.backupsFolder, `fieldbook-auto-${stamp(at)}.db`))), createdAt: at.toISOString() };
    for (const old of this.list().slice(AUTO_BACKUP_KEEP)) unlinkSync(old.file);
    return info;
  }
}

/** 2027-03-01T09:30:00Z <-> 20270301-093000 (UTC), sortable as text. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
function unstamp(text: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(text)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}
