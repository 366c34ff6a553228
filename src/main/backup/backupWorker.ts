import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client';
import type { BackupJob, BackupMessage } from './offThreadBackup';

// The backup worker: its own read-only connection to the live file copies it with SQLite's online backup,
// all remaining pages in one step, so a 3 GB database never holds the main process's event loop and
// writes from other connections cannot make it start over between small steps. One job per worker.

const job = workerData as BackupJob;
const post = (message: BackupMessage) => parentPort!.postMessage(message);

try {
  const database = openDatabase(job.databaseFile, { readonly: true });
  try {
    // better-sqlite3 runs a first step of 100 pages; the number returned here is the size of every later step.
    const result = await database.sqlite.backup(job.target, { progress: () => 0x7fffffff });
    post({ type: 'done', pages: result.totalPages });
  } finally {
    database.close();
  }
} catch (error) {
  const e = error as Error & { code?: string };
  post({ type: 'failed', message: e.message, code: e.code });
}
