import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openTestApp } from '../test/tempDatabase';
import { startTursoServer } from '../test/tursoServer';
import { startAdapterProcess } from './adapterProcess';
import { SyncEngine } from '../src/main/sync/syncEngine';
import { SyncScheduler } from '../src/main/sync/syncScheduler';
import { ensureRemoteSchema, ensureRemoteSchemaOnce } from '../src/main/sync/remoteSchema';
import { createRemoteClient, DEFAULT_TIMEOUT_MS, type RemoteClient, type RemoteStatement } from '../src/main/sync/remoteClient';
import { LinkSizer } from '../src/main/sync/batchSizing';
import { WriterTurns } from '../src/main/db/writerTurns';
import { pendingChanges } from '../src/main/store/syncOutbox';
import { findMigrationsFolder, readMigrations } from '../src/main/db/migrate';
import { seedConsultations } from './seed';
import { time, type Row } from './measure';
import { longestBlock } from './offthread';

export const SYNC_ROWS = 10_000;
/** The throttled run: fewer rows, so it finishes in minutes at 50 KB/s. */
export const SLOW_ROWS = 300;
const SLOW_BYTES_PER_SECOND = 50 * 1024;
/** The sync aims: at least this share of the fair floor's speed. */
export const SYNC_SPEED_AIM = 0.7;
const TABLES = ['users', 'consultations', 'consultation_versions'] as const;
/** Pulls (each with its floor) measured: their medians are compared. */
const PULL_RUNS = 3;
/** Rows per multi-row INSERT in the baselines (and pages read by the pull floor). */
const ROWS_PER_STATEMENT = 100;
const ROWS_PER_READ = 2_000;

type Migrations = ReturnType<typeof readMigrations>;

/** A team database of its own: tursodb on loopback behind the test adapter, schema applied. */
async function team(migrations: Migrations, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const server = await startTursoServer();
  const adapter = await startAdapterProcess(server.port);
  const remote = createRemoteClient({ url: adapter.url, timeoutMs });
  await ensureRemoteSchema(remote, migrations);
  return {
    adapter,
    remote,
    stop: async () => {
      remote.close();
      await adapter.close();
      await server.stop();
    },
  };
}

/**
 * The pull worker as the app ships it (npm run bench builds first): one bundled file that starts in tens of
 * milliseconds. From source, tsx compiles its modules on start (about half a second), which the app never pays.
 */
function builtPullWorker(): URL {
  const built = new URL('../out/main/pullWorker.js', import.meta.url);
  if (!existsSync(built)) throw new Error('out/main/pullWorker.js is missing: run `npx electron-vite build` first (npm run bench does)');
  return built;
}

/** The app's production wiring: the service's sizer and timeout, the pull worker, progress through the scheduler (which re-reads the pending count). */
function productionEngine(app: ReturnType<typeof openTestApp>, remote: RemoteClient, deviceId: string, migrations: Migrations, onProgress: () => void) {
  const scheduler = new SyncScheduler({ engine: () => null, intervalMs: () => 300_000, pending: () => pendingChanges(app.database.sqlite), emit: onProgress });
  return new SyncEngine({
    database: () => app.database,
    remote,
    deviceId,
    migrations,
    settings: app.settings,
    sizing: new LinkSizer({ timeoutMs: DEFAULT_TIMEOUT_MS }),
    pullWorker: { migrationsFolder: findMigrationsFolder(), writers: new WriterTurns(), entry: builtPullWorker() },
    onProgress: ({ done, total }) => scheduler.progress(done, total),
  });
}

/** Wall time of `work` and the longest the event loop was held meanwhile (the off-thread bench's probe). */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; blockMs: number; activeMs: number }> {
  const { value, ms, histogramMs, activeMs } = await longestBlock(work);
  return { result: value, ms, blockMs: histogramMs, activeMs };
}

const columnsOf = (sqlite: Database.Database, table: string) =>
  (sqlite.prepare(`SELECT * FROM "${table}" LIMIT 1`).columns() as { name: string }[]).map((c) => c.name);

