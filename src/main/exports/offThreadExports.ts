import { Worker } from 'node:worker_threads';
import { AppFailure } from '@shared/errors';
import type { FilePayload, ParsedInput } from '@shared/contract';
import type { ImportReport } from '@shared/exportFile';
import { CHUNK, MORE, type ExportsJob, type JobResult, type TextChunk, type WorkerMessage } from './exportsJob';

export type ImportProgress = (progress: { done: number; total: number }) => void;

/**
 * The worker's entry, next to this module: from TypeScript source (vitest, the preview under tsx) a small
 * script that loads tsx first; in the build, exportsWorker.js beside out/main/index.js (electron.vite.config.ts
 * builds it as a second input).
 */
export function exportsWorkerEntry(moduleUrl: string = import.meta.url): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './exportsWorkerFromSource.mjs' : './exportsWorker.js', moduleUrl);
}

/** The import's text, a slice per turn of the event loop, so other windows' calls are served in between. */
async function sendText(worker: Worker, text: string): Promise<void> {
  for (let at = 0; ; at += CHUNK) {
    const last = at + CHUNK >= text.length;
    const chunk: TextChunk = { text: text.slice(at, at + CHUNK), last };
    worker.postMessage(chunk);
    if (last) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A worker ended without answering (killed, out of memory): the boundary turns this into "internal". */
class WorkerGone extends Error {}

/** A job close() stopped (a backup being restored, the app closing): its transaction never committed. */
const stoppedJob = (writes: boolean) =>
  new AppFailure(
    'unavailable',
    writes
      ? 'The import was stopped before it finished (a backup was restored or the app was closing); nothing of it was saved. Import the file again.'
      : 'The export was stopped before it finished (a backup was restored or the app was closing). Export again.',
  );

/**
 * JSON import and JSON export in a worker thread with its own connection, so the main process keeps serving
 * every window meanwhile. Same rules, same results, same typed refusals as ExportsService in the thread.
 */
export class OffThreadExports {
  private readonly running = new Set<Worker>();

  private imports = 0;

  /** Workers close() stopped: their callers hear why, in words, rather than "something went wrong". */
  private readonly stopped = new WeakSet<Worker>();

  constructor(
    private readonly options: {
      databaseFile: string;
      migrationsFolder: string;
      progress?: ImportProgress;
      /** Told when the first import starts and the last one ends: meanwhile the worker holds the write lock. */
      importing?: (running: boolean) => void;
    },
  ) {}

  importAll(input: ParsedInput<'exports.importJson'>, progress?: ImportProgress): Promise<ImportReport> {
    return this.run({ kind: 'import' }, progress, input.text);
  }

  /** The same import, the worker reading the file itself (the text never enters the main thread). */
  importFile(path: string, progress?: ImportProgress): Promise<ImportReport> {
    return this.run({ kind: 'importFile', path }, progress);
  }

  exportAllFile(): Promise<FilePayload> {
    return this.run({ kind: 'export' });
  }

  /** Stops jobs still running: their transaction never commits, so an import leaves nothing behind. */
  async close(): Promise<void> {
    for (const worker of this.running) this.stopped.add(worker);
    await Promise.all([...this.running].map((w) => w.terminate()));
  }

  private run<K extends ExportsJob['kind']>(
    job: { kind: K } & Omit<Extract<ExportsJob, { kind: K }>, 'databaseFile' | 'migrationsFolder'>,
    progress?: ImportProgress,
    text?: string,
  ): Promise<JobResult<K>> {
    const workerData = { ...job, databaseFile: this.options.databaseFile, migrationsFolder: this.options.migrationsFolder };
    const worker = new Worker(exportsWorkerEntry(), { workerData });
    this.running.add(worker);
    const writes = job.kind !== 'export';
    if (writes && this.imports++ === 0) this.options.importing?.(true);
    if (text !== undefined) void sendText(worker, text);
    return new Promise<JobResult<K>>((resolve, reject) => {
      let settled = false;
      // The export's base64 arrives in slices; a rope of them is flattened once, by whoever reads it.
      let base64 = '';
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        this.running.delete(worker);
        if (writes && --this.imports === 0) this.options.importing?.(false);
        done();
      };
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'progress': {
            const value = { done: message.done, total: message.total };
            progress?.(value);
            this.options.progress?.(value);
            return;
          }
          case 'chunk':
            base64 += message.text;
            worker.postMessage(MORE);
            return;
          case 'done':
            return settle(() => resolve(('base64' in message.value ? { ...message.value, base64 } : message.value) as JobResult<K>));
          case 'failed':
            return settle(() => reject(new AppFailure(message.error.code, message.error.message, message.error.issues)));
          case 'crashed':
            return settle(() => reject(Object.assign(new Error(message.message), { code: message.code, stack: message.stack })));
        }
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) =>
        settle(() => reject(this.stopped.has(worker) ? stoppedJob(writes) : new WorkerGone(`The exports worker stopped (exit code ${code}) before answering`))),
      );
    });
  }
}
