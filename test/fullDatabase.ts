import type Database from 'better-sqlite3';
import type { Client } from '@libsql/client';
import { seedConsultations } from '../bench/seed';

// A database with something in every table an upgrade could lose: two consultants, consultations with
// two versions each, drafts, unresolved conflicts, tombstones and the sync outbox the triggers filled
// (conflicts and tombstones from schema 0003 on).

export const OWNER = '01900000-0000-7000-8000-0000000000a1';
export const TEAMMATE = '01900000-0000-7000-8000-0000000000b2';

export function fillDatabase(sqlite: Database.Database, count: number): void {
  const t = '2026-01-01T00:00:00.000Z';
  const user = sqlite.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
  user.run(OWNER, 'Ada', 'ada@example.com', t, t);
  user.run(TEAMMATE, 'Bo', 'bo@example.com', t, t);
  const ids = [...seedConsultations(sqlite, OWNER, count - Math.floor(count / 4), 11), ...seedConsultations(sqlite, TEAMMATE, Math.floor(count / 4), 12)];
  sqlite.transaction(() => {
    const version = sqlite.prepare(`INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, business_context,
      pain_points, goals_objectives, status, completion_percentage, change_summary, changed_fields, note, created_at)
      SELECT ?, id, user_id, 2, json_set(contact_info, '$.phone', ?), business_context, pain_points, goals_objectives, status, completion_percentage,
      'Phone added', '["contact_info.phone"]', ?, ? FROM consultations WHERE id = ?`);
    const bump = sqlite.prepare(
      `UPDATE consultations SET current_version = 2, contact_info = json_set(contact_info, '$.phone', ?), updated_at = ? WHERE id = ?`,
    );
    const draft = sqlite.prepare(`INSERT INTO consultation_drafts (id, consultation_id, user_id, contact_info, business_context, pain_points, goals_objectives,
      auto_saved, draft_notes, has_changes, base_version, created_at, updated_at)
      SELECT ?, id, user_id, json_set(contact_info, '$.contact_person', ?), business_context, pain_points, goals_objectives, 1, ?, 1, 2, ?, ? FROM consultations WHERE id = ?`);
    const hasConflicts = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'consultation_conflicts'`).get();
    const conflict = sqlite.prepare(
      hasConflicts
        ? `INSERT INTO consultation_conflicts (id, consultation_id, field_path, base_value, our_value, their_value, created_at)
      VALUES (?, ?, 'contact_info.email', '"a@b.co"', '"ours@b.co"', '"theirs@b.co"', ?)`
        : 'SELECT ?, ?, ?',
    );
    ids.forEach((id, i) => {
      const n = String(i).padStart(6, '0');
      version.run(`v2-${n}`, `+44 20 7946 ${n}`, i % 3 ? null : `Call note ${n}`, t, id);
      bump.run(`+44 20 7946 ${n}`, t, id);
      if (i % 3 !== 2) draft.run(`draft-${n}`, `Typed ${n}`, `Private note ${n}`, t, t, id);
      if (i % 5 === 0) conflict.run(`conflict-${n}`, id, t);
    });
    // Deleted consultations leave tombstones (and outbox rows) through the triggers.
    sqlite.prepare('DELETE FROM consultations WHERE id IN (?, ?)').run(ids[1], ids[ids.length - 1]);
  })();
}

/** Every row of every table that holds data, in a stable order. */
export function allRows(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = (
    sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'consultations_fts%' AND name <> '__drizzle_migrations' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  return Object.fromEntries(tables.map((name) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]));
}

/** Names of every trigger and index, SQLite's own left out. */
export function triggersAndIndexes(sqlite: Database.Database): string[] {
  return (
    sqlite.prepare(`SELECT type || ' ' || name AS n FROM sqlite_master WHERE type IN ('trigger', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY 1`).all() as {
      n: string;
    }[]
  ).map((r) => r.n);
}

/** The tables a team database holds rows in. */
export const REMOTE_TABLES = ['users', 'consultations', 'consultation_versions', 'consultation_drafts', 'consultation_tombstones', 'consultation_conflicts'];

/** Copies the rows of the team tables from a filled laptop database into a team database of the same schema. */
export async function copyToRemote(local: Database.Database, remote: Client): Promise<void> {
  for (const table of REMOTE_TABLES) {
    const rows = local.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    if (!rows.length) continue;
    const columns = Object.keys(rows[0]!);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += 500) {
      await remote.batch(
        rows.slice(i, i + 500).map((row) => ({ sql, args: columns.map((c) => row[c] as string | number | null) })),
        'write',
      );
    }
  }
}

/** Every row of the team tables, in a stable order. */
export async function remoteRows(remote: Client): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of REMOTE_TABLES) out[table] = (await remote.execute(`SELECT * FROM ${table} ORDER BY 1`)).rows.map((r) => ({ ...r }));
  return out;
}