/** The seeded rows as multi-row INSERTs (the engine's fastest shape), table by table. */
function insertStatements(sqlite: Database.Database): { statements: RemoteStatement[]; rows: number } {
  const statements: RemoteStatement[] = [];
  let rows = 0;
  for (const table of TABLES) {
    const names = columnsOf(sqlite, table);
    const all = sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().all() as (string | number | null)[][];
    rows += all.length;
    for (let i = 0; i < all.length; i += ROWS_PER_STATEMENT) {
      const chunk = all.slice(i, i + ROWS_PER_STATEMENT);
      const values = chunk.map(() => `(${names.map(() => '?').join(', ')})`).join(', ');
      statements.push({ sql: `INSERT INTO ${table} (${names.join(', ')}) VALUES ${values}`, args: chunk.flat() });
    }
  }
  return { statements, rows };
}

/** Splits statements into `parts` batches of about equal bytes (the app's number of push requests). */
function inParts(statements: RemoteStatement[], parts: number): RemoteStatement[][] {
  const size = (s: RemoteStatement) => JSON.stringify(s).length;
  const total = statements.reduce((n, s) => n + size(s), 0);
  const out: RemoteStatement[][] = [[]];
  let bytes = 0;
  for (const s of statements) {
    if (bytes >= (total / parts) * out.length && out.length < parts) out.push([]);
    out[out.length - 1]!.push(s);
    bytes += size(s);
  }
  return out.filter((b) => b.length > 0);
}

/**
 * The pull's fair floor: the same rows read from the team database with @libsql/client (pages under the
 * response cap) and inserted into a local file with the app's schema, one transaction per page, with the
 * outbox switched off as the app's pull does. Nothing of the engine (no log, no checks, no merge).
 */
