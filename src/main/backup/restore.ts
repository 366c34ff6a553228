import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type LocalDatabase } from '../db/client';
import type { MigrationMeta } from '../db/migrate';
import { inspectBackup } from '../db/backupInspection';
import { ensurePrivateFile, ensurePrivateFolder } from '../db/privateFiles';
import { AppFailure } from '@shared/errors';

export { inspectBackup };

// Restoring a backup replaces everything the consultant has, so a file must prove itself first: a whole,
// sound SQLite file whose schema (tables, columns, indexes, triggers, views) is exactly what this app made
// at the backup's version, nothing extra (a planted trigger would run on the next autosave). It is then
// upgraded and the services are built over it while the live database is untouched; only then are the
// files swapped, and if opening the swapped file still fails, the previous file goes back in place.

const SIDECARS = ['-wal', '-shm', '-journal'];

const refuse = (message: string) => new AppFailure('validation', message);

function removeWithSidecars(file: string): void {
  for (const suffix of ['', ...SIDECARS]) rmSync(file + suffix, { force: true });
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
  /**
   * Stops every other connection that writes the live file (a pull worker, an import), their open transactions
   * rolled back: the file is renamed and its WAL removed, so a write after this would land in neither copy.
   */
  release?(): Promise<void>;
}

/** A backup as bytes (an upload, a listed backup) or as a file the consultant picked, copied, never read whole. */
export type BackupSource = Buffer | { file: string };

const SQLITE_HEADER = 'SQLite format 3\0';

/** Puts the backup at `incoming`; a picked file must start like an SQLite file before it is copied. */
function stage(source: BackupSource, incoming: string): void {
  if (Buffer.isBuffer(source)) {
    writeFileSync(incoming, source, { mode: 0o600 });
    return;
  }
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(source.file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) throw refuse('This file is not a Fieldbook backup. Your data is as it was.');
  copyFileSync(source.file, incoming);
  chmodSync(incoming, 0o600);
}

/** Replaces the live database with a checked backup; the replaced data is kept in backups/ first. */
export async function restoreBackup<S>(source: BackupSource, target: RestoreTarget<S>): Promise<{ consultations: number; safetyCopy: string }> {
  const { databaseFile, migrationsFolder } = target;
  const incoming = `${databaseFile}.restore-incoming`;
  const previous = `${databaseFile}.restore-previous`;
  removeWithSidecars(incoming);
  try {
    stage(source, incoming);
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
    await target.release?.();
    // From here to the swap nothing awaits: no other connection opens the file meanwhile.
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
