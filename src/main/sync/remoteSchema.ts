import type { RemoteClient as Client } from './remoteClient';
import type { MigrationMeta } from '../db/migrate';
import { MIGRATIONS_TABLE, latestSchemaVersion, statementRunsOn } from '../db/migrate';
import { AppFailure } from '../../shared/errors';

// The team database is created and upgraded by the app from the same migrations as the local one, minus
// the statements marked "-- local-only" (full-text search, the outbox, triggers). Its schema version is the
// newest migration applied, as locally.

export async function remoteSchemaVersion(remote: Client): Promise<number> {
  const exists = await remote.execute({ sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, args: [MIGRATIONS_TABLE] });
  if (exists.rows.length === 0) return 0;
  const row = await remote.execute(`SELECT max(created_at) AS v FROM "${MIGRATIONS_TABLE}"`);
  return Number(row.rows[0]?.v ?? 0);
}

/** Brings the team database up to this app's schema; refuses (typed error) if it is newer than this app. */
export async function ensureRemoteSchema(remote: Client, migrations: readonly MigrationMeta[]): Promise<number> {
  const known = latestSchemaVersion(migrations);
  const current = await remoteSchemaVersion(remote);
  if (current > known) {
    throw new AppFailure(
      'invalid_state',
      'The team database was upgraded by a newer Fieldbook. Update this app to sync; your work stays safe on this laptop.',
    );
  }
  if (current === known) return current;
  const statements: string[] = [`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`];
  const pending = migrations.filter((m) => m.folderMillis > current);
  for (const migration of pending) {
    for (const statement of migration.sql) if (statement.trim() && statementRunsOn(statement, 'remote')) statements.push(statement);
    statements.push(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ('${migration.hash}', ${migration.folderMillis})`);
  }
  try {
    // One batch: the upgrade applies whole or not at all.
    await remote.batch(statements, 'write');
  } catch (error) {
    // Another laptop may have upgraded it a moment ago.
    if ((await remoteSchemaVersion(remote)) >= known) return known;
    throw error;
  }
  return known;
}
