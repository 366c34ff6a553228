import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type LocalDatabase } from '../src/main/db/client';
import { findMigrationsFolder, readMigrations } from '../src/main/db/migrate';
import { createServices } from '../src/main/services';
import { BackupService } from '../src/main/backup/backupService';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';
import { completionOf } from '@shared/consultation/completion';
import { seedConsultations, sectionsFor } from './seed';
import { longestBlock } from './offthread';
import { fmt, time, type Row } from './measure';

// The dashboard at 1,000,000 consultations (BENCH_MILLION=20000 for a quick run). The seeded file is kept
// in BENCH_CACHE (default <tmp>/fieldbook-bench-cache) under the migrations' hash, so only the first run
// pays the seeding; every write the bench makes is rolled back, so the cached file stays as seeded.

export const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
const CACHE = process.env.BENCH_CACHE ?? join(tmpdir(), 'fieldbook-bench-cache');
const CHUNK = 50_000;
/** Bump when the seeded content changes, so an old cached file is not reused. */
const SEED_VERSION = 1;

const count = (n: number) => n.toLocaleString('en-US');

function cacheKey(): string {
  const hashes = readMigrations(findMigrationsFolder()).map((m) => m.hash);
  return createHash('sha256')
    .update(`${SEED_VERSION}:${MILLION}:${hashes.join(',')}`)
    .digest('hex')
    .slice(0, 16);
}

