import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { findShippedFolder } from '../appResources';
import type BetterSqlite3 from 'better-sqlite3';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { createIfMissing, objectsAt } from './schemaObjects';
import { schemaShape, shapeDifferences, type SchemaShape } from './schemaShape';
import { registerSearchFunction } from './searchFunction';

export type { MigrationMeta };

// Applies the committed drizzle-kit migrations. drizzle's own sync migrator reads what was applied before
// it takes the write lock and opens a deferred transaction; this one takes the lock first (BEGIN IMMEDIATE)
// and decides inside it, so two processes opening one file cannot both apply a step. Same bookkeeping
// table as drizzle (`__drizzle_migrations`), so drizzle-kit tooling keeps working.
//
// Safe for drizzle-kit table rebuilds (CREATE __new_x; INSERT SELECT; DROP x; RENAME): foreign keys are
// turned off before the transaction (inside one SQLite ignores the PRAGMA, and DROP TABLE would cascade
// to every child row), any new dangling reference aborts the run, the triggers and custom indexes a DROP
// took with it are put back, and after each step the schema must equal the one the app expects.

export const MIGRATIONS_TABLE = '__drizzle_migrations';

export interface MigrationReport {
  applied: number;
  /** `when` of the newest migration now in the database: the schema version. */
  schemaVersion: number;
}

export interface AppliedMigration {
  hash: string;
  createdAt: number;
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
  return Math.max(0, ...readApplied(sqlite).map((m) => m.createdAt));
}

export function readApplied(sqlite: BetterSqlite3.Database): AppliedMigration[] {
  const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE);
  if (!exists) return [];
  const rows = sqlite.prepare(`SELECT hash, created_at AS v FROM "${MIGRATIONS_TABLE}"`).all() as { hash: string; v: number }[];
  return rows.map((r) => ({ hash: r.hash, createdAt: Number(r.v) }));
}

/** Which database a statement is for: marked "-- local-only" or "-- remote-only" in the migration file. */
export function statementRunsOn(statement: string, side: 'local' | 'remote'): boolean {
  const marker = /^\s*--\s*(local-only|remote-only)\b/m.exec(statement)?.[1];
  return !marker || marker === `${side}-only`;
}

/** A migration history this app must not build on; the message says why, nothing was changed. */
export class MigrationRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'newer' | 'edited' | 'unknown' | 'out_of_order' | 'orphans' | 'schema',
  ) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

export interface PendingMigration {
  migration: MigrationMeta;
  /** Its index in the journal. */
  step: number;
}

/**
 * The migrations still to apply, in order. Refuses (never skips) a history written by a newer app, one
 * whose applied step differs from the shipped file (edited after release), one holding a step this app
 * does not ship, and a shipped step older than one already applied (merged late from another branch).
 */
export function planMigrations(applied: readonly AppliedMigration[], migrations: readonly MigrationMeta[], where = 'This database'): PendingMigration[] {
  const known = latestSchemaVersion(migrations);
  const newest = Math.max(0, ...applied.map((m) => m.createdAt));
  if (newest > known) {
    throw new MigrationRefused(`${where} was written by a newer Fieldbook (schema ${newest}, this app knows ${known}). Update the app to open it.`, 'newer');
  }
  const byWhen = new Map(migrations.map((m) => [m.folderMillis, m]));
  for (const row of applied) {
    const shipped = byWhen.get(row.createdAt);
    if (!shipped) {
      throw new MigrationRefused(
        `${where} has an upgrade step (${row.createdAt}) this Fieldbook does not ship. Fieldbook stopped without changing anything; install the matching release.`,
        'unknown',
      );
    }
    if (shipped.hash !== row.hash) {
      throw new MigrationRefused(
        `The upgrade step ${row.createdAt} shipped with this Fieldbook differs from the one already applied to ${where.toLowerCase()} (it was edited after release). Fieldbook stopped without changing anything.`,
        'edited',
      );
    }
  }
  const done = new Set(applied.map((m) => m.createdAt));
  const pending = migrations.map((migration, step) => ({ migration, step })).filter(({ migration }) => !done.has(migration.folderMillis));
  const late = pending.find(({ migration }) => migration.folderMillis < newest);
  if (late) {
    throw new MigrationRefused(
      `The upgrade step ${late.migration.folderMillis} is older than steps already applied to ${where.toLowerCase()} (${newest}); applying it out of order could damage data, so Fieldbook stopped without changing anything.`,
      'out_of_order',
    );
  }
  return pending;
}

