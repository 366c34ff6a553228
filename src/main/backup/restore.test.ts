import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AppHost } from '../appHost';
import { openDatabase, type LocalDatabase } from '../db/client';
import { findMigrationsFolder, latestSchemaVersion, migrate, readMigrations } from '../db/migrate';
import { createServices } from '../services';
import { recoverInterruptedRestore, restoreBackup } from './restore';
import { allRows, fillDatabase, triggersAndIndexes } from '../../../test/fullDatabase';
import { tempDir } from '../../../test/tempDatabase';
import { startTestHost } from '../../../test/testHost';

const require = createRequire(import.meta.url);
const migrationsFolder = findMigrationsFolder();
const migrations = readMigrations(migrationsFolder);
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function folder() {
  const t = tempDir('fieldbook-restore-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function host(): { host: AppHost; dir: string } {
  const dir = folder();
  const h = startTestHost(dir);
  cleanups.unshift(() => h.close());
  return { host: h, dir };
}
/** Every file under the data folder, with its size, so a refused restore can be seen to leave nothing behind. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/fieldbook\.db-(wal|shm)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(dir.length))
    .sort();
}
/** A Fieldbook database file made by the migrations up to `steps`, filled, then changed by `tamper`. */
function backupBytes(tamper: (db: Database.Database) => void = () => {}, steps = migrations.length, rows = 30): Buffer {
  const file = join(folder(), 'made.db');
  const db = new Database(file);
  migrate(db, migrations.slice(0, steps));
  db.pragma('foreign_keys = ON');
  fillDatabase(db, rows);
  db.pragma('foreign_keys = OFF');
  tamper(db);
  db.close();
  return readFileSync(file);
}
const mode = (path: string) => statSync(path).mode & 0o777;

describe('restore', () => {
  it('replaces the data with a good backup, keeps the replaced data as a private safety copy, leaves no stray files', async () => {
    const { host: h, dir } = host();
    fillDatabase(h.services.database.sqlite, 12);
    const replaced = allRows(h.services.database.sqlite);
    const bytes = backupBytes();
    const expected = new Database(bytes);
    const result = await h.restoreFrom(bytes);
    expect(result.consultations).toBe(28);
    expect(allRows(h.services.database.sqlite)).toEqual(allRows(expected));
    expected.close();
    const copy = join(folder(), 'safety.db'); // opened elsewhere: opening it in place would add -wal/-shm next to it
    copyFileSync(result.safetyCopy, copy);
    const safety = new Database(copy, { readonly: true });
    expect(allRows(safety)).toEqual(replaced);
    safety.close();
    expect(listing(dir)).toEqual(['/backups/' + result.safetyCopy.split('/').pop(), '/fieldbook.db']);
    if (process.platform !== 'win32') {
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'backups'))).toBe(0o700);
      expect(mode(join(dir, 'fieldbook.db'))).toBe(0o600);
      expect(mode(result.safetyCopy)).toBe(0o600);
    }
  });

  it('upgrades a backup made by an older Fieldbook, with its triggers and search working', async () => {
    const { host: h } = host();
    const result = await h.restoreFrom(backupBytes(undefined, 2));
    expect(result.consultations).toBe(28);
    const sqlite = h.services.database.sqlite;
    expect(h.services.database.migration.schemaVersion).toBe(latestSchemaVersion(migrations));
    const fresh = openDatabase(join(folder(), 'fresh.db'));
    expect(triggersAndIndexes(sqlite)).toEqual(triggersAndIndexes(fresh.sqlite));
    fresh.close();
    expect(
      (sqlite.prepare(`SELECT count(*) AS n FROM consultations_fts WHERE consultations_fts MATCH 'phone OR bakery OR optics OR studio'`).get() as { n: number })
        .n,
    ).toBeGreaterThan(0);
  });

  const hostile: [string, () => Buffer, RegExp][] = [
    ['not SQLite', () => Buffer.from('just some text, not a database '.repeat(20)), /not a database/],
    [
      'truncated',
      () => {
        const b = backupBytes();
        return b.subarray(0, Math.floor(b.length / 2));
      },
      /incomplete \(the file was cut short/,
    ],
    [
      'a newer schema',
      () => backupBytes((db) => db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', 9_999_999_999_999)),
      /newer Fieldbook/,
    ],
    ['an edited history', () => backupBytes((db) => db.exec(`UPDATE __drizzle_migrations SET hash = 'x' WHERE id = 2`)), /schema this Fieldbook does not know/],
    [
      'wrong columns',
      () => backupBytes((db) => db.exec('DROP TABLE consultations; CREATE TABLE consultations (id text PRIMARY KEY)')),
      /table "consultations" has columns \(id\) instead of \(id, user_id/,
    ],
    [
      'an extra trigger',
      () => backupBytes((db) => db.exec('CREATE TRIGGER planted AFTER UPDATE ON consultation_drafts BEGIN DELETE FROM consultation_versions; END')),
      /extra trigger "planted"/,
    ],
    ['an extra view', () => backupBytes((db) => db.exec('CREATE VIEW everything AS SELECT * FROM consultations')), /extra view "everything"/],
    [
      'a changed trigger',
      () =>
        backupBytes((db) =>
          db.exec(
            `DROP TRIGGER sync_versions_insert; CREATE TRIGGER sync_versions_insert AFTER INSERT ON consultation_versions BEGIN DELETE FROM consultation_drafts; END`,
          ),
        ),
      /trigger "sync_versions_insert" is defined differently/,
    ],
    [
      'a missing trigger',
      () => backupBytes((db) => db.exec('DROP TRIGGER consultations_fts_after_update')),
      /trigger "consultations_fts_after_update" is missing/,
    ],
    [
      'a missing index',
      () => backupBytes((db) => db.exec('DROP INDEX idx_consultations_urgency_updated')),
      /index "idx_consultations_urgency_updated" is missing/,
    ],
    [
      'versions of a consultation it does not contain',
      () => backupBytes((db) => db.exec(`DELETE FROM consultations WHERE rowid IN (SELECT rowid FROM consultations LIMIT 1)`)),
      /point at records it does not contain/,
    ],
    [
      'a foreign database',
      () => {
        const f = join(folder(), 'f.db');
        const d = new Database(f);
        d.exec('CREATE TABLE notes (x)');
        d.close();
        return readFileSync(f);
      },
      /not a Fieldbook backup/,
    ],
  ];

  it.each(hostile)('refuses a backup with %s, in words, changing nothing and leaving no files', async (_name, make, message) => {
    const { host: h, dir } = host();
    fillDatabase(h.services.database.sqlite, 12);
    const before = allRows(h.services.database.sqlite);
    const files = listing(dir);
    const bytes = make();
    await expect(h.restoreFrom(bytes)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(message) });
    expect(allRows(h.services.database.sqlite)).toEqual(before);
    expect(listing(dir)).toEqual(files);
    expect(readdirSync(dir).filter((f) => /restore|-wal$|-shm$/.test(f) && !f.startsWith('fieldbook.db-'))).toEqual([]);
    // The app still works on its own data.
    expect(() => h.services.database.sqlite.prepare(`UPDATE consultations SET updated_at = updated_at`).run()).not.toThrow();
  });

  it('puts the previous database back if the services cannot be built over the restored one after the swap', async () => {
    const dir = folder();
    const databaseFile = join(dir, 'fieldbook.db');
    let current: LocalDatabase = openDatabase(databaseFile);
    fillDatabase(current.sqlite, 9);
    const before = allRows(current.sqlite);
    let builds = 0;
    const adopted: LocalDatabase[] = [];
    const error = await restoreBackup(backupBytes(), {
      databaseFile,
      backupsFolder: join(dir, 'backups'),
      migrationsFolder,
      migrations,
      current,
      build: (db) => {
        builds += 1;
        if (builds === 2) throw new Error('disk went away');
        return createServices(db);
      },
      adopt: (db) => {
        adopted.push(db);
        current = db;
      },
    }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/could not be put in place \(disk went away\)\. Your data is as it was/),
    });
    expect(builds).toBe(3); // trial, the failed one after the swap, and the previous database again
    expect(adopted).toHaveLength(1);
    expect(allRows(current.sqlite)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes('restore'))).toEqual([]);
    current.close();
  });

  it('stops the other writers of the file before the swap: every commit of a thread writing meanwhile is in the safety copy, which is whole', async () => {
    const dir = folder();
    const databaseFile = join(dir, 'fieldbook.db');
    let current: LocalDatabase = openDatabase(databaseFile);
    fillDatabase(current.sqlite, 5);
    current.sqlite.exec('CREATE TABLE marks (n INTEGER NOT NULL)');
    // A thread with its own connection (as the pull worker has) commits a row after row, counting its commits.
    const committed = new Int32Array(new SharedArrayBuffer(4));
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads');
      const Database = require(workerData.module);
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 5000');
      const insert = db.prepare('INSERT INTO marks (n) VALUES (?)');
      for (let n = 1; ; n += 1) { insert.run(n); Atomics.store(workerData.committed, 0, n); }`,
      { eval: true, workerData: { file: databaseFile, module: require.resolve('better-sqlite3'), committed } },
    );
    cleanups.push(() => void writer.terminate());
    while (Atomics.load(committed, 0) < 200) await new Promise((resolve) => setTimeout(resolve, 5));
    let stoppedAt = -1;
    const { safetyCopy } = await restoreBackup(backupBytes(), {
      databaseFile,
      backupsFolder: join(dir, 'backups'),
      migrationsFolder,
      migrations,
      current,
      build: (db) => createServices(db),
      adopt: (db) => {
        current = db;
      },
      release: async () => {
        await writer.terminate();
        stoppedAt = Atomics.load(committed, 0);
      },
    });
    const copy = new Database(safetyCopy, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every commit up to the stop, in order (the last commit may have landed just before its count was stored).
    const marks = copy.prepare('SELECT count(*) AS n, max(n) AS last FROM marks').get() as { n: number; last: number };
    expect(marks.n).toBe(marks.last);
    expect(marks.last - stoppedAt).toBeGreaterThanOrEqual(0);
    expect(marks.last - stoppedAt).toBeLessThanOrEqual(1);
    copy.close();
    current.close();
  });

  it('at start, puts back the data a restore killed between its two renames left aside', () => {
    const dir = folder();
    const file = join(dir, 'fieldbook.db');
    writeFileSync(`${file}.restore-previous`, 'data');
    recoverInterruptedRestore(file, join(dir, 'backups'));
    expect(readFileSync(file, 'utf8')).toBe('data');
    expect(existsSync(`${file}.restore-previous`)).toBe(false);
    recoverInterruptedRestore(file, join(dir, 'backups')); // nothing to do, nothing changed
    expect(readFileSync(file, 'utf8')).toBe('data');
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('at start, after a restore killed past its second rename, keeps the restored file and moves the replaced one to backups', () => {
    const dir = folder();
    const file = join(dir, 'fieldbook.db');
    writeFileSync(file, 'restored');
    writeFileSync(`${file}.restore-previous`, 'replaced');
    recoverInterruptedRestore(file, join(dir, 'backups'));
    expect(readFileSync(file, 'utf8')).toBe('restored');
    const kept = readdirSync(join(dir, 'backups'));
    expect(kept).toEqual([expect.stringMatching(/^before-restore-\d+-interrupted\.db$/)]);
    expect(readFileSync(join(dir, 'backups', kept[0]!), 'utf8')).toBe('replaced');
    expect(existsSync(`${file}.restore-previous`)).toBe(false);
  });
});