/** The data folder holding the seeded database, made now if the cache has none for these migrations. */
function seededFolder(): { folder: string; seedMs: number | null } {
  const folder = join(CACHE, `million-${MILLION}-${cacheKey()}`);
  if (existsSync(join(folder, 'complete'))) return { folder, seedMs: null };
  // Built aside and renamed when whole: an interrupted seeding never leaves a half-filled cache entry.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const t0 = performance.now();
  const database = openDatabase(join(partial, 'fieldbook.db'));
  const services = createServices(database);
  const user = services.users.saveProfile({ name: 'Bench', email: 'bench@example.com' });
  // Setup only: no fsync per chunk and a larger page cache; the schema, indexes and triggers are the app's.
  database.sqlite.pragma('synchronous = OFF');
  database.sqlite.pragma('cache_size = -262144');
  for (let first = 0; first < MILLION; first += CHUNK) {
    seedConsultations(database.sqlite, user.id, Math.min(CHUNK, MILLION - first), 7 + first / CHUNK, first);
    console.log(`  seeded ${count(Math.min(MILLION, first + CHUNK))} of ${count(MILLION)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  database.sqlite.pragma('synchronous = FULL');
  database.close();
  writeFileSync(join(partial, 'complete'), new Date().toISOString());
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return { folder, seedMs: performance.now() - t0 };
}

/** A plain connection with the app's pragmas: the raw side of every comparison. */
function rawConnection(file: string): Database.Database {
  const raw = new Database(file);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  return raw;
}

/** The dashboard's calls on the big file against the same statements through plain better-sqlite3. */
function dashboardRows(database: LocalDatabase, raw: Database.Database): Row[] {
  const services = createServices(database);
  const c = services.consultations;
  const rows: Row[] = [];
  const statementsOf = (query: ListQuery) =>
    services.store.list.statementsRun(listQuerySchema.parse(query)).map((s) => ({ statement: raw.prepare(s.text), params: s.params, counts: s.counts }));

  const countsSql = raw.prepare(`SELECT "status" AS status, "n" AS n FROM "consultation_status_counts"`);
  const recount = raw.prepare(`SELECT "status" AS status, count(*) AS n FROM "consultations" GROUP BY "status"`);
  const counts = c.counts();
  rows.push({
    name: 'Status counts (dashboard tabs)',
    ms: time(() => void c.counts(), 200, 20),
    baselineMs: time(() => void countsSql.all(), 200, 20),
    baseline: 'same SQL, plain better-sqlite3',
    aim: '< 50 ms',
    note: `counted by triggers; the recount it replaces (GROUP BY status over the table) takes ${fmt(time(() => void recount.all(), 5, 1))} ms; ${count(counts.draft)} draft, ${count(counts.completed)} completed, ${count(counts.archived)} archived`,
  });

  const listCase = (name: string, query: ListQuery, runs = 50) => {
    const parsed = listQuerySchema.parse(query);
    const statements = statementsOf(query);
    const rawPage = () => {
      for (const s of statements) {
        if (s.counts) s.statement.get(...s.params);
        else s.statement.all(...s.params);
      }
    };
    rows.push({
      name,
      ms: time(() => void c.list(parsed), runs, 3),
      baselineMs: time(rawPage, runs, 3),
      baseline: statements.length > 1 ? `same ${statements.length} statements (plan counts + page), plain better-sqlite3` : 'same SQL, plain better-sqlite3',
      aim: '< 50 ms',
      note: `${c.list(parsed).items.length} rows`,
    });
  };
  listCase('List first page by updated (50)', { limit: 50 });
  listCase('List second page by updated (keyset cursor)', { limit: 50, cursor: c.list(listQuerySchema.parse({ limit: 50 })).nextCursor ?? undefined });
  listCase('Filter status completed (50)', { status: 'completed', limit: 50 });
  listCase('Filter active (not archived) (50)', { status: 'active', limit: 50 });
  listCase('Filter industry + urgency (50)', { industry: 'Retail', urgency: 'high', limit: 50 });
  listCase('Filter urgency only (50)', { urgency: 'critical', limit: 50 });
  listCase('Filter status, sort by business name (50)', { status: 'completed', sort: 'business_name', direction: 'asc', limit: 50 });
  listCase('Business-name prefix search (50)', { namePrefix: 'harb', sort: 'business_name', direction: 'asc', limit: 50 });
  listCase('Sort by completion, highest first (50)', { sort: 'completion', direction: 'desc', limit: 50 });
  listCase('Sort by created, oldest first (50)', { sort: 'created', direction: 'asc', limit: 50 });
  // The full-text query belongs to the search work; measured here as it stands, with the FTS5 floor beside it.
  const ftsFloor = raw.prepare(`SELECT rowid FROM "consultations_fts" WHERE "consultations_fts" MATCH ? LIMIT 50`);
  for (const [words, match] of [
    ['warehouse scanners', '"warehouse"* "scanners"*'],
    ['lumière bakery', '"lumière"* "bakery"*'],
  ] as const) {
    listCase(`Full-text search "${words}" (50)`, { search: words, limit: 50 }, 20);
    rows[rows.length - 1]!.note += `; FTS5 floor (MATCH … LIMIT 50 alone) ${fmt(time(() => void ftsFloor.all(match), 20, 3))} ms`;
  }
  return rows;
}

/** Open the file as the app does and show the first page, against a plain open + the same statements. */
function openRows(file: string): Row[] {
  const samples: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    const t0 = performance.now();
    const database = openDatabase(file);
    const first = createServices(database).consultations.list(listQuerySchema.parse({ limit: 50 }));
    const t1 = performance.now();
    if (first.items.length !== 50) throw new Error('The first page is not full: the seeded file is not what the bench expects.');
    database.close();
    if (i > 0) samples.push(t1 - t0);
  }
  const probe = openDatabase(file);
  const statements = createServices(probe).store.list.statementsRun(listQuerySchema.parse({ limit: 50 }));
  probe.close();
  const rawOpen = () => {
    const raw = rawConnection(file);
    for (const s of statements) raw.prepare(s.text).all(...s.params);
    raw.close();
  };
  const sorted = [...samples].sort((a, b) => a - b);
  return [
    {
      name: 'Open database + first page (50)',
      ms: sorted[Math.floor(sorted.length / 2)]!,
      baselineMs: time(rawOpen, 7, 1),
      baseline: 'plain open with the same pragmas + the same page SQL, no migration check',
      aim: '< 50 ms',
      note: 'file already in the OS cache (a warm start)',
    },
  ];
}

/** Local inserts into the full schema at this size, against the same rows into a plain table; all rolled back. */
function insertRows(database: LocalDatabase): Row[] {
  const sqlite = database.sqlite;
  const userId = (sqlite.prepare('SELECT id FROM users LIMIT 1').get() as { id: string }).id;
  const n = 5000;
  const values = Array.from({ length: n }, (_, i) => {
    const s = sectionsFor(MILLION + i);
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    return [
      uuidv7(),
      userId,
      JSON.stringify(s.contact_info),
      JSON.stringify(s.business_context),
      JSON.stringify(s.pain_points),
      JSON.stringify(s.goals_objectives),
      'draft',
      completionOf(s).percentage,
      t,
      t,
    ];
  });
  const columns = `(id, user_id, contact_info, business_context, pain_points, goals_objectives, status, completion_percentage, current_version, created_at, updated_at)`;
  /** Milliseconds to insert the rows into `table` inside a transaction that `prepare` set up and that is then rolled back. */
  const insertInto = (table: string, prepare: () => void = () => {}) => {
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      prepare();
      const insert = sqlite.prepare(`INSERT INTO ${table} ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
      const t0 = performance.now();
      for (const v of values) insert.run(...v);
      return performance.now() - t0;
    } finally {
      sqlite.exec('ROLLBACK');
    }
  };
  const dropTriggers = (pattern: string) => () => {
    const names = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'consultations' AND name LIKE ?`).all(pattern) as {
      name: string;
    }[];
    for (const { name } of names) sqlite.exec(`DROP TRIGGER "${name}"`);
  };
  const createPlain = () =>
    sqlite.exec(`CREATE TABLE bench_plain (id text PRIMARY KEY NOT NULL, user_id text NOT NULL, contact_info text NOT NULL, business_context text NOT NULL,
      pain_points text NOT NULL, goals_objectives text NOT NULL, status text NOT NULL, completion_percentage integer NOT NULL, current_version integer NOT NULL,
      created_at text NOT NULL, updated_at text NOT NULL)`);
  const variants = {
    full: () => insertInto('consultations'),
    noTriggers: () => insertInto('consultations', dropTriggers('%')),
    plain: () => insertInto('bench_plain', createPlain),
    // What the status counts trigger adds per insert: its one statement, run as many times on its own.
    countsStatement: () => {
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        const bump = sqlite.prepare(`UPDATE "consultation_status_counts" SET "n" = "n" + 1 WHERE "status" = 'draft'`);
        const t0 = performance.now();
        for (let i = 0; i < n; i += 1) bump.run();
        return performance.now() - t0;
      } finally {
        sqlite.exec('ROLLBACK');
      }
    },
  };
  // Rounds over every variant in turn, best of each: a busy machine's slow spells fall on all of them alike.
  const best: Record<keyof typeof variants, number> = { full: Infinity, noTriggers: Infinity, plain: Infinity, countsStatement: Infinity };
  for (let round = 0; round < 3; round += 1) {
    for (const key of Object.keys(variants) as (keyof typeof variants)[]) best[key] = Math.min(best[key], variants[key]());
  }
  const { full, noTriggers, plain, countsStatement } = best;
  const perSecond = (ms: number) => `${count(Math.round((n / ms) * 1000))}/s`;
  const share = (without: number) => `${Math.round(((full - without) / full) * 100)}%`;
  return [
    {
      name: `Insert ${count(n)} consultations at ${count(MILLION)} (one transaction, rolled back)`,
      ms: full,
      baselineMs: plain,
      baseline: 'same rows into a plain table (primary key only) in the same file',
      note: `${perSecond(full)} against ${perSecond(plain)}; without any trigger (full-text, sync outbox, status counts) ${perSecond(noTriggers)}, so triggers take ${share(noTriggers)} of the time and indexes most of the rest; the status counts trigger's statement alone ${fmt((countsStatement / n) * 1000)} µs per row (${((countsStatement / full) * 100).toFixed(1)}% of an insert); best of 3 rounds`,
    },
  ];
}

