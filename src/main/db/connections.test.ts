import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type LocalDatabase } from './client';
import { findMigrationsFolder, migrate, readMigrations } from './migrate';
import { tempDir } from '../../../test/tempDatabase';
import { startTestHost } from '../../../test/testHost';

// What "Saved" means rests on the pragmas of the connection that wrote it: WAL, synchronous=FULL (each
// commit synced before it returns), foreign keys on, a busy timeout. Every writable connection the app
// opens goes through openDatabase; this checks that, and the pragmas of each connection it hands out.

const src = resolve(import.meta.dirname, '..', '..');
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function folder() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

function expectDurable(database: LocalDatabase) {
  const p = (name: string) => database.sqlite.pragma(name, { simple: true });
  expect({ journal: p('journal_mode'), synchronous: p('synchronous'), foreignKeys: p('foreign_keys'), busy: p('busy_timeout') }).toEqual({
    journal: 'wal',
    synchronous: 2,
    foreignKeys: 1,
    busy: 5000,
  });
}

describe('every connection', () => {
  it('is opened by openDatabase, except the read-only backup inspection and the in-memory schema reference', () => {
    const files = readdirSync(join(src, 'main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const opening = files
      .map((f) => ({ file: relative(src, join(src, 'main', f)), text: readFileSync(join(src, 'main', f), 'utf8') }))
      .filter(({ text }) => /new (Database|BetterSqlite3|Sqlite)\(|createClient\(\{ url: [`'"]file:/.test(text))
      .map(({ file, text }) => ({ file, calls: [...text.matchAll(/new (?:Database|BetterSqlite3|Sqlite)\(([^)]*)\)/g)].map((m) => m[1]) }));
    expect(opening).toEqual([
      { file: 'main/db/backupInspection.ts', calls: ['file, { readonly: true, fileMustExist: true }'] },
      { file: 'main/db/client.ts', calls: ['file, { readonly: options.readonly ?? false }'] },
      { file: 'main/db/migrate.ts', calls: [`':memory:'`] },
    ]);
  });

  it('from openDatabase is durable: on a new file, on reopening, and after an upgrade', () => {
    const file = join(folder(), 'fieldbook.db');
    const fresh = openDatabase(file);
    expectDurable(fresh);
    fresh.close();
    const again = openDatabase(file);
    expectDurable(again);
    again.close();
    const oldFile = join(folder(), 'old.db');
    const old = new Database(oldFile);
    migrate(old, readMigrations(findMigrationsFolder()).slice(0, 2));
    old.close();
    const upgraded = openDatabase(oldFile);
    expect(upgraded.migration.applied).toBeGreaterThan(0);
    expectDurable(upgraded); // the upgrade turns foreign keys off around its transaction, and back on
    upgraded.close();
  });

  it('of the app host is durable at start and after a restore', async () => {
    const dir = folder();
    const host = startTestHost(dir);
    try {
      expectDurable(host.services.database);
      const copy = join(folder(), 'copy.db');
      await host.services.backups.backupTo(copy);
      await host.restoreFrom(readFileSync(copy));
      expectDurable(host.services.database);
    } finally {
      host.close();
    }
  });

  it('would fail this check if durability were lowered', () => {
    const database = openDatabase(join(folder(), 'fieldbook.db'));
    database.sqlite.pragma('synchronous = NORMAL');
    expect(() => expectDurable(database)).toThrow();
    database.close();
  });
});
