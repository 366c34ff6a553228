import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient, type Client } from '@libsql/client';
import { openDatabase } from './client';
import { findMigrationsFolder, latestSchemaVersion, migrate, readMigrations } from './migrate';
import { ensureRemoteSchema, remoteSchemaVersion } from '../sync/remoteSchema';
import { generateRebuild, type RebuildMigrations } from '../../../test/drizzleRebuild';
import { allRows, copyToRemote, fillDatabase, remoteRows, triggersAndIndexes } from '../../../test/fullDatabase';
import { tempDir } from '../../../test/tempDatabase';

// A real drizzle-kit rebuild of `consultations` and `consultation_versions`, applied to a database with
// something in every table, on the laptop and on a libSQL team database: nothing may be lost.

const shipped = readMigrations(findMigrationsFolder());
let rebuild: RebuildMigrations;
let withRebuild: ReturnType<typeof readMigrations>;
let work: ReturnType<typeof tempDir>;

beforeAll(() => {
  rebuild = generateRebuild();
  withRebuild = readMigrations(rebuild.folder);
  work = tempDir('fieldbook-rebuild-');
}, 120_000);
afterAll(() => {
  rebuild?.cleanup();
  work?.cleanup();
});

const count = (db: Database.Database, sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
const search = (db: Database.Database, q: string) => count(db, `SELECT count(*) AS n FROM consultations_fts WHERE consultations_fts MATCH ?`, q);

function filledFile(name: string, consultations = 300): string {
  const file = join(work.dir, name);
  const db = openDatabase(file);
  fillDatabase(db.sqlite, consultations);
  db.close();
  return file;
}

describe('a drizzle-kit table rebuild', () => {
  it('is what drizzle-kit really generates for an added CHECK: a new table, copy, DROP and RENAME', () => {
    expect(withRebuild).toHaveLength(shipped.length + 1);
    for (const table of ['consultations', 'consultation_versions']) {
      expect(rebuild.sql).toContain(`CREATE TABLE \`__new_${table}\``);
      expect(rebuild.sql).toContain(`DROP TABLE \`${table}\`;`);
      expect(rebuild.sql).toContain(`ALTER TABLE \`__new_${table}\` RENAME TO \`${table}\`;`);
    }
    expect(rebuild.sql).toContain('PRAGMA foreign_keys=OFF;');
  });

  it('run the old way (inside the transaction, foreign keys on) it would cascade away drafts, versions and conflicts', () => {
    // The control that shows the assertions below can fail: what the previous migrator did.
    const db = new Database(filledFile('old-way.db'));
    db.pragma('foreign_keys = ON');
    expect(count(db, 'SELECT count(*) AS n FROM consultation_drafts')).toBeGreaterThan(0);
    db.exec('BEGIN IMMEDIATE');
    for (const statement of withRebuild.at(-1)!.sql) if (statement.trim()) db.exec(statement);
    expect(count(db, 'SELECT count(*) AS n FROM consultation_drafts')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM consultation_conflicts')).toBe(0);
    expect(count(db, `SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'consultations'`)).toBe(0);
    db.exec('ROLLBACK');
    db.close();
  });

  it('keeps every row, trigger and index of the laptop database, and the triggers keep working', () => {
    const file = filledFile('local.db');
    const before = new Database(file, { readonly: true });
    const rows = allRows(before);
    const objects = triggersAndIndexes(before);
    const found = search(before, 'bakery');
    before.close();
    expect(rows.consultation_drafts!.length).toBeGreaterThan(150);
    expect(rows.consultation_versions!.length).toBeGreaterThan(550);
    expect(rows.consultation_conflicts!.length).toBeGreaterThan(50);
    expect(rows.consultation_tombstones).toHaveLength(2);
    expect(rows.sync_outbox!.length).toBeGreaterThan(800); // each change once (0009_syncperf)
    expect(found).toBeGreaterThan(0);

    const db = openDatabase(file, { migrationsFolder: rebuild.folder });
    expect(db.migration).toEqual({ applied: 1, schemaVersion: latestSchemaVersion(withRebuild) });
    const sqlite = db.sqlite;
    expect(allRows(sqlite)).toEqual(rows);
    expect(triggersAndIndexes(sqlite)).toEqual(objects);
    expect(search(sqlite, 'bakery')).toBe(found);
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tableSql = (name: string) => (sqlite.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(name) as { sql: string }).sql;
    expect(tableSql('consultations')).toContain('consultations_version_not_negative');
    expect(tableSql('consultation_versions')).toContain('consultation_versions_note_length');

    // The restored triggers and cascades work: search, outbox, tombstones, delete cascade.
    const id = (rows.consultation_drafts![0] as { consultation_id: string }).consultation_id;
    sqlite.prepare(`DELETE FROM sync_outbox WHERE entity = 'consultation' AND entity_id = ?`).run(id);
    const outbox = count(sqlite, 'SELECT count(*) AS n FROM sync_outbox');
    sqlite.prepare(`UPDATE consultations SET contact_info = json_set(contact_info, '$.business_name', 'Quokka Quilts') WHERE id = ?`).run(id);
    expect(search(sqlite, 'quokka')).toBe(1);
    expect(count(sqlite, 'SELECT count(*) AS n FROM sync_outbox')).toBe(outbox + 1);
    expect(() => sqlite.prepare('UPDATE consultations SET current_version = -1 WHERE id = ?').run(id)).toThrow(/consultations_version_not_negative/);
    sqlite.prepare('DELETE FROM consultations WHERE id = ?').run(id);
    expect(count(sqlite, 'SELECT count(*) AS n FROM consultation_versions WHERE consultation_id = ?', id)).toBe(0);
    expect(count(sqlite, 'SELECT count(*) AS n FROM consultation_drafts WHERE consultation_id = ?', id)).toBe(0);
    expect(count(sqlite, 'SELECT count(*) AS n FROM consultation_tombstones WHERE id = ?', id)).toBe(1);
    expect(search(sqlite, 'quokka')).toBe(0);
    db.close();
  });

  it('keeps every row and index of a libSQL team database (which enforces foreign keys)', async () => {
    const local = new Database(filledFile('for-remote.db'), { readonly: true });
    const remote: Client = createClient({ url: `file:${join(work.dir, 'team.db')}` });
    try {
      await ensureRemoteSchema(remote, shipped);
      await copyToRemote(local, remote);
      const indexes = async () =>
        (await remote.execute(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY 1`)).rows.map((r) => String(r.name));
      const before = await remoteRows(remote);
      const indexesBefore = await indexes();
      expect(before.consultation_versions!.length).toBeGreaterThan(550);
      expect(before.consultation_drafts!.length).toBeGreaterThan(150);
      expect(before.consultation_conflicts!.length).toBeGreaterThan(50);
      expect(indexesBefore).toContain('idx_consultations_industry_urgency_updated');

      expect(await ensureRemoteSchema(remote, withRebuild)).toBe(latestSchemaVersion(withRebuild));
      expect(await remoteSchemaVersion(remote)).toBe(latestSchemaVersion(withRebuild));
      expect(await remoteRows(remote)).toEqual(before);
      expect(await indexes()).toEqual(indexesBefore);
      expect((await remote.execute('SELECT count(*) AS n FROM pragma_foreign_key_check')).rows[0]!.n).toBe(0);
      const sql = String((await remote.execute(`SELECT sql FROM sqlite_master WHERE name = 'consultations'`)).rows[0]!.sql);
      expect(sql).toContain('consultations_version_not_negative');
      // Foreign keys are on again for ordinary writes.
      await expect(
        remote.execute(
          `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, status, completion_percentage, created_at) VALUES ('x', 'nobody', 'nobody', 1, 'draft', 0, 't')`,
        ),
      ).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      remote.close();
      local.close();
    }
  });

  it('refuses, changing nothing, a step that would leave rows pointing at nothing', () => {
    const file = filledFile('orphans.db', 40);
    const before = new Database(file, { readonly: true });
    const rows = allRows(before);
    before.close();
    const orphaning = [
      ...shipped,
      { ...shipped[0]!, sql: [`DELETE FROM users WHERE name = 'Bo'`], hash: 'orphaning', folderMillis: latestSchemaVersion(shipped) + 1 },
    ];
    const db = new Database(file);
    expect(() => migrate(db, orphaning)).toThrow(/pointing at records that no longer exist\. Nothing was changed/);
    expect(allRows(db)).toEqual(rows);
    db.close();
  });

  it('on the team database too: a step that would leave rows pointing at nothing is rolled back', async () => {
    const local = new Database(filledFile('for-remote-orphans.db', 40), { readonly: true });
    const remote = createClient({ url: `file:${join(work.dir, 'team-orphans.db')}` });
    try {
      await ensureRemoteSchema(remote, shipped);
      await copyToRemote(local, remote);
      const before = await remoteRows(remote);
      const orphaning = [
        ...shipped,
        { ...shipped[0]!, sql: [`DELETE FROM users WHERE name = 'Bo'`], hash: 'orphaning', folderMillis: latestSchemaVersion(shipped) + 1 },
      ];
      await expect(ensureRemoteSchema(remote, orphaning)).rejects.toThrow(/would leave records pointing at nothing, so it was rolled back/);
      expect(await remoteRows(remote)).toEqual(before);
      expect(await remoteSchemaVersion(remote)).toBe(latestSchemaVersion(shipped));
    } finally {
      remote.close();
      local.close();
    }
  });

  it('on the team database, an edited or late-merged migration is refused in words, never skipped', async () => {
    const remote = createClient({ url: `file:${join(work.dir, 'team-history.db')}` });
    try {
      await ensureRemoteSchema(remote, shipped);
      const edited = shipped.map((m, i) => (i === 1 ? { ...m, hash: 'edited' } : m));
      await expect(ensureRemoteSchema(remote, edited)).rejects.toThrow(
        /edited after release\)\. Fieldbook stopped without changing anything\. Your work stays safe/,
      );
      const late = { ...shipped[0]!, sql: ['CREATE TABLE merged_late (x)'], hash: 'late', folderMillis: shipped[1]!.folderMillis + 1 };
      await expect(ensureRemoteSchema(remote, [...shipped.slice(0, 2), late, ...shipped.slice(2)])).rejects.toThrow(/older than steps already applied/);
      expect((await remote.execute(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'merged_late'`)).rows[0]!.n).toBe(0);
      expect(await remoteSchemaVersion(remote)).toBe(latestSchemaVersion(shipped));
    } finally {
      remote.close();
    }
  });
});
