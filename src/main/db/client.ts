import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema';
import { findMigrationsFolder, migrate, readMigrations, type MigrationReport } from './migrate';
import { ensurePrivateFile } from './privateFiles';
import { registerSearchFunction } from './searchFunction';

export type Db = BetterSQLite3Database<typeof schema>;

export interface LocalDatabase {
  file: string;
  sqlite: Database.Database;
  db: Db;
  migration: MigrationReport;
  close(): void;
}

export interface OpenOptions {
  migrationsFolder?: string;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the local database and brings its schema up to date.
 *
 * - WAL: readers never block the autosave writer, and a crash mid-write leaves the last commit intact.
 * - synchronous=FULL: each commit is synced to the WAL before it is acknowledged, so an autosave the UI
 *   reported as saved survives power loss too, not only a crash of the app (NORMAL would only promise
 *   the latter). Measured cost is in docs/benchmarks.md; autosave stays well under a millisecond of CPU.
 * - foreign_keys ON: SQLite leaves it off per connection; cascades and references depend on it.
 * - busy_timeout: a backup or a second reader holding a lock makes a write wait, not fail.
 */
export function openDatabase(file: string, options: OpenOptions = {}): LocalDatabase {
  if (!options.readonly) ensurePrivateFile(file);
  const sqlite = new Database(file, { readonly: options.readonly ?? false });
  try {
    sqlite.pragma('busy_timeout = 5000');
    if (!options.readonly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // The full-text triggers call it on every write of a consultation.
    registerSearchFunction(sqlite);
    const migration = options.readonly ? { applied: 0, schemaVersion: 0 } : migrate(sqlite, readMigrations(options.migrationsFolder ?? findMigrationsFolder()));
    const db = drizzle(sqlite, { schema });
    return {
      file,
      sqlite,
      db,
      migration,
      close() {
        if (!sqlite.open) return;
        if (!options.readonly) {
          // Refresh planner statistics where they are stale (cheap; SQLite's advice for long-lived apps).
          sqlite.pragma('optimize');
          // Fold the WAL back into the main file so a copied data folder is one self-contained file.
          sqlite.pragma('wal_checkpoint(TRUNCATE)');
        }
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Whether a write on this connection waits for another connection's (up to 5 s) or fails at once as busy:
 * while a worker imports, the main process must answer every window rather than wait behind it.
 */
export function waitForOtherWriters(database: LocalDatabase, wait: boolean): void {
  database.sqlite.pragma(`busy_timeout = ${wait ? 5000 : 0}`);
}
