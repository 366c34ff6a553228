import { createClient, type Client, type InStatement, type Row } from '@libsql/client';

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

/** A libSQL client for the team database (Turso over HTTP, or a libSQL `file:` database in tests). */
export function createRemoteClient({ url, authToken, timeoutMs = 15_000 }: RemoteOptions): Client {
  if (url.startsWith('file:')) return createClient({ url });
  return createClient({
    url,
    authToken,
    fetch: (input: Request | string | URL, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
}
