// The HTTP-only entry: sync speaks HTTP (batches), so the app ships without libSQL's native engine.
import { createClient } from '@libsql/client/http';
import type { Client, InStatement, Row } from '@libsql/client';
import { AppFailure } from '@shared/errors';
import { syncUrlProblem } from '@shared/sync';

// The only module that knows the libSQL client: the rest of sync speaks these names.
export type RemoteClient = Client;
export type RemoteStatement = InStatement;
export type RemoteRow = Row;

export interface RemoteOptions {
  url: string;
  authToken?: string;
  /** Each request to the team database gives up after this long (a slow network must not hang sync). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
/** A request carrying more than the first batch's 64 KB (one big row on a slow link) gets extra time at this floor upload rate... */
export const FLOOR_UPLOAD_BYTES_PER_SECOND = 8 * 1024;
const FREE_BYTES = 64 * 1024;
/** ...but never more than this, so a silent server cannot hold sync (and quitting) for long. */
export const MAX_EXTRA_MS = 120_000;

/**
 * A libSQL client for the team database, over HTTP only (libsql://, https://, http:// to this computer):
 * every request, including reading the answer, is bounded by a timeout.
 */
export function createRemoteClient({ url, authToken, timeoutMs = DEFAULT_TIMEOUT_MS }: RemoteOptions): Client {
  const problem = syncUrlProblem(url);
  if (problem) throw new AppFailure('validation', problem);
  return createClient({
    url: url.replace(/^ws(s?):/i, 'http$1:'),
    authToken,
    // The client hands over a Request whose body is a stream: read it to know its size, then send it.
    fetch: async (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const body = request.body ? await request.arrayBuffer() : undefined;
      const extraMs = Math.min(MAX_EXTRA_MS, (Math.max(0, (body?.byteLength ?? 0) - FREE_BYTES) / FLOOR_UPLOAD_BYTES_PER_SECOND) * 1000);
      return fetch(request.url, { method: request.method, headers: request.headers, body, signal: AbortSignal.timeout(Math.ceil(timeoutMs + extraMs)) });
    },
  });
}
