import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client';
import { ConsultationStore } from '../store/consultationStore';
import { SyncOutbox } from '../store/syncOutbox';
import { SettingsStore } from '../store/settingsStore';
import { PageApply } from './pageApply';
import { keepNotice, listRefused } from './syncNotes';
import { WORKER_BUDGET_MS, type PullWorkerData, type PullWorkerMessage, type PullWorkerPage } from './offThreadApply';
import { writerTurnsInWorker } from '../db/writerTurns';

// The pull worker: applies the pages the sync engine checked, with the same PageApply as the main thread,
// over its own connection. One page at a time, in the order they arrive, each with its cursor; null ends it.

const data = workerData as PullWorkerData;
const database = openDatabase(data.databaseFile, { migrationsFolder: data.migrationsFolder });
const local = { store: new ConsultationStore(database), outbox: new SyncOutbox(database) };
const settings = new SettingsStore(database.db);
let notices: string[] = [];
const pages = new PageApply({
  local: () => local,
  settings,
  budgetMs: data.budgetMs ?? WORKER_BUDGET_MS,
  writers: data.writers ? writerTurnsInWorker(data.writers) : undefined,
  notify: (message) => {
    notices.push(message);
    keepNotice(settings, message);
  },
  quarantine: (error) => listRefused(settings, error),
});
const post = (message: PullWorkerMessage) => parentPort!.postMessage(message);

let queue = Promise.resolve();
/** A page that failed: the pages sent after it are not applied (their cursor would pass it). */
let failed: string | null = null;
parentPort!.on('message', (page: PullWorkerPage) => {
  queue = queue.then(async () => {
    if (page === null) {
      // No checkpoint here: the main connection folds the WAL back when the app closes.
      database.sqlite.close();
      parentPort!.close();
      return;
    }
    notices = [];
    if (failed !== null) return post({ type: 'failed', message: `Not applied: an earlier page failed (${failed})` });
    const { incoming, mark } = page;
    try {
      const applied = await pages.apply(incoming, mark ? () => settings.set(mark.key, mark.value) : undefined);
      post({ type: 'applied', ...applied, notices });
    } catch (error) {
      const e = error as { message?: unknown; code?: unknown; name?: unknown };
      failed = String(e?.message ?? error);
      post({
        type: 'failed',
        message: String(e?.message ?? error),
        code: typeof e?.code === 'string' ? e.code : undefined,
        name: typeof e?.name === 'string' ? e.name : undefined,
      });
    }
  });
});
