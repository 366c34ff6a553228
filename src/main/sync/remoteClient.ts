import { createClient, type Client } from '@libsql/client';

export interface RemoteOptions {
  url: string;
  authToken?: string;
  /** Each request to the team database gives up after this long (a slow network must not hang sync). */
  timeoutMs?: number;
}

/** A libSQL client for the team database (Turso over HTTP, or a libSQL `file:` database in tests). */
export function createRemoteClient({ url, authToken, timeoutMs = 15_000 }: RemoteOptions): Client {
  if (url.startsWith('file:')) return createClient({ url });
  return createClient({
    url,
    authToken,
    fetch: (input: Request | string | URL, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
}