async function pullFloor(remote: RemoteClient, into: Database.Database): Promise<number> {
  into.prepare('UPDATE sync_control SET applying = 1 WHERE id = 1').run();
  let rows = 0;
  for (const table of TABLES) {
    const names = columnsOf(into, table);
    const insert = into.prepare(`INSERT OR IGNORE INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
    for (let after = ''; ;) {
      const page = await remote.execute({ sql: `SELECT ${names.join(', ')} FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`, args: [after, ROWS_PER_READ] });
      if (page.rows.length === 0) break;
      into.transaction(() => {
        for (const row of page.rows) insert.run(...names.map((n) => row[n] ?? null));
      })();
      rows += page.rows.length;
      after = String(page.rows[page.rows.length - 1]!.id);
    }
  }
  into.prepare('UPDATE sync_control SET applying = 0 WHERE id = 1').run();
  return rows;
}

const perSecond = (rows: number, ms: number) => `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`;
const speedNote = (ms: number, floorMs: number) => `${(floorMs / ms).toFixed(2)}× the floor's speed`;

/**
 * Push 10,000 consultations with versions to tursodb on loopback, pull them into a fresh device, with the
 * production settings (15 s request timeout, batches and pages sized in bytes to the link, progress through
 * the scheduler); each against its fair floor measured in the same run; then 300 over a 50 KB/s link.
 */
export async function syncBench(): Promise<Row[]> {
  const migrations = readMigrations(findMigrationsFolder());
  const main = await team(migrations);
  const a = openTestApp();
  const stops: (() => Promise<void>)[] = [main.stop];
  try {
    seedConsultations(a.database.sqlite, a.users.current()!.id, SYNC_ROWS);
    const { statements, rows } = insertStatements(a.database.sqlite);
    // The status bar's count, read after every push batch: the counter against the old distinct count.
    const waiting = pendingChanges(a.database.sqlite);
    const pendingMs = time(() => pendingChanges(a.database.sqlite), 50, 5);
    const distinctMs = time(() => a.database.sqlite.prepare(`SELECT count(DISTINCT "entity" || "entity_id") AS n FROM "sync_outbox"`).get(), 10, 2);

    // The app: the schema is checked once per start, before the first sync.
    await ensureRemoteSchemaOnce(main.remote, migrations);
    let pushReports = 0;
    const pusher = productionEngine(a, main.remote, 'bench-a', migrations, () => (pushReports += 1));
    const requestsBefore = await main.adapter.requests();
    console.log('  push…');
    const push = await measured(() => pusher.syncOnce());
    const pushRequests = (await main.adapter.requests()) - requestsBefore;
    if (push.result.pushed !== waiting || pendingChanges(a.database.sqlite) !== 0) throw new Error(`push incomplete: ${push.result.pushed} of ${waiting}`);

    // Pull runs, each into a fresh device and then its floor into another: the median of each (a shared
    // machine's noise moves single runs by a third), the longest block of any run.
    const puller = createRemoteClient({ url: main.adapter.url });
    await ensureRemoteSchemaOnce(puller, migrations);
    const pulls: { ms: number; blockMs: number; activeMs: number; pulled: number; requests: number; reports: number; floorMs: number }[] = [];
    for (let run = 0; run < PULL_RUNS; run += 1) {
      const b = openTestApp({ profile: false });
      const floorApp = openTestApp({ profile: false });
      try {
        let reports = 0;
        const pullEngine = productionEngine(b, puller, `bench-b${run}`, migrations, () => (reports += 1));
        const requestsBefore = await main.adapter.requests();
        console.log(`  pull ${run + 1}…`);
        const pull = await measured(() => pullEngine.syncOnce());
        const requests = (await main.adapter.requests()) - requestsBefore;
        const pulledRows = TABLES.reduce((n, t) => n + (b.database.sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n, 0);
        if (pulledRows !== rows) throw new Error(`pull incomplete: ${pulledRows} of ${rows} rows`);
        // Pull floor: the same rows read back from the team database and inserted into a fresh local file.
        console.log(`  pull floor ${run + 1}…`);
        const floorRemote = createRemoteClient({ url: main.adapter.url });
        const t = performance.now();
        const floorRows = await pullFloor(floorRemote, floorApp.database.sqlite);
        const floorMs = performance.now() - t;
        floorRemote.close();
        if (floorRows !== rows) throw new Error(`pull floor read ${floorRows} of ${rows} rows`);
        pulls.push({ ms: pull.ms, blockMs: pull.blockMs, activeMs: pull.activeMs, pulled: pull.result.pulled, requests, reports, floorMs });
      } finally {
        b.close();
        floorApp.close();
      }
    }
    puller.close();
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const pull = {
      ms: median(pulls.map((p) => p.ms)),
      blockMs: Math.max(...pulls.map((p) => p.blockMs)),
      activeMs: Math.max(...pulls.map((p) => p.activeMs)),
      pulled: pulls[0]!.pulled,
    };
    const pullFloorMs = median(pulls.map((p) => p.floorMs));
    const runs = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en-US')).join(', ');

    // Push floors, each on a fresh team database: all rows as multi-row INSERTs in one batch (the limit),
    // and the same statements in as many batches as the app's push made requests, through the same client.
    const limitTeam = await team(migrations, 120_000);
    stops.push(limitTeam.stop);
    console.log('  push floors…');
    let t = performance.now();
    await limitTeam.remote.batch(statements, 'write');
    const limitMs = performance.now() - t;
    const samePathTeam = await team(migrations);
    stops.push(samePathTeam.stop);
    const batches = inParts(statements, Math.max(1, pushRequests - 1));
    t = performance.now();
    for (const batch of batches) await samePathTeam.remote.batch(batch, 'write');
    const samePathMs = performance.now() - t;

    console.log('  50 KB/s link…');
    const slow = await slowLinkBench(migrations);
    const n = SYNC_ROWS.toLocaleString('en-US');
    return [
      {
        name: `Push ${n} consultations + versions`,
        ms: push.ms,
        baselineMs: limitMs,
        baseline: 'the limit: every row as multi-row INSERTs in one write batch to a fresh server',
        speedAim: SYNC_SPEED_AIM,
        note: `${speedNote(push.ms, limitMs)}; ${perSecond(rows, push.ms)}; ${push.result.pushed.toLocaleString('en-US')} entities in ${pushRequests} requests; ${pushReports} progress reports; one run`,
      },
      {
        name: `Push, against the same path`,
        ms: push.ms,
        baselineMs: samePathMs,
        baseline: `the same multi-row INSERTs in ${batches.length} write batches (as many as the push sent), same client and adapter`,
        note: `${speedNote(push.ms, samePathMs)}; one run`,
      },
      {
        name: `Pull them into a fresh device`,
        ms: pull.ms,
        baselineMs: pullFloorMs,
        baseline: `the floor: the same ${rows.toLocaleString('en-US')} rows read with @libsql/client (${ROWS_PER_READ.toLocaleString('en-US')} a page) and inserted into a local file with the app's schema, a transaction per page`,
        speedAim: SYNC_SPEED_AIM,
        note: `${speedNote(pull.ms, pullFloorMs)}; ${perSecond(rows, pull.ms)}; ${pull.pulled.toLocaleString('en-US')} entities in ${pulls[0]!.requests} requests; ${pulls[0]!.reports} progress reports; median of ${PULL_RUNS} runs (pull ${runs(pulls.map((p) => p.ms))} ms; floor ${runs(pulls.map((p) => p.floorMs))} ms); pages applied in the pull worker, as built`,
      },
      {
        name: 'Longest main-thread block during the push',
        ms: push.blockMs,
        aim: '< 100 ms',
        note: `perf_hooks.monitorEventLoopDelay max (10 ms resolution; wall clock, so time the OS gave other processes counts too); longest busy stretch between two 10 ms ticks ${Math.round(push.activeMs)} ms`,
      },
      {
        name: 'Longest main-thread block during the pull',
        ms: pull.blockMs,
        aim: '< 100 ms',
        note: `the longest of ${PULL_RUNS} runs (${runs(pulls.map((p) => p.blockMs))} ms); perf_hooks.monitorEventLoopDelay max (10 ms resolution; wall clock, so time the OS gave other processes counts too); longest busy stretch between two 10 ms ticks ${Math.round(pull.activeMs)} ms`,
      },
      {
        name: `Pending count with ${waiting.toLocaleString('en-US')} changes waiting`,
        ms: pendingMs,
        baselineMs: distinctMs,
        baseline: 'the previous count(DISTINCT entity || entity_id) over the outbox',
        note: 'median; run after every push batch and for the status',
      },
      {
        name: `Push ${SLOW_ROWS} consultations + versions over a 50 KB/s link`,
        ms: slow.pushMs,
        aim: 'finishes',
        note: `one run; ${slow.pushReports} progress reports; ${(slow.bytes / 1024).toFixed(0)} KB of sections`,
      },
      {
        name: `Pull them over a 50 KB/s link`,
        ms: slow.pullMs,
        aim: 'finishes',
        note: `one run; ${slow.pullReports} progress reports; ${slow.pulled} entities`,
      },
    ];
  } finally {
    a.close();
    for (const stop of stops) await stop();
  }
}

/** Production settings over a throttled link: it must finish, batch by batch. */
async function slowLinkBench(migrations: Migrations) {
  const slow = await team(migrations);
  const a = openTestApp();
  const b = openTestApp({ profile: false });
  try {
    seedConsultations(a.database.sqlite, a.users.current()!.id, SLOW_ROWS);
    const bytes =
      (
        a.database.sqlite
          .prepare(
            'SELECT sum(length(contact_info) + length(business_context) + length(pain_points) + length(goals_objectives)) AS n FROM consultation_versions',
          )
          .get() as { n: number }
      ).n * 2;
    const adapter = slow.adapter;
    await adapter.throttle(SLOW_BYTES_PER_SECOND);
    let pushReports = 0;
    const pusher = productionEngine(a, createRemoteClient({ url: adapter.url }), 'slow-a', migrations, () => (pushReports += 1));
    let t = performance.now();
    await pusher.syncOnce();
    const pushMs = performance.now() - t;
    let pullReports = 0;
    const puller = productionEngine(b, createRemoteClient({ url: adapter.url }), 'slow-b', migrations, () => (pullReports += 1));
    t = performance.now();
    const report = await puller.syncOnce();
    const pullMs = performance.now() - t;
    return { pushMs, pullMs, pushReports, pullReports, pulled: report.pulled, bytes };
  } finally {
    a.close();
    b.close();
    await slow.stop();
  }
}