/** Rows whose foreign key points at nothing, per table. */
function danglingReferences(sqlite: BetterSqlite3.Database): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of sqlite.pragma('foreign_key_check') as { table: string }[]) counts.set(row.table, (counts.get(row.table) ?? 0) + 1);
  return counts;
}

/** Puts back the triggers and custom indexes a table rebuild dropped (no-op for those still there). */
export function restoreSchemaObjects(sqlite: BetterSqlite3.Database, step: number): void {
  const tables = new Set((sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  for (const object of objectsAt(step, 'local')) if (tables.has(object.table)) sqlite.exec(createIfMissing(object));
}

const expectedShapes = new Map<string, SchemaShape>();

/** The schema a fresh database has after the migrations up to journal index `step`, built in memory once. */
export function expectedShape(migrations: readonly MigrationMeta[], step: number): SchemaShape {
  const upTo = migrations.slice(0, step + 1);
  const key = upTo.map((m) => m.hash).join(',');
  let shape = expectedShapes.get(key);
  if (!shape) {
    const scratch = new Database(':memory:');
    try {
      applyMigrations(scratch, upTo, false);
      shape = schemaShape(scratch);
    } finally {
      scratch.close();
    }
    expectedShapes.set(key, shape);
  }
  return shape;
}

export function migrate(sqlite: BetterSqlite3.Database, migrations: readonly MigrationMeta[]): MigrationReport {
  return applyMigrations(sqlite, migrations, true);
}

function applyMigrations(sqlite: BetterSqlite3.Database, migrations: readonly MigrationMeta[], check: boolean): MigrationReport {
  // The search migration reindexes through it, and the triggers it installs call it on this connection later.
  registerSearchFunction(sqlite);
  const foreignKeysWere = sqlite.pragma('foreign_keys', { simple: true }) === 1;
  sqlite.pragma('foreign_keys = OFF');
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
      const pending = planMigrations(readApplied(sqlite), migrations);
      const danglingBefore = check && pending.length ? danglingReferences(sqlite) : new Map<string, number>();
      const record = sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`);
      for (const { migration, step } of pending) {
        for (const statement of migration.sql) {
          if (statement.trim() && statementRunsOn(statement, 'local')) sqlite.exec(statement);
        }
        restoreSchemaObjects(sqlite, step);
        record.run(migration.hash, migration.folderMillis);
        if (check) {
          const shape = schemaShape(sqlite);
          // The declared objects are required on their own too: a reference built by the same steps would share a loss.
          const problems = [
            ...objectsAt(step, 'local')
              .filter((o) => !shape.has(`${o.type} ${o.name}`))
              .map((o) => `${o.type} "${o.name}" is missing`),
            ...shapeDifferences(shape, expectedShape(migrations, step)),
          ];
          if (problems.length) {
            throw new MigrationRefused(
              `The upgrade to schema ${migration.folderMillis} did not give the expected database (${problems.join('; ')}). Nothing was changed.`,
              'schema',
            );
          }
        }
      }
      if (check && pending.length) {
        for (const [table, n] of danglingReferences(sqlite)) {
          if (n > (danglingBefore.get(table) ?? 0)) {
            throw new MigrationRefused(
              `The upgrade would leave ${n} rows of ${table} pointing at records that no longer exist. Nothing was changed.`,
              'orphans',
            );
          }
        }
      }
      sqlite.exec('COMMIT');
      return { applied: pending.length, schemaVersion: appliedSchemaVersion(sqlite) };
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw error;
    }
  } finally {
    sqlite.pragma(`foreign_keys = ${foreignKeysWere ? 'ON' : 'OFF'}`);
  }
}
