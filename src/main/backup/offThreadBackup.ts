import { Worker } from 'node:worker_threads';

// SQLite's online backup in a worker thread (backupWorker.ts): the main process only waits for a message,
// so the daily backup of a 3 GB database (14.5 s of stepping on the main thread before) blocks no window.

export interface BackupJob {
  databaseFile: string;
  target: string;
}

export type BackupMessage = { type: 'done'; pages: number } | { type: 'failed'; message: string; code?: string };

/** The worker's entry next to this module: from source a tsx loader, in the build backupWorker.js beside index.js. */
export function backupWorkerEntry(moduleUrl: string = import.meta.url): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './backupWorkerFromSource.mjs' : './backupWorker.js', moduleUrl);
}

/** Copies the database at `databaseFile` to `target` (a new file) from a worker; resolves with the pages copied. */
export function backupOffThread(databaseFile: string, target: string): Promise<number> {
  const workerData: BackupJob = { databaseFile, target };
  const worker = new Worker(backupWorkerEntry(), { workerData });
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      done();
    };
    worker.on('message', (message: BackupMessage) => {
      if (message.type === 'done') settle(() => resolve(message.pages));
      else settle(() => reject(Object.assign(new Error(message.message), { code: message.code })));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`The backup worker stopped (exit code ${code}) before answering`))));
  });
}
