import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { createRemoteClient, type RemoteClient } from '../src/main/sync/remoteClient';
import { startHranaAdapter, startTursoServer, tursodbMissing, type HranaAdapter, type TursoServer } from './tursoServer';
import { tempDir } from './tempDatabase';

// The team databases the sync scenarios run against: a libSQL file remote (which enforces foreign keys, like
// hosted Turso) and a real tursodb over HTTP through the test adapter.

export interface Team {
  remote: () => RemoteClient;
  /** A client for writing to the team database behind the app's back (a poisoned row). */
  admin: RemoteClient;
  close(): Promise<void>;
}

export async function fileTeam(): Promise<Team> {
  const t = tempDir('fieldbook-team-');
  const url = `file:${join(t.dir, 'team.db')}`;
  const clients: RemoteClient[] = [];
  const remote = () => {
    const c = createClient({ url });
    clients.push(c);
    return c;
  };
  const admin = remote();
  return { remote, admin, close: async () => (clients.forEach((c) => c.close()), t.cleanup()) };
}

/**
 * Both kinds of team, for `describe.each`: [name, make a fresh team, skip]. Starts one tursodb (and its adapter)
 * for the calling test file and stops it after; the tursodb kind is skipped where the binary is missing.
 */
export function teamKinds(): [string, () => Promise<Team>, boolean][] {
  let server: TursoServer | null = null;
  let adapter: HranaAdapter | null = null;
  beforeAll(async () => {
    if (tursodbMissing) return;
    server = await startTursoServer();
    adapter = await startHranaAdapter(server.port);
  }, 60_000);
  afterAll(async () => {
    await adapter?.close();
    await server?.stop();
  });
  const tursoTeam = async (): Promise<Team> => {
    // One server for the file; each scenario starts from an empty team database.
    const admin = createRemoteClient({ url: adapter!.url });
    const tables = (await admin.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).rows.map((r) => String(r.name));
    if (tables.length)
      await admin.batch(
        tables.map((name) => `DROP TABLE "${name}"`),
        'write',
      );
    return { remote: () => createRemoteClient({ url: adapter!.url, timeoutMs: 15_000 }), admin, close: async () => {} };
  };
  return [
    ['libSQL file remote', fileTeam, false],
    ['tursodb over HTTP', tursoTeam, tursodbMissing !== null],
  ];
}
