import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MigrationMeta } from 'drizzle-orm/migrator';
import { openDatabase, type LocalDatabase } from '../db/client';
import { MIGRATIONS_TABLE, MigrationRefused, expectedShape, planMigrations, readApplied } from '../db/migrate';
import { objectsAt } from '../db/schemaObjects';
import { schemaShape, shapeDifferences } from '../db/schemaShape';
import { ensurePrivateFile, ensurePrivateFolder } from '../db/privateFiles';
import { AppFailure } from '../../shared/errors';

// Restoring a backup replaces everything the consultant has, so a file must prove itself first: a whole,
// sound SQLite file whose schema (tables, columns, indexes, triggers, views) is exactly what this app made
// at the backup's version, nothing extra (a planted trigger would run on the next autosave). It is then
// upgraded and the services are built over it while the live database is untouched; only then are the
// files swapped, and if opening the swapped file still fails, the previous file goes back in place.

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const SIDECARS = ['-wal', '-shm', '-journal'];

const refuse = (message: string) => new AppFailure('validation', message);

function removeWithSidecars(file: string): void {
  for (const suffix of ['', ...SIDECARS]) rmSync(file + suffix, { force: true });
}

/** The SQLite header says how long the file must be; a cut-short download or copy is shorter. */
function checkHeader(file: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || !header.subarray(0, 16).equals(SQLITE_HEADER)) throw refuse('This file is not a database. Choose a Fieldbook backup (.db).');
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  if (pages > 0 && statSync(file).size < pageSize * pages) {
    throw refuse('This backup is incomplete (the file was cut short, for example by an interrupted copy). Nothing was restored.');
  }
}

/** Checks a file before it may replace the live database; throws a message a person understands. */
export function inspectBackup(file: string, migrations: readonly MigrationMeta[]): { schemaVersion: number; consultations: number } {
  checkHeader(file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    throw refuse('This file cannot be opened as a database. Choose a Fieldbook backup.');
  }
  try {
    let tables: string[];
    try {
      tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    } catch {
      throw refuse('This file is not a database, or it is damaged. Choose a Fieldbook backup (.db).');
    }
    if (!tables.includes(MIGRATIONS_TABLE) || !tables.includes('consultations')) throw refuse('This database is not a Fieldbook backup.');
    const applied = readApplied(db);
    try {
      planMigrations(applied, migrations, 'This backup');
    } catch (error) {
      if (error instanceof MigrationRefused && error.reason === 'newer') throw refuse('This backup was made by a newer Fieldbook. Update the app to restore it.');
      if (error instanceof MigrationRefused) throw refuse(`This backup has a schema this Fieldbook does not know. ${error.message}`);
      throw error;
    }
    let integrity: unknown;
    try {
      integrity = db.pragma('integrity_check', { simple: true });
    } catch {
      integrity = 'unreadable';
    }
    if (integrity !== 'ok') throw refuse('This backup is damaged (it fails SQLite’s integrity check). Nothing was restored.');
    const newest = Math.max(...applied.map((m) => m.createdAt));
    const step = migrations.findIndex((m) => m.folderMillis === newest);
    const shape = schemaShape(db);
    const problems = [
      ...shapeDifferences(shape, expectedShape(migrations, step)),
      ...objectsAt(step, 'local').filter((o) => !shape.has(`${o.type} ${o.name}`)).map((o) => `${o.type} "${o.name}" is missing`),
    ].filter((p, i, all) => all.indexOf(p) === i);
    if (problems.length) {
      throw refuse(`This backup does not have the structure Fieldbook gives its databases (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}). Nothing was restored.`);
    }
    if ((db.pragma('foreign_key_check') as unknown[]).length > 0) throw refuse('This backup has records that point at records it does not contain. Nothing was restored.');
    const { n } = db.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number };
    return { schemaVersion: newest, consultations: n };
  } finally {
    db.close();
  }
}

export interface RestoreTarget<S> {
  databaseFile: string;
  backupsFolder: string;
  migrationsFolder: string;
  migrations: readonly MigrationMeta[];
  /** The database open now; it is closed only once the backup is proven to open and serve. */
  current: LocalDatabase;
  /** Builds the services over a database (throws if it cannot serve). */
  build(database: LocalDatabase): S;
  /** Takes the new (or, after a failure, the reopened previous) database and its services. */
  adopt(database: LocalDatabase, services: S): void;
}

/** Replaces the live database with a checked backup; the replaced data is kept in backups/ first. */
export async function restoreBackup<S>(bytes: Buffer, target: RestoreTarget<S>): Promise<{ consultations: number; safetyCopy: string }> {
  const { databaseFile, migrationsFolder } = target;
  const incoming = `${databaseFile}.restore-incoming`;
  const previous = `${databaseFile}.restore-previous`;
  removeWithSidecars(incoming);
  writeFileSync(incoming, bytes, { mode: 0o600 });
  try {
    const { consultations } = inspectBackup(incoming, target.migrations);
    // Upgrade the backup and build the services over it while the live database is untouched.
    let trial: LocalDatabase | null = null;
    try {
      trial = openDatabase(incoming, { migrationsFolder });
      target.build(trial);
    } catch (error) {
      if (error instanceof AppFailure) throw error;
      throw refuse(`This backup could not be opened (${(error as Error).message}). Your data is as it was.`);
    } finally {
      trial?.close();
    }
    ensurePrivateFolder(target.backupsFolder);
    const safetyCopy = join(target.backupsFolder, `before-restore-${Date.now()}.db`);
    target.current.close();
    try {
      removeWithSidecars(previous);
      renameSync(databaseFile, previous);
      for (const suffix of SIDECARS) rmSync(databaseFile + suffix, { force: true });
      // Copied after the close: the safety copy is exactly what was replaced, up to the last autosave.
      copyFileSync(previous, safetyCopy);
      ensurePrivateFile(safetyCopy);
      renameSync(incoming, databaseFile);
      const database = openDatabase(databaseFile, { migrationsFolder });
      try {
        target.adopt(database, target.build(database));
      } catch (error) {
        database.close();
        throw error;
      }
    } catch (error) {
      // Put the previous database back: a restore must never leave the app without its data.
      if (existsSync(previous)) {
        removeWithSidecars(databaseFile);
        renameSync(previous, databaseFile);
      }
      const database = openDatabase(databaseFile, { migrationsFolder });
      target.adopt(database, target.build(database));
      throw refuse(`This backup could not be put in place (${(error as Error).message}). Your data is as it was.`);
    }
    removeWithSidecars(previous);
    return { consultations, safetyCopy };
  } finally {
    removeWithSidecars(incoming);
  }
}

/**
 * At start, after a restore was killed: between its two renames the data is only in `.restore-previous`,
 * so it goes back in place; after the second, the checked backup is in place and the replaced file (also
 * in the safety copy, made before) moves to the backups folder rather than being deleted.
 */
export function recoverInterruptedRestore(databaseFile: string, backupsFolder: string): void {
  const previous = `${databaseFile}.restore-previous`;
  if (!existsSync(previous)) return;
  if (!existsSync(databaseFile)) {
    renameSync(previous, databaseFile);
    return;
  }
  ensurePrivateFolder(backupsFolder);
  renameSync(previous, join(backupsFolder, `before-restore-${Date.now()}-interrupted.db`));
}
