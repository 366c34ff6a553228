import { Worker } from 'node:worker_threads';
import type { Incoming } from './pageApply';

/** What the pull worker answers for each page, in the order the pages were sent. */
export type PullWorkerMessage =
  { type: 'applied'; merged: number; conflicts: number; notices: string[] } | { type: 'failed'; message: string; code?: string; name?: string };

/** A setting written with a page, in the same commit: the pull's cursor, or the snapshot's place. */
export interface PageMark {
  key: string;
  value: unknown;
}

/** What the engine sends the pull worker: a checked page, or null to end it. */
export type PullWorkerPage = { incoming: Incoming; mark?: PageMark } | null;

export interface PullWorkerData {
  databaseFile: string;
  migrationsFolder: string;
  /** Longest one of its transactions runs (default WORKER_BUDGET_MS). */
  budgetMs?: number;
  /** WriterTurns.buffer of the main thread: its writes go before the worker's next transaction. */
  writers?: SharedArrayBuffer;
}

/**
 * The worker's transactions run this long: commits are what short transactions cost (a 10,000-consultation
 * pull took about 1.4× as long in 40 ms ones, paired bench runs); a main-thread write waits one step, not this.
 */
export const WORKER_BUDGET_MS = 250;

/** From TypeScript source (vitest, the bench, the preview under tsx) a script that loads tsx first; in the build, pullWorker.js beside index.js. */
export function pullWorkerEntry(moduleUrl: string = import.meta.url): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './pullWorkerFromSource.mjs' : './pullWorker.js', moduleUrl);
}

/**
 * Pull pages applied in a worker thread over its own connection to the same file (WAL lets both work): the
 * page's inserts, full-text indexing and merges hold that thread, not the main process's. Pages are applied
 * one after another in the order sent; a write here meanwhile waits for the worker's short transaction.
 */
export class OffThreadApply {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (value: { merged: number; conflicts: number; notices: string[] }) => void; reject: (error: Error) => void }[] = [];
  private gone: Error | null = null;

  /** `entry`: the worker's script (default: pullWorkerEntry()). */
  constructor(data: PullWorkerData, entry: URL = pullWorkerEntry()) {
    this.worker = new Worker(entry, { workerData: data });
    this.worker.on('message', (message: PullWorkerMessage) => {
      const next = this.waiting.shift();
      if (!next) return;
      if (message.type === 'applied') next.resolve({ merged: message.merged, conflicts: message.conflicts, notices: message.notices });
      // The error keeps its SQLite code (a full disk is described as one, see syncErrors.ts).
      else next.reject(Object.assign(new Error(message.message), { code: message.code, name: message.name ?? 'Error' }));
    });
    const fail = (error: Error) => {
      this.gone ??= error;
      for (const next of this.waiting.splice(0)) next.reject(this.gone);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`The pull worker stopped (exit code ${code}) before applying a page`)));
  }

  /**
   * Applies a page after those sent before it; `mark` (a setting: the pull's cursor) is written in the
   * transaction of its last step. Pages may be sent before the one before them landed; after a page failed,
   * the worker applies none that follow it (the cursor never passes a page that did not land).
   */
  apply(incoming: Incoming, mark?: PageMark): Promise<{ merged: number; conflicts: number; notices: string[] }> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ incoming, mark } satisfies PullWorkerPage);
    });
  }

  /** Ends the worker once the pages sent have landed (a page cut short by terminate() would be rolled back). */
  async close(): Promise<void> {
    if (!this.gone) {
      this.worker.postMessage(null);
      await new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    }
  }

  /** Stops it now: a page it was applying is rolled back, and its promise fails. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
