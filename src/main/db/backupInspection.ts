import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { MigrationMeta } from 'drizzle-orm/migrator';
import { MIGRATIONS_TABLE, MigrationRefused, expectedShape, planMigrations, readApplied } from './migrate';
import { objectsAt } from './schemaObjects';
import { schemaShape, shapeDifferences } from './schemaShape';
import { AppFailure } from '@shared/errors';

// Before a backup may replace the consultant's data it must prove itself: a whole, sound SQLite file whose
// schema (tables, columns, indexes, triggers, views) is exactly what this app made at the backup's version,
// nothing extra (a planted trigger would run on the next autosave). Read-only: nothing here writes.

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const refuse = (message: string) => new AppFailure('validation', message);

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
      if (error instanceof MigrationRefused && error.reason === 'newer')
        throw refuse('This backup was made by a newer Fieldbook. Update the app to restore it.');
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
      ...objectsAt(step, 'local')
        .filter((o) => !shape.has(`${o.type} ${o.name}`))
        .map((o) => `${o.type} "${o.name}" is missing`),
    ].filter((p, i, all) => all.indexOf(p) === i);
    if (problems.length) {
      throw refuse(
        `This backup does not have the structure Fieldbook gives its databases (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}). Nothing was restored.`,
      );
    }
    if ((db.pragma('foreign_key_check') as unknown[]).length > 0)
      throw refuse('This backup has records that point at records it does not contain. Nothing was restored.');
    const { n } = db.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number };
    return { schemaVersion: newest, consultations: n };
  } finally {
    db.close();
  }
}
