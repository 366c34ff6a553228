import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { AppFailure } from '@shared/errors';
import type { FilePayload } from '@shared/contract';
import { openDatabase } from '../db/client';
import { createServices } from '../services';
import { SummaryPdf } from '../pdf/summaryPdf';
import type { PdfPrinter } from '../pdf/pdfPrinter';
import { ExportsService } from './exportsService';
import { once } from 'node:events';
import { CHUNK, MORE, type ExportsJob, type TextChunk, type WorkerMessage } from './exportsJob';

// The exports worker: the same services and the same ExportsService as the main process, over its own
// connection to the same file (WAL lets both work), so a 20,000-consultation import or export never holds
// the main process's thread. One job per worker; it exits when done.

/** This worker makes no PDFs: asking it to is a programming error, said plainly. */
const noPrinter: PdfPrinter = {
  print: () => Promise.reject(new Error('The exports worker prints no PDFs')),
  close: () => Promise.resolve(),
};

const post = (message: WorkerMessage) => parentPort!.postMessage(message);

/** Progress at most every 1% of the file (and at its end): enough for a counter, few messages. */
function progressPoster() {
  let last = -1;
  return (done: number, total: number) => {
    const step = Math.max(1, Math.ceil(total / 100));
    if (done === total || last < 0 || done - last >= step) {
      last = done;
      post({ type: 'progress', done, total });
    }
  };
}

/** The import's text as the main thread sends it, in slices. */
function receiveText(): Promise<string> {
  const parts: string[] = [];
  return new Promise((resolve) => {
    const take = (chunk: TextChunk) => {
      parts.push(chunk.text);
      if (!chunk.last) return;
      parentPort!.off('message', take);
      resolve(parts.join(''));
    };
    parentPort!.on('message', take);
  });
}

async function run(job: ExportsJob) {
  const text = job.kind === 'import' ? await receiveText() : job.kind === 'importFile' ? readFileSync(job.path, 'utf8') : null;
  const database = openDatabase(job.databaseFile, { migrationsFolder: job.migrationsFolder });
  try {
    const core = createServices(database);
    const exports = new ExportsService(core.store, core.consultations, core.users, new SummaryPdf(noPrinter, ''));
    if (text === null) return exports.exportAllFile();
    return exports.importAll({ text }, progressPoster());
  } finally {
    database.close();
  }
}

/** The export's base64 a slice at a time, each when the main thread asks: one 40 MB message would hold it. */
async function sendExport(payload: FilePayload): Promise<void> {
  for (let at = 0; at < payload.base64.length; at += CHUNK) {
    post({ type: 'chunk', text: payload.base64.slice(at, at + CHUNK) });
    const [reply] = (await once(parentPort!, 'message')) as [unknown];
    if (reply !== MORE) throw new Error('The main thread stopped reading the export');
  }
  post({ type: 'done', value: { ...payload, base64: '' } });
}

try {
  const value = await run(workerData as ExportsJob);
  if ('base64' in value) await sendExport(value);
  else post({ type: 'done', value });
} catch (error) {
  if (error instanceof AppFailure) post({ type: 'failed', error: error.toValue() });
  else {
    const e = error as { message?: unknown; code?: unknown; stack?: unknown };
    post({
      type: 'crashed',
      message: String(e?.message ?? error),
      code: typeof e?.code === 'string' ? e.code : undefined,
      stack: typeof e?.stack === 'string' ? e.stack : undefined,
    });
  }
}
