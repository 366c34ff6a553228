import { openTestApp } from '../test/tempDatabase';
import { startHranaAdapter, startTursoServer } from '../test/tursoServer';
import { SyncEngine } from '../src/main/sync/syncEngine';
import { ensureRemoteSchema } from '../src/main/sync/remoteSchema';
import { createRemoteClient } from '../src/main/sync/remoteClient';
import { findMigrationsFolder, readMigrations } from '../src/main/db/migrate';
import { seedConsultations } from './seed';
import type { Row } from './measure';

export const SYNC_ROWS = 10_000;
/** The throttled run: fewer rows, so it finishes in minutes at 50 KB/s. */
export const SLOW_ROWS = 300;
const SLOW_BYTES_PER_SECOND = 50 * 1024;

/**
 * Push 10,000 consultations with versions to tursodb on loopback, pull them into a fresh device, with the
 * production settings (15 s request timeout, batches sized in bytes to the link); then 300 over a 50 KB/s link.
 */
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
    const remote = createRemoteClient({ url: adapter.url });
    await ensureRemoteSchema(remote, migrations);
    const pushBatches: number[] = [];
    const pusher = new SyncEngine({ database: () => a.database, remote, deviceId: 'bench-a', migrations, settings: a.settings, onProgress: (p) => pushBatches.push(p.done) });
    let t = performance.now();
    const pushed = await pusher.push();
    const pushMs = performance.now() - t;
    const pullPages: number[] = [];
    const puller = new SyncEngine({ database: () => b.database, remote, deviceId: 'bench-b', migrations, settings: b.settings, onProgress: (p) => pullPages.push(p.done) });
    t = performance.now();
    const pulled = await puller.pull();
    const pullMs = performance.now() - t;
    const slow = await slowLinkBench(migrations);

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
      { name: `Push ${SLOW_ROWS} consultations + versions over a 50 KB/s link`, ms: slow.pushMs, aim: 'finishes', note: `one run; ${slow.pushBatches} batches, each reported; ${(slow.bytes / 1024).toFixed(0)} KB of sections` },
      { name: `Pull them over a 50 KB/s link`, ms: slow.pullMs, aim: 'finishes', note: `one run; ${slow.pullPages} pages reported; ${slow.pulled} entities` },
    ].map((r, i) => (i === 0 ? { ...r, note: `${r.note}; ${pushBatches.length} batches` } : i === 1 ? { ...r, note: `${r.note}; ${pullPages.length} pages` } : r));
  } finally {
    a.close();
    b.close();
    await adapter.close();
    await rawAdapter.close();
    await server.stop();
    await rawServer.stop();
  }
}

/** Production settings over a throttled link: it must finish, batch by batch. */
async function slowLinkBench(migrations: ReturnType<typeof readMigrations>) {
  const server = await startTursoServer();
  const adapter = await startHranaAdapter(server.port);
  const a = openTestApp();
  const b = openTestApp({ profile: false });
  try {
    seedConsultations(a.database.sqlite, a.users.current()!.id, SLOW_ROWS);
    const bytes = (a.database.sqlite.prepare('SELECT sum(length(contact_info) + length(business_context) + length(pain_points) + length(goals_objectives)) AS n FROM consultation_versions').get() as { n: number }).n * 2;
    adapter.throttle(SLOW_BYTES_PER_SECOND);
    let pushBatches = 0;
    const pusher = new SyncEngine({ database: () => a.database, remote: createRemoteClient({ url: adapter.url }), deviceId: 'slow-a', migrations, settings: a.settings, onProgress: () => (pushBatches += 1) });
    let t = performance.now();
    await pusher.syncOnce();
    const pushMs = performance.now() - t;
    let pullPages = 0;
    const puller = new SyncEngine({ database: () => b.database, remote: createRemoteClient({ url: adapter.url }), deviceId: 'slow-b', migrations, settings: b.settings, onProgress: () => (pullPages += 1) });
    t = performance.now();
    const report = await puller.syncOnce();
    const pullMs = performance.now() - t;
    return { pushMs, pullMs, pushBatches, pullPages, pulled: report.pulled, bytes };
  } finally {
    a.close();
    b.close();
    await adapter.close();
    await server.stop();
  }
}
