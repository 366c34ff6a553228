import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './client';
import { findMigrationsFolder } from './migrate';
import { fillDatabase } from '../../../test/fullDatabase';
import { tempDir } from '../../../test/tempDatabase';
import { pendingChanges } from '../store/syncOutbox';

// Migration 0009_syncperf on a full laptop database whose outbox gathered duplicates while sync was off:
// duplicates are compacted (each change's first place, which keeps the push order, and its newest),
// the counter starts at the number of changes waiting, and from then on each change is queued once.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

/** The shipped migrations up to the one before this change. */
function migrationsBefore(dir: string): string {
  const folder = join(dir, 'migrations');
  cpSync(findMigrationsFolder(), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_syncperf'));
  expect(at).toBeGreaterThan(0);
  for (const e of journal.entries.slice(at)) rmSync(join(folder, `${e.tag}.sql`));
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

const all = (sqlite: Database.Database, sql: string, ...args: unknown[]) => sqlite.prepare(sql).all(...args) as Record<string, unknown>[];
const one = (sqlite: Database.Database, sql: string, ...args: unknown[]) => (sqlite.prepare(sql).get(...args) as { n: number }).n;

describe('migration 0009_syncperf (the outbox)', () => {
  it('compacts a full outbox, counts what waits, and queues each change once from then on', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = join(dir, 'full.db');
    const old = openDatabase(file, { migrationsFolder: migrationsBefore(dir) });
    fillDatabase(old.sqlite, 600);
    // Typing with sync off: every edit queued the consultation again.
    const ids = all(old.sqlite, 'SELECT id FROM consultations ORDER BY id LIMIT 50').map((r) => String(r.id));
    const touch = old.sqlite.prepare(`UPDATE consultations SET updated_at = ? WHERE id = ?`);
    for (let round = 0; round < 20; round += 1)
      old.sqlite.transaction(() => ids.forEach((id) => touch.run(`2026-02-01T00:00:${String(round).padStart(2, '0')}.000Z`, id)))();
    const before = all(old.sqlite, 'SELECT seq, entity, entity_id FROM sync_outbox ORDER BY seq');
    const distinct = one(old.sqlite, 'SELECT count(*) AS n FROM (SELECT DISTINCT entity, entity_id FROM sync_outbox)');
    const firsts = all(old.sqlite, 'SELECT min(seq) AS seq FROM sync_outbox GROUP BY entity, entity_id ORDER BY 1').map((r) => r.seq);
    expect(before.length).toBeGreaterThan(distinct + 900);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    const sqlite = db.sqlite;
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(pendingChanges(sqlite)).toBe(distinct);
    expect(one(sqlite, 'SELECT max(n) AS n FROM (SELECT count(*) AS n FROM sync_outbox GROUP BY entity, entity_id)')).toBeLessThanOrEqual(2);
    expect(all(sqlite, 'SELECT min(seq) AS seq FROM sync_outbox GROUP BY entity, entity_id ORDER BY 1').map((r) => r.seq)).toEqual(firsts);
    const rows = one(sqlite, 'SELECT count(*) AS n FROM sync_outbox');
    expect(rows).toBeLessThan(before.length);

    // From now on an edit to a waiting consultation adds nothing; a new one adds one, and is counted.
    sqlite.prepare(`UPDATE consultations SET updated_at = ? WHERE id = ?`).run('2026-03-01T00:00:00.000Z', ids[0]);
    expect(one(sqlite, 'SELECT count(*) AS n FROM sync_outbox')).toBe(rows);
    sqlite.prepare(`DELETE FROM sync_outbox WHERE entity = 'consultation' AND entity_id = ?`).run(ids[1]);
    expect(pendingChanges(sqlite)).toBe(distinct - 1);
    sqlite.prepare(`UPDATE consultations SET updated_at = ? WHERE id = ?`).run('2026-03-01T00:00:01.000Z', ids[1]);
    sqlite.prepare(`UPDATE consultations SET updated_at = ? WHERE id = ?`).run('2026-03-01T00:00:02.000Z', ids[1]);
    expect(pendingChanges(sqlite)).toBe(distinct);
    expect(one(sqlite, `SELECT count(*) AS n FROM sync_outbox WHERE entity = 'consultation' AND entity_id = ?`, ids[1])).toBe(1);
  }, 120_000);
});
