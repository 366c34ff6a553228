import { openTestApp } from '../test/tempDatabase';
import { startHranaAdapter, startTursoServer } from '../test/tursoServer';
import { SyncEngine } from '../src/main/sync/syncEngine';
import { ensureRemoteSchema } from '../src/main/sync/remoteSchema';
import { createRemoteClient } from '../src/main/sync/remoteClient';
import { findMigrationsFolder, readMigrations } from '../src/main/db/migrate';
import { seedConsultations } from './seed';
import type { Row } from './measure';

export const SYNC_ROWS = 10_000;

/** Push 10,000 consultations with versions to tursodb on loopback, pull them into a fresh device. */
export async function syncBench(): Promise<Row[]> {
  const migrations = readMigrations(findMigrationsFolder());
  const server = await startTursoServer();
  const adapter = await startHranaAdapter(server.port);
  const rawServer = await startTursoServer();
  const rawAdapter = await startHranaAdapter(rawServer.port);
  const a = openTestApp();
  const b = openTestApp({ profile: false });
  try {
    seedConsultations(a.database.sqlite, a.users.current()!.id, SYNC_ROWS);
    const remote = createRemoteClient({ url: adapter.url, timeoutMs: 120_000 });
    await ensureRemoteSchema(remote, migrations);
    const pusher = new SyncEngine({ database: () => a.database, remote, deviceId: 'bench-a', migrations, settings: a.settings, batchSize: 2000 });
    let t = performance.now();
    const pushed = await pusher.push();
    const pushMs = performance.now() - t;
    const puller = new SyncEngine({ database: () => b.database, remote, deviceId: 'bench-b', migrations, settings: b.settings });
    t = performance.now();
    const pulled = await puller.pull();
    const pullMs = performance.now() - t;

    // Baseline: the same rows as plain INSERTs in one write batch to a fresh server.
    const raw = createRemoteClient({ url: rawAdapter.url, timeoutMs: 120_000 });
    await ensureRemoteSchema(raw, migrations);
    const cols = (table: string) => (a.database.sqlite.prepare(`SELECT * FROM ${table} LIMIT 1`).columns() as { name: string }[]).map((c) => c.name);
    const statements = [];
    for (const table of ['users', 'consultations', 'consultation_versions']) {
      const names = cols(table);
      for (const row of a.database.sqlite.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][]) {
        statements.push({ sql: `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, args: row as (string | number | null)[] });
      }
    }
    t = performance.now();
    await raw.batch(statements, 'write');
    const rawMs = performance.now() - t;
    const rows = statements.length;
    return [
      { name: `Push ${SYNC_ROWS.toLocaleString('en-US')} consultations + versions`, ms: pushMs, baselineMs: rawMs, baseline: 'one raw batch INSERT of the same rows', aim: '< 10 s, < 2×', note: `one run; ${Math.round((rows / pushMs) * 1000).toLocaleString('en-US')} rows/s; ${pushed} entities` },
      { name: `Pull them into a fresh device`, ms: pullMs, baselineMs: rawMs, baseline: 'one raw batch INSERT of the same rows', aim: '< 10 s, < 2×', note: `one run; ${Math.round((rows / pullMs) * 1000).toLocaleString('en-US')} rows/s; ${pulled.pulled} entities` },
    ];
  } finally {
    a.close();
    b.close();
    await adapter.close();
    await rawAdapter.close();
    await server.stop();
    await rawServer.stop();
  }
}
