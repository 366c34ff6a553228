import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from './client';
import { appliedSchemaVersion, findMigrationsFolder, latestSchemaVersion, migrate, readMigrations } from './migrate';
import { tempDir } from '../../../test/tempDatabase';
import { newId, now } from '../clock';
import { objectsAt } from './schemaObjects';
import { normalizeSql } from './schemaShape';

const migrations = readMigrations(findMigrationsFolder());
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function file() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'fieldbook.db');
}

const tables = (db: Database.Database) =>
  (
    db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table','trigger','index') AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('migrations', () => {
  it('create the whole schema on an empty file, in WAL with foreign keys and a busy timeout', () => {
    const db = openDatabase(file());
    expect(db.migration.applied).toBe(migrations.length);
    expect(db.migration.schemaVersion).toBe(latestSchemaVersion(migrations));
    expect(tables(db.sqlite)).toEqual(
      expect.arrayContaining([
        'users',
        'consultations',
        'consultation_drafts',
        'consultation_versions',
        'app_settings',
        'consultations_fts',
        'consultation_search_keys',
        'consultations_fts_after_insert',
        'consultations_fts_after_update',
        'consultations_fts_before_delete',
        'idx_consultations_contact_business_name',
        'idx_consultations_business_industry',
        'idx_consultations_urgency',
        'idx_consultations_user_id',
        'idx_consultations_status',
        'idx_consultations_created_at',
        'idx_consultations_updated_at',
        'consultation_drafts_consultation_id_unique',
        'consultation_versions_consultation_version_unique',
      ]),
    );
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('are idempotent: reopening applies nothing and changes nothing', () => {
    const path = file();
    const first = openDatabase(path);
    const before = tables(first.sqlite);
    first.close();
    const again = openDatabase(path);
    expect(again.migration.applied).toBe(0);
    expect(tables(again.sqlite)).toEqual(before);
    expect((again.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(migrations.length);
    again.close();
  });

  it('upgrade a database left by an earlier migration, with its data, without loss', () => {
    const path = file();
    const old = new Database(path);
    migrate(old, migrations.slice(0, 1));
    const userId = newId();
    const ids = [newId(), newId()];
    const t = now();
    old.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(userId, 'Ada', 'ada@example.com', t, t);
    for (const [i, id] of ids.entries()) {
      old
        .prepare(`INSERT INTO consultations (id, user_id, contact_info, business_context, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(id, userId, JSON.stringify({ business_name: `Zephyr Optics ${i}` }), JSON.stringify({ industry: 'Retail' }), t, t);
    }
    old.close();

    const upgraded = openDatabase(path);
    expect(upgraded.migration.applied).toBe(migrations.length - 1);
    const rows = upgraded.sqlite.prepare('SELECT id FROM consultations ORDER BY id').all() as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());
    // The search index added by the later migration must cover rows that existed before it.
    const found = upgraded.sqlite
      .prepare(
        `SELECT k.consultation_id AS id FROM consultations_fts f JOIN consultation_search_keys k ON k.search_rowid = f.rowid WHERE consultations_fts MATCH 'zephyr'`,
      )
      .all();
    expect(found).toHaveLength(2);
    upgraded.close();
  });

  it('refuse a database written by a newer app, leaving it untouched', () => {
    const path = file();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', latestSchemaVersion(migrations) + 1);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/newer Fieldbook/);
    const check = new Database(path);
    expect(appliedSchemaVersion(check)).toBe(latestSchemaVersion(migrations) + 1);
    check.close();
  });

  it('roll back a migration that fails half way, leaving the previous schema', () => {
    const path = file();
    const db = new Database(path);
    const broken = [
      ...migrations,
      { ...migrations[0]!, folderMillis: latestSchemaVersion(migrations) + 1, sql: ['CREATE TABLE half_done (x)', 'THIS IS NOT SQL'], hash: 'x' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(appliedSchemaVersion(db)).toBe(0);
    expect(tables(db)).not.toContain('half_done');
    expect(tables(db)).not.toContain('consultations');
    db.close();
  });
});

describe('schema constraints', () => {
  function withUser() {
    const db = openDatabase(file());
    const userId = newId();
    const t = now();
    db.sqlite.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(userId, 'Ada', 'a@b.co', t, t);
    const insert = (columns: Record<string, unknown>) => {
      const row = { id: newId(), user_id: userId, created_at: t, updated_at: t, ...columns };
      const keys = Object.keys(row);
      return db.sqlite.prepare(`INSERT INTO consultations (${keys.join(',')}) VALUES (${keys.map(() => '?').join(',')})`).run(...Object.values(row));
    };
    return { db, userId, insert, t };
  }

  it('reject invalid JSON, non-object sections, unknown statuses and out-of-range completion', () => {
    const { db, insert } = withUser();
    expect(() => insert({ contact_info: '{not json' })).toThrow(/CHECK constraint failed: consultations_contact_info_json/);
    expect(() => insert({ pain_points: '[1,2]' })).toThrow(/consultations_pain_points_json/);
    expect(() => insert({ status: 'deleted' })).toThrow(/consultations_status_valid/);
    expect(() => insert({ completion_percentage: 101 })).toThrow(/consultations_completion_range/);
    expect(() => insert({ completion_percentage: -1 })).toThrow(/consultations_completion_range/);
    expect(() => insert({ user_id: newId() })).toThrow(/FOREIGN KEY/);
    expect(insert({}).changes).toBe(1);
    db.close();
  });

  it('keep one draft per consultation and unique version numbers, and cascade deletes', () => {
    const { db, userId, insert, t } = withUser();
    const cid = newId();
    insert({ id: cid });
    const draft = db.sqlite.prepare(
      'INSERT INTO consultation_drafts (id, consultation_id, user_id, base_version, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
    );
    draft.run(newId(), cid, userId, t, t);
    expect(() => draft.run(newId(), cid, userId, t, t)).toThrow(/UNIQUE/);
    const version = db.sqlite.prepare(
      `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, status, completion_percentage, created_at) VALUES (?, ?, ?, ?, 'draft', 0, ?)`,
    );
    version.run(newId(), cid, userId, 1, t);
    expect(() => version.run(newId(), cid, userId, 1, t)).toThrow(/UNIQUE/);
    db.sqlite.prepare('DELETE FROM consultations WHERE id = ?').run(cid);
    for (const table of ['consultation_drafts', 'consultation_versions', 'consultation_search_keys', 'consultations_fts']) {
      expect((db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
    db.close();
  });

  it('keep the full-text index in step on insert, update and delete, across all four sections', () => {
    const { db, insert } = withUser();
    const id = newId();
    insert({
      id,
      contact_info: JSON.stringify({ business_name: 'Café Lumière' }),
      pain_points: JSON.stringify({ primary_challenges: ['Slow checkout'] }),
      goals_objectives: JSON.stringify({ timeline: { milestones: ['Kiosk rollout'] } }),
    });
    const search = (q: string) =>
      (
        db.sqlite
          .prepare(
            `SELECT k.consultation_id AS id FROM consultations_fts f JOIN consultation_search_keys k ON k.search_rowid = f.rowid WHERE consultations_fts MATCH ?`,
          )
          .all(q) as { id: string }[]
      ).map((r) => r.id);
    expect(search('lumiere')).toEqual([id]); // diacritics folded
    expect(search('checkout')).toEqual([id]);
    expect(search('kiosk')).toEqual([id]);
    db.sqlite.prepare(`UPDATE consultations SET pain_points = ? WHERE id = ?`).run(JSON.stringify({ primary_challenges: ['Staff turnover'] }), id);
    expect(search('checkout')).toEqual([]);
    expect(search('turnover')).toEqual([id]);
    db.sqlite.prepare('VACUUM').run();
    expect(search('turnover')).toEqual([id]);
    db.sqlite.prepare('DELETE FROM consultations WHERE id = ?').run(id);
    expect(search('turnover')).toEqual([]);
    db.close();
  });
});

describe('migration history', () => {
  const rows = (db: Database.Database) => db.prepare('SELECT * FROM __drizzle_migrations ORDER BY id').all();

  it('refuses an applied step whose shipped file was edited, changing nothing', () => {
    const path = file();
    openDatabase(path).close();
    const db = new Database(path);
    const before = rows(db);
    const edited = migrations.map((m, i) => (i === 2 ? { ...m, sql: [...m.sql, 'CREATE INDEX late ON users (name)'], hash: 'edited' } : m));
    expect(() => migrate(db, edited)).toThrow(/edited after release\)\. Fieldbook stopped without changing anything/);
    expect(rows(db)).toEqual(before);
    expect(tables(db)).not.toContain('late');
    db.close();
  });

  it('refuses a shipped step older than the newest applied (merged late), never skipping it', () => {
    const path = file();
    openDatabase(path).close();
    const db = new Database(path);
    const late = { ...migrations[0]!, sql: ['CREATE TABLE merged_late (x)'], hash: 'late', folderMillis: migrations[2]!.folderMillis + 1 };
    const withLate = [...migrations.slice(0, 3), late, ...migrations.slice(3)];
    expect(() => migrate(db, withLate)).toThrow(/older than steps already applied .* Fieldbook stopped without changing anything/);
    expect(tables(db)).not.toContain('merged_late');
    expect(appliedSchemaVersion(db)).toBe(latestSchemaVersion(migrations));
    db.close();
  });

  it('refuses a database holding a step this app does not ship', () => {
    const path = file();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('branch', migrations[1]!.folderMillis + 5);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/upgrade step \(\d+\) this Fieldbook does not ship/);
  });

  it('refuses to upgrade a database carrying a trigger of its own, leaving it as it was', () => {
    const path = file();
    const old = new Database(path);
    migrate(old, migrations.slice(0, 3));
    old.exec(`CREATE TRIGGER planted AFTER UPDATE ON consultation_drafts BEGIN DELETE FROM consultation_versions; END`);
    old.close();
    expect(() => openDatabase(path)).toThrow(/extra trigger "planted"\)\. Nothing was changed/);
    const check = new Database(path);
    expect(appliedSchemaVersion(check)).toBe(migrations[2]!.folderMillis);
    expect(tables(check)).not.toContain('sync_outbox');
    check.close();
  });

  it('puts back a declared trigger an earlier run lost, in the next upgrade', () => {
    const path = file();
    const old = new Database(path);
    migrate(old, migrations.slice(0, 3));
    old.exec('DROP TRIGGER consultations_fts_after_update');
    old.close();
    const db = openDatabase(path);
    expect(tables(db.sqlite)).toContain('consultations_fts_after_update');
    db.close();
  });
});

describe('declared triggers and custom indexes (schemaObjects)', () => {
  it('are exactly the triggers and non-drizzle indexes of a fresh database, statement for statement', () => {
    const db = openDatabase(file());
    const fresh = db.sqlite
      .prepare(`SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL ORDER BY name`)
      .all() as { type: string; name: string; tbl: string; sql: string }[];
    const drizzleIndexes = new Set(migrations[0]!.sql.flatMap((s) => [...s.matchAll(/CREATE (?:UNIQUE )?INDEX `(\w+)`/g)].map((m) => m[1]!)));
    const custom = fresh.filter((o) => !drizzleIndexes.has(o.name));
    const declared = objectsAt(migrations.length - 1, 'local');
    expect(custom.map((o) => o.name).sort()).toEqual(declared.map((o) => o.name).sort());
    for (const object of declared) {
      const live = custom.find((o) => o.name === object.name)!;
      expect({ type: live.type, table: live.tbl, sql: normalizeSql(live.sql) }).toEqual({
        type: object.type,
        table: object.table,
        sql: normalizeSql(object.sql),
      });
    }
    db.close();
  });
});