/** The backup in the worker against SQLite's stepped backup on the main thread (the way it ran before). */
async function backupRows(database: LocalDatabase, folder: string): Promise<Row[]> {
  const target = join(folder, 'bench-backup.db');
  const bytes = statSync(database.file).size;
  const measure = async (work: () => Promise<unknown>) => {
    rmSync(target, { force: true });
    const busyBefore = performance.eventLoopUtilization();
    const block = await longestBlock(work);
    const busy = performance.eventLoopUtilization(busyBefore);
    rmSync(target, { force: true });
    return { ...block, busyMs: busy.active };
  };
  try {
    const worker = await measure(() => new BackupService(() => database, folder).backupTo(target));
    const inThread = await measure(() => database.sqlite.backup(target));
    const gb = (bytes / 2 ** 30).toFixed(2);
    return [
      {
        name: `Back up ${count(MILLION)} consultations (${gb} GB), in a worker`,
        ms: worker.ms,
        baselineMs: inThread.ms,
        baseline: 'SQLite online backup stepped on the main thread (before)',
      },
      {
        name: 'Main thread longest block during that backup',
        ms: worker.activeMs,
        baselineMs: inThread.activeMs,
        baseline: 'backup stepped on the main thread',
        aim: '< 100 ms',
        note: `main thread busy ${fmt(worker.busyMs)} ms in all (stepped on the main thread: ${fmt(inThread.busyMs)} ms); widest timer gap ${fmt(worker.probeMs)} ms`,
      },
    ];
  } finally {
    rmSync(target, { force: true });
  }
}

export async function millionBench(): Promise<Row[]> {
  const { folder, seedMs } = seededFolder();
  const file = join(folder, 'fieldbook.db');
  const rows: Row[] = [...openRows(file)];
  const database = openDatabase(file);
  const raw = rawConnection(file);
  try {
    rows.push(...dashboardRows(database, raw));
    rows.push(...insertRows(database));
    rows.push(...(await backupRows(database, folder)));
  } finally {
    raw.close();
    database.close();
  }
  rows.push({
    name: `Seed ${count(MILLION)} consultations with version 1 each (setup, not a target)`,
    ms: seedMs ?? 0,
    note: seedMs === null ? 'reused from the bench cache (seeded by an earlier run of these migrations)' : `${(statSync(file).size / 2 ** 30).toFixed(2)} GB`,
  });
  return rows;
}
