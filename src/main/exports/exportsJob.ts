import type { AppError } from '@shared/errors';
import type { FilePayload } from '@shared/contract';
import type { ImportReport } from '@shared/exportFile';

// What the main process and the exports worker say to each other (types only: both sides import this).

/** One job per worker: the worker opens its own connection to `databaseFile`, runs the job, and exits. */
export type ExportsJob = { databaseFile: string; migrationsFolder: string } &
  /** The text follows as `TextChunk` messages: one 25 MB string cloned at once would hold the main thread. */
  ({ kind: 'import' } | { kind: 'importFile'; path: string } | { kind: 'export' });

/** Main to worker: the import's text, a slice at a time; `last` closes it. */
export interface TextChunk {
  text: string;
  last: boolean;
}

/** Main to worker: send the next chunk of the export. */
export const MORE = 'more';

/** Characters per message either way: cloning one slice takes a millisecond or two, then the thread serves others. */
export const CHUNK = 1 << 18;

export type JobResult<K extends ExportsJob['kind']> = K extends 'export' ? FilePayload : ImportReport;

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  /** A slice of the export's base64; the worker sends the next when the main thread answers `more`. */
  | { type: 'chunk'; text: string }
  /** For an export, `base64` is empty: it came in chunks. */
  | { type: 'done'; value: ImportReport | FilePayload }
  /** A refusal the service made: the same typed value the in-thread call would have thrown. */
  | { type: 'failed'; error: AppError }
  /** Anything else (a SQLite error keeps its code so the boundary can say "busy" or "disk full"). */
  | { type: 'crashed'; message: string; code?: string; stack?: string };
