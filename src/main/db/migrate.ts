import { join, resolve } from 'node:path';
import { findShippedFolder } from '../appResources';
import type BetterSqlite3 from 'better-sqlite3';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';

export type { MigrationMeta };

// Applies the committed drizzle-kit migrations. drizzle's own sync migrator reads what was applied before
// it takes the write lock and opens a deferred transaction; this one takes the lock first (BEGIN IMMEDIATE)
// and decides inside it, so two processes opening one file cannot both apply a step. Same bookkeeping
// table as drizzle (`__drizzle_migrations`), so drizzle-kit tooling keeps working.

export const MIGRATIONS_TABLE = '__drizzle_migrations';

export interface MigrationReport {
  applied: number;
  /** `when` of the newest migration now in the database: the schema version. */
  schemaVersion: number;
}

/** Finds `migrations/sqlite` (FIELDBOOK_MIGRATIONS overrides): source tree, bundle, or tests. */
export function findMigrationsFolder(): string {
  const fromEnv = process.env.FIELDBOOK_MIGRATIONS;
  if (fromEnv) return resolve(fromEnv);
  return findShippedFolder(join('migrations', 'sqlite'), join('meta', '_journal.json'));
}

export function readMigrations(folder: string): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder: folder });
}

/** The schema version this build of the app knows: the newest migration it ships. */
export function latestSchemaVersion(migrations: readonly MigrationMeta[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.folderMillis), 0);
}

export function appliedSchemaVersion(sqlite: BetterSqlite3.Database): number {
  const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE);
  if (!exists) return 0;
  const row = sqlite.prepare(`SELECT max(created_at) AS v FROM "${MIGRATIONS_TABLE}"`).get() as { v: number | null };
  return Number(row.v ?? 0);
}

/** Which database a statement is for: marked "-- local-only" or "-- remote-only" in the migration file. */
export function statementRunsOn(statement: string, side: 'local' | 'remote'): boolean {
  const marker = /^\s*--\s*(local-only|remote-only)\b/m.exec(statement)?.[1];
  return !marker || marker === `${side}-only`;
}

export function migrate(sqlite: BetterSqlite3.Database, migrations: readonly MigrationMeta[]): MigrationReport {
  const known = latestSchemaVersion(migrations);
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
    const current = appliedSchemaVersion(sqlite);
    if (current > known) {
      throw new Error(
        `This database was written by a newer Fieldbook (schema ${current}, this app knows ${known}). Update the app to open it.`,
      );
    }
    const record = sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`);
    let applied = 0;
    for (const migration of migrations) {
      if (migration.folderMillis <= current) continue;
      for (const statement of migration.sql) {
        if (statement.trim() && statementRunsOn(statement, 'local')) sqlite.exec(statement);
      }
      record.run(migration.hash, migration.folderMillis);
      applied += 1;
    }
    sqlite.exec('COMMIT');
    return { applied, schemaVersion: Math.max(current, known) };
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw error;
  }
}
