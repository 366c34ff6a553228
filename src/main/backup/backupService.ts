import { mkdirSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MigrationMeta } from 'drizzle-orm/migrator';
import type { LocalDatabase } from '../db/client';
import { MIGRATIONS_TABLE, latestSchemaVersion } from '../db/migrate';
import { AppFailure } from '../../shared/errors';

// Backups are consistent copies of the live database made with SQLite's online backup (the app keeps
// working meanwhile). A file is only restored after it proves to be a sound Fieldbook database of a
// schema this app knows.

export const AUTO_BACKUP_KEEP = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
const REQUIRED_TABLES = ['users', 'consultations', 'consultation_drafts', 'consultation_versions', MIGRATIONS_TABLE];

export interface BackupInfo {
  file: string;
  bytes: number;
  createdAt: string;
}

/** Checks a file before it may replace the live database; throws a message a person understands. */
export function inspectBackup(file: string, migrations: readonly MigrationMeta[]): { schemaVersion: number; consultations: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    throw new AppFailure('validation', 'This file cannot be opened as a database. Choose a Fieldbook backup.');
  }
  try {
    let tables: string[];
    try {
      tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    } catch {
      throw new AppFailure('validation', 'This file is not a database. Choose a Fieldbook backup (.db).');
    }
    if (!REQUIRED_TABLES.every((t) => tables.includes(t))) throw new AppFailure('validation', 'This database is not a Fieldbook backup.');
    const known = new Set(migrations.map((m) => m.folderMillis));
    const applied = (db.prepare(`SELECT created_at AS v FROM "${MIGRATIONS_TABLE}"`).all() as { v: number }[]).map((r) => Number(r.v));
    const newest = Math.max(0, ...applied);
    if (newest > latestSchemaVersion(migrations)) {
      throw new AppFailure('validation', 'This backup was made by a newer Fieldbook. Update the app to restore it.');
    }
    if (!applied.every((v) => known.has(v))) throw new AppFailure('validation', 'This backup has a schema this Fieldbook does not know.');
    if (db.pragma('integrity_check', { simple: true }) !== 'ok') throw new AppFailure('validation', 'This backup is damaged (it fails SQLite’s integrity check).');
    const { n } = db.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number };
    return { schemaVersion: newest, consultations: n };
  } finally {
    db.close();
  }
}

export class BackupService {
  constructor(
    private readonly database: () => LocalDatabase,
    private readonly backupsFolder: string,
  ) {}

  /** A consistent copy of the live database, written to `file`. */
  async backupTo(file: string): Promise<BackupInfo> {
    await this.database().sqlite.backup(file);
    return { file, bytes: statSync(file).size, createdAt: new Date().toISOString() };
  }

  /** Automatic backups in the data folder, newest first. */
  list(): BackupInfo[] {
    mkdirSync(this.backupsFolder, { recursive: true });
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
    const newest = this.list()[0];
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
