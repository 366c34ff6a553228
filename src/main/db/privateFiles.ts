import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

// Client data is for the consultant's eyes only: on POSIX the data folder is 0700 and every database,
// backup and sidecar file 0600 (SQLite gives -wal/-shm the mode of the database). Windows keeps its ACLs.

const posix = process.platform !== 'win32';

/** Creates the folder (and parents) if needed and makes it private. */
export function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (posix && (statSync(folder).mode & 0o077) !== 0) chmodSync(folder, 0o700);
}

/** Creates the file empty if missing (before SQLite does, with its umask), and makes it private. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  if (posix && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
