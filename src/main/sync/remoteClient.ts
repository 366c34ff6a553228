import { createRequire } from 'node:module';
import { createClient, type Client } from '@libsql/client/http';
import { AppFailure } from '../../shared/errors';

export interface RemoteOptions {
  url: string;
  authToken?: string;
  /** Each request to the team database gives up after this long (a slow network must not hang sync). */
  timeoutMs?: number;
}

/**
 * A libSQL client for the team database. Sync only speaks HTTP (batches, no interactive transactions), so the
 * HTTP-only entry is used and the app ships without libSQL's native engine; `ws(s)://` URLs go over HTTP too.
 */
export function createRemoteClient({ url, authToken, timeoutMs = 15_000 }: RemoteOptions): Client {
  if (url.startsWith('file:')) return openFileRemote(url);
  return createClient({
    url: url.replace(/^ws(s?):/i, 'http$1:'),
    authToken,
    fetch: (input: Request | string | URL, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
}

// A libSQL file as the "team database" (tests, development): the native engine is loaded only for this.
function openFileRemote(url: string): Client {
  let full: typeof import('@libsql/client');
  try {
    full = createRequire(import.meta.url)('@libsql/client') as typeof import('@libsql/client');
  } catch {
    throw new AppFailure('validation', 'This version of Fieldbook syncs over the network only: enter the libsql:// address Turso gave you.');
  }
  return full.createClient({ url });
}
