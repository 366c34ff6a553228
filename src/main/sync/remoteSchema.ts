import type { RemoteClient as Client } from './remoteClient';
import type { MigrationMeta } from '../db/migrate';
import { MIGRATIONS_TABLE, MigrationRefused, latestSchemaVersion, planMigrations, statementRunsOn, type AppliedMigration } from '../db/migrate';
import { createIfMissing, objectsAt } from '../db/schemaObjects';
import { AppFailure } from '@shared/errors';

// The team database is created and upgraded by the app from the same migrations as the local one, minus
// the statements marked "-- local-only" (full-text search, the outbox, triggers). Its schema version is the
// newest migration applied, as locally. The upgrade runs like the local one: foreign keys off outside the
// transaction (libSQL's migrate()), custom indexes put back after each step, no new dangling reference.

export async function remoteSchemaVersion(remote: Client): Promise<number> {
  return Math.max(0, ...(await remoteApplied(remote)).map((m) => m.createdAt));
}

async function remoteApplied(remote: Client): Promise<AppliedMigration[]> {
  const exists = await remote.execute({ sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, args: [MIGRATIONS_TABLE] });
  if (exists.rows.length === 0) return [];
  const rows = await remote.execute(`SELECT hash, created_at FROM "${MIGRATIONS_TABLE}"`);
  return rows.rows.map((r) => ({ hash: String(r.hash), createdAt: Number(r.created_at) }));
}

/** Dangling references now, or null where the server has no foreign_key_check (tursodb does not enforce them). */
async function danglingCount(remote: Client): Promise<number | null> {
  try {
    return Number((await remote.execute('SELECT count(*) AS n FROM pragma_foreign_key_check')).rows[0]?.n ?? 0);
  } catch {
    return null;
  }
}

/**
 * Why a statement may not run on the team database, or null. Older apps keep writing to it while this
 * one upgrades, so a remote migration may only add: no DROP, no RENAME, no table rebuild.
 */
export function remoteStatementProblem(statement: string): string | null {
  const sql = statement.replace(/^\s*--.*$/gm, '');
  if (/\bDROP\s+(TABLE|INDEX|VIEW|TRIGGER|COLUMN)\b/i.test(sql)) return 'drops a table, index or column';
  if (/\bRENAME\b/i.test(sql)) return 'renames a table or column';
  if (/\b__new_/i.test(sql)) return 'rebuilds a table';
  if (/^\s*(DELETE|UPDATE)\b/im.test(sql)) return 'changes existing rows';
  return null;
}

/** Brings the team database up to this app's schema; refuses (typed error) if it is newer than this app. */
export async function ensureRemoteSchema(remote: Client, migrations: readonly MigrationMeta[]): Promise<number> {
  const known = latestSchemaVersion(migrations);
  let pending;
  try {
    pending = planMigrations(await remoteApplied(remote), migrations, 'The team database');
  } catch (error) {
    if (error instanceof MigrationRefused && error.reason === 'newer') {
      throw new AppFailure(
        'invalid_state',
        'The team database was upgraded by a newer Fieldbook. Update this app to sync; your work stays safe on this laptop.',
      );
    }
    if (error instanceof MigrationRefused) throw new AppFailure('invalid_state', `${error.message} Your work stays safe on this laptop.`);
    throw error;
  }
  if (pending.length === 0) return known;
  const dangling = await danglingCount(remote);
  const statements: string[] = [`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`];
  for (const { migration, step } of pending) {
    for (const statement of migration.sql) if (statement.trim() && statementRunsOn(statement, 'remote')) statements.push(statement);
    for (const object of objectsAt(step, 'remote')) statements.push(createIfMissing(object));
    statements.push(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ('${migration.hash}', ${migration.folderMillis})`);
  }
  // Fails the batch (json() of invalid text raises) if the upgrade left a row pointing at nothing.
  const guardIndex = dangling === null ? -1 : statements.length;
  if (dangling !== null) statements.push(`SELECT CASE WHEN (SELECT count(*) FROM pragma_foreign_key_check) > ${dangling} THEN json('dangling reference') END`);
  try {
    // One batch in one transaction, foreign keys off around it: the upgrade applies whole or not at all.
    await remote.migrate(statements);
  } catch (error) {
    const index = (error as { statementIndex?: number }).statementIndex;
    if (guardIndex >= 0 && index === guardIndex) {
      throw new AppFailure(
        'invalid_state',
        'The team database upgrade would leave records pointing at nothing, so it was rolled back. Your work stays safe on this laptop.',
      );
    }
    // Another laptop may have upgraded it a moment ago.
    if ((await remoteSchemaVersion(remote)) >= known) return known;
    throw error;
  }
  return known;
}

// The team schema is checked once per client (one per URL and token in the app) and app start, not per sync;
// a failed sync forgets it, so a schema changed under us (a reset or upgraded team database) is checked again.
const checkedSchemas = new WeakMap<Client, { known: number; version: Promise<number> }>();

/** ensureRemoteSchema, done once per client while syncs succeed. */
export function ensureRemoteSchemaOnce(remote: Client, migrations: readonly MigrationMeta[]): Promise<number> {
  const known = latestSchemaVersion(migrations);
  const checked = checkedSchemas.get(remote);
  if (checked?.known === known) return checked.version;
  const version = ensureRemoteSchema(remote, migrations);
  checkedSchemas.set(remote, { known, version });
  version.catch(() => forgetRemoteSchemaCheck(remote));
  return version;
}

/** The next sync on this client checks the team schema again. */
export function forgetRemoteSchemaCheck(remote: Client): void {
  checkedSchemas.delete(remote);
}
