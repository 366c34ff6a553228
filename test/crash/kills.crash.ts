import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from '@libsql/client';
import { bundleWorker } from './bundleWorker';
import { openTestApp, tempDir } from '../tempDatabase';
import { openDatabase } from '../../src/main/db/client';
import { createServices } from '../../src/main/services';
import { findMigrationsFolder, migrate, readMigrations } from '../../src/main/db/migrate';
import { SyncEngine } from '../../src/main/sync/syncEngine';
import { seedConsultations } from '../../bench/seed';
import { generateRebuild } from '../drizzleRebuild';
import { allRows, copyToRemote, fillDatabase, remoteRows, triggersAndIndexes } from '../fullDatabase';
import { ensureRemoteSchema } from '../../src/main/sync/remoteSchema';

// Kills a worker with SIGKILL at random moments while it writes, hundreds of times, and checks after each
// kill that everything it had acknowledged is there and the file passes integrity_check. The durability
// check runs the saves under strace (apt package `strace`).

const RUNS = { autosave: 200, version: 100, migration: 40, push: 40, rebuild: 30 };
const scale = Number(process.env.CRASH_SCALE ?? 1);
const report: Record<string, Record<string, number>> = {};
let worker: string;
let work: ReturnType<typeof tempDir>;
const migrations = readMigrations(findMigrationsFolder());

beforeAll(async () => {
  worker = await bundleWorker();
  work = tempDir('fieldbook-crash-');
});
afterAll(() => {
  work.cleanup();
  const file = resolve(import.meta.dirname, '..', '..', 'artifacts', 'crash-report.json');
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log('crash report', JSON.stringify(report));
});

/**
 * Runs the worker, kills it `delayMs` after it has opened the database (or at once, or after it printed
 * `start`: just before it opens and migrates), returns its acks.
 */
function runAndKill(
  args: string[],
  delayMs: number,
  killBeforeOpen: boolean | 'start' = false,
  env: NodeJS.ProcessEnv = {},
): Promise<{ acks: string[]; exitedByItself: boolean }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs));
    if (killBeforeOpen === true) arm();
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(killBeforeOpen === 'start' ? 'start\n' : 'open\n')) arm();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // 'close', not 'exit': acks already in the pipe are read before we judge.
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`worker failed (${code}): ${err}`));
      else resolveRun({ acks: out.split('\n').filter(Boolean), exitedByItself: signal !== 'SIGKILL' });
    });
  });
}

/**
 * Kill delays for work that ends by itself: starts at 1.5 times one unkilled run, then shrinks after a run
 * that finished and grows after one that was killed, settling near a quarter finished and the rest killed
 * mid-work however busy the machine is (a fixed window either never lets a run finish or never kills it).
 */
async function killWindow(prepare: () => string[], killBeforeOpen: boolean | 'start', env: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  const { exitedByItself } = await runAndKill(prepare(), 600_000, killBeforeOpen, env);
  if (!exitedByItself) throw new Error('the calibration run was killed');
  let windowMs = 1.5 * (Date.now() - started);
  return {
    next: () => Math.random() * windowMs,
    finished: (done: boolean) => (windowMs *= done ? 0.85 : 1.05),
  };
}

// Opened read-write, as the next start opens it: a WAL left by the kill is recovered (a read-only connection
// cannot recover a WAL whose -shm the killed process left behind, and says "readonly database").
const integrity = (file: string) => {
  const db = new Database(file);
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};

describe('crash safety (SIGKILL)', () => {
  it('autosave: every acknowledged save survives, the draft of the moment is recoverable', async () => {
    const dir = join(work.dir, 'autosave');
    const app = openTestApp({ dir: (mkdirSync(dir, { recursive: true }), dir) });
    const id = app.consultations.create().consultation.id;
    app.close();
    const counts = { kills: 0, acknowledgedSaves: 0, lostAcknowledged: 0 };
    let previous: string | null = null;
    for (let run = 0; run < RUNS.autosave * scale; run += 1) {
      const { acks } = await runAndKill(['autosave', dir, id, `r${run}`], Math.random() * 40);
      counts.kills += 1;
      const last = Math.max(0, ...acks.filter((a) => a.startsWith('saved ')).map((a) => Number(a.slice(6))));
      counts.acknowledgedSaves += last;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const database = openDatabase(join(dir, 'fieldbook.db'));
      const detail = createServices(database).consultations.get({ consultationId: id });
      database.close();
      const draft = (detail.consultation.sections.contact_info.business_name as string | undefined) ?? null;
      // The draft holds the last acknowledged save, or the one after it (written, not yet acknowledged);
      // with nothing acknowledged, what the previous run left or this run's first save.
      const allowed: (string | null)[] = last > 0 ? [`typed r${run}-${last}`, `typed r${run}-${last + 1}`] : [previous, `typed r${run}-1`];
      if (!allowed.includes(draft)) counts.lostAcknowledged += 1;
      expect(allowed).toContain(draft);
      if (draft) expect(detail.notes).toBe(draft.replace('typed', 'note'));
      previous = draft;
    }
    report.autosave = counts;
    expect(counts.lostAcknowledged).toBe(0);
    expect(counts.acknowledgedSaves).toBeGreaterThan(counts.kills); // the kills landed amid many saves
  });

  it('save as version: numbering stays contiguous, every acknowledged version is kept', async () => {
    const dir = join(work.dir, 'version');
    mkdirSync(dir, { recursive: true });
    const app = openTestApp({ dir });
    const id = app.consultations.create().consultation.id;
    app.close();
    const counts = { kills: 0, acknowledgedVersions: 0, runsWithAVersion: 0 };
    let lastAcked = 1;
    for (let run = 0; run < RUNS.version * scale; run += 1) {
      // Long enough after opening that most runs get versions out, short enough that kills land mid-save.
      const { acks } = await runAndKill(['version', dir, id], 40 + Math.random() * 120);
      counts.kills += 1;
      const versions = acks.filter((a) => a.startsWith('version ')).map((a) => Number(a.slice(8)));
      if (versions.length) lastAcked = Math.max(...versions);
      if (versions.length) counts.runsWithAVersion += 1;
      counts.acknowledgedVersions += versions.length;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const db = new Database(join(dir, 'fieldbook.db'), { readonly: true });
      const numbers = (db.prepare('SELECT version_number AS n FROM consultation_versions WHERE consultation_id = ? ORDER BY 1').all(id) as { n: number }[]).map(
        (r) => r.n,
      );
      const current = (db.prepare('SELECT current_version AS v FROM consultations WHERE id = ?').get(id) as { v: number }).v;
      db.close();
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
      expect(current).toBe(numbers.length);
      expect(current).toBeGreaterThanOrEqual(lastAcked);
    }
    report.version = counts;
    // Minimums, so the test cannot pass by killing before any version was written.
    expect(counts.runsWithAVersion).toBeGreaterThanOrEqual(counts.kills / 2);
    expect(counts.acknowledgedVersions).toBeGreaterThanOrEqual(counts.kills);
  });

  it('migration: a kill mid-upgrade leaves the previous schema, and the next start completes it without loss', async () => {
    const template = join(work.dir, 'template-0000.db');
    const seed = new Database(template);
    migrate(seed, migrations.slice(0, 1));
    seed
      .prepare(
        `INSERT INTO users (id, name, email, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000001', 'Ada', 'a@b.co', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      )
      .run();
    seedConsultations(seed, '01900000-0000-7000-8000-000000000001', 20_000);
    seed.close();
    const counts = { kills: 0, killedMidMigration: 0, killedBeforeStart: 0, completed: 0 };
    const prepare = (name: string) => {
      const dir = join(work.dir, name);
      mkdirSync(dir, { recursive: true });
      copyFileSync(template, join(dir, 'fieldbook.db'));
      return dir;
    };
    const window = await killWindow(() => ['open', prepare('migration-calibration'), 'none'], true);
    for (let run = 0; run < RUNS.migration * scale; run += 1) {
      const dir = prepare(`migration-${run}`);
      const { acks } = await runAndKill(['open', dir, 'none'], window.next(), true);
      window.finished(acks.includes('open'));
      counts.kills += 1;
      if (acks.includes('start') && !acks.includes('open')) counts.killedMidMigration += 1;
      if (!acks.includes('start')) counts.killedBeforeStart += 1;
      if (acks.includes('open')) counts.completed += 1;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const database = openDatabase(join(dir, 'fieldbook.db'));
      const applied = database.sqlite.prepare('SELECT count(*) AS n, count(DISTINCT created_at) AS d FROM __drizzle_migrations').get() as {
        n: number;
        d: number;
      };
      expect(applied).toEqual({ n: migrations.length, d: migrations.length });
      expect((database.sqlite.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number }).n).toBe(20_000);
      const searchable = (database.sqlite.prepare(`SELECT count(*) AS n FROM consultations_fts WHERE consultations_fts MATCH 'bakery'`).get() as { n: number })
        .n;
      expect(searchable).toBeGreaterThan(0);
      // The status counts the upgrade backfilled (0008_scale) equal a recount, whichever run completed it.
      expect(database.sqlite.prepare(`SELECT sum(n) AS n FROM consultation_status_counts`).get()).toEqual({ n: 20_000 });
      expect(database.sqlite.prepare(`SELECT status, n FROM consultation_status_counts WHERE n > 0 ORDER BY status`).all()).toEqual(
        database.sqlite.prepare(`SELECT status, count(*) AS n FROM consultations GROUP BY status ORDER BY status`).all(),
      );
      database.close();
      rmSync(dir, { recursive: true, force: true });
    }
    report.migration = counts;
    expect(counts.killedMidMigration).toBeGreaterThanOrEqual(counts.kills / 5);
    expect(counts.completed).toBeGreaterThan(0);
  });

  it('sync push: after a kill mid-push, the next sync puts every change on the team database exactly once', async () => {
    const templateDir = join(work.dir, 'push-template');
    mkdirSync(templateDir, { recursive: true });
    const source = openTestApp({ dir: templateDir });
    seedConsultations(source.database.sqlite, source.users.current()!.id, 300);
    source.close();
    const counts = { kills: 0, killedBeforeDone: 0, pushed: 0 };
    const prepare = (name: string) => {
      const dir = join(work.dir, name);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(templateDir, 'fieldbook.db'), join(dir, 'fieldbook.db'));
      return dir;
    };
    const calibration = prepare('push-calibration');
    const window = await killWindow(() => ['push', calibration, 'none', join(calibration, 'team.db')], false);
    for (let run = 0; run < RUNS.push * scale; run += 1) {
      const dir = prepare(`push-${run}`);
      const remoteFile = join(dir, 'team.db');
      const { acks } = await runAndKill(['push', dir, 'none', remoteFile], window.next());
      window.finished(acks.includes('pushed'));
      counts.kills += 1;
      if (!acks.includes('pushed')) counts.killedBeforeDone += 1;
      else counts.pushed += 1;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const database = openDatabase(join(dir, 'fieldbook.db'));
      const remote = createClient({ url: `file:${remoteFile}` });
      const engine = new SyncEngine({
        database: () => database,
        remote,
        deviceId: 'crash',
        migrations,
        settings: createServices(database).settings,
        batchSize: 50,
      });
      await engine.syncOnce();
      expect(engine.pendingCount()).toBe(0);
      const one = async (sql: string) => Number((await remote.execute(sql)).rows[0]![0]);
      expect(await one('SELECT count(*) FROM consultation_versions')).toBe(300);
      expect(await one('SELECT count(*) FROM consultations')).toBe(300);
      expect(await one(`SELECT count(*) FROM (SELECT entity_id FROM sync_log WHERE entity = 'version' GROUP BY entity_id HAVING count(*) > 1)`)).toBe(0);
      remote.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    }
    report.push = counts;
    expect(counts.killedBeforeDone).toBeGreaterThanOrEqual(counts.kills / 4);
    expect(counts.pushed).toBeGreaterThan(0);
  });

  it('table rebuild: a kill mid-rebuild loses no row, trigger or index, and the next start completes it', async () => {
    const rebuild = generateRebuild();
    try {
      const withRebuild = readMigrations(rebuild.folder);
      const template = join(work.dir, 'template-rebuild.db');
      const seed = openDatabase(template);
      fillDatabase(seed.sqlite, 3_000);
      const rows = allRows(seed.sqlite);
      const objects = triggersAndIndexes(seed.sqlite);
      seed.close();
      const env = { FIELDBOOK_MIGRATIONS: rebuild.folder };
      const counts = { kills: 0, killedMidMigration: 0, completed: 0 };
      const prepare = (name: string) => {
        const dir = join(work.dir, name);
        mkdirSync(dir, { recursive: true });
        copyFileSync(template, join(dir, 'fieldbook.db'));
        return dir;
      };
      const window = await killWindow(() => ['open', prepare('rebuild-calibration'), 'none'], 'start', env);
      for (let run = 0; run < RUNS.rebuild * scale; run += 1) {
        const dir = prepare(`rebuild-${run}`);
        const { acks } = await runAndKill(['open', dir, 'none'], window.next(), 'start', env);
        window.finished(acks.includes('open'));
        counts.kills += 1;
        if (acks.includes('start') && !acks.includes('open')) counts.killedMidMigration += 1;
        if (acks.includes('open')) counts.completed += 1;
        expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
        // The file is either still at the previous schema with everything, or fully rebuilt with everything.
        const raw = new Database(join(dir, 'fieldbook.db'), { readonly: true });
        expect(allRows(raw)).toEqual(rows);
        expect(triggersAndIndexes(raw)).toEqual(objects);
        raw.close();
        const database = openDatabase(join(dir, 'fieldbook.db'), { migrationsFolder: rebuild.folder });
        expect(database.migration.schemaVersion).toBe(withRebuild.at(-1)!.folderMillis);
        expect(allRows(database.sqlite)).toEqual(rows);
        expect(triggersAndIndexes(database.sqlite)).toEqual(objects);
        expect(database.sqlite.pragma('foreign_key_check')).toEqual([]);
        database.close();
        rmSync(dir, { recursive: true, force: true });
      }
      report.rebuild = counts;
      expect(counts.killedMidMigration).toBeGreaterThanOrEqual(counts.kills / 5);
      expect(counts.completed).toBeGreaterThan(0);
    } finally {
      rebuild.cleanup();
    }
  });

  it('table rebuild on the team database (libSQL file): a kill mid-upgrade loses no row or index, the next sync completes it', async () => {
    const rebuild = generateRebuild();
    try {
      const withRebuild = readMigrations(rebuild.folder);
      const local = openDatabase(join(work.dir, 'remote-source.db'));
      fillDatabase(local.sqlite, 3_000);
      const template = join(work.dir, 'template-team.db');
      const seed = createClient({ url: `file:${template}` });
      await ensureRemoteSchema(seed, migrations);
      await copyToRemote(local.sqlite, seed);
      const indexes = async (remote: ReturnType<typeof createClient>) =>
        (await remote.execute(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY 1`)).rows.map((r) => String(r.name));
      const rows = await remoteRows(seed);
      const indexNames = await indexes(seed);
      seed.close();
      local.close();
      const counts = { kills: 0, killedMidUpgrade: 0, completed: 0 };
      const env = { FIELDBOOK_MIGRATIONS: rebuild.folder };
      const prepare = (name: string) => {
        const dir = join(work.dir, name);
        mkdirSync(dir, { recursive: true });
        copyFileSync(template, join(dir, 'team.db'));
        return dir;
      };
      const calibration = prepare('team-rebuild-calibration');
      const window = await killWindow(() => ['remote-upgrade', calibration, 'none', join(calibration, 'team.db')], 'start', env);
      for (let run = 0; run < RUNS.rebuild * scale; run += 1) {
        const dir = prepare(`team-rebuild-${run}`);
        const file = join(dir, 'team.db');
        const { acks } = await runAndKill(['remote-upgrade', dir, 'none', file], window.next(), 'start', env);
        window.finished(acks.includes('upgraded'));
        counts.kills += 1;
        if (acks.includes('open') && !acks.includes('upgraded')) counts.killedMidUpgrade += 1;
        if (acks.includes('upgraded')) counts.completed += 1;
        // Through libSQL, read-write: a killed writer may leave a hot journal that only a writer rolls back.
        const remote = createClient({ url: `file:${file}` });
        expect((await remote.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
        expect(await remoteRows(remote)).toEqual(rows);
        expect(await ensureRemoteSchema(remote, withRebuild)).toBe(withRebuild.at(-1)!.folderMillis);
        expect(await remoteRows(remote)).toEqual(rows);
        expect(await indexes(remote)).toEqual(indexNames);
        remote.close();
        rmSync(dir, { recursive: true, force: true });
      }
      report.teamRebuild = counts;
      expect(counts.killedMidUpgrade).toBeGreaterThanOrEqual(counts.kills / 4);
      expect(counts.completed).toBeGreaterThan(0);
    } finally {
      rebuild.cleanup();
    }
  });
});

/**
 * Runs N autosaves under strace and reads, in the order they happened, the syncs of the WAL and the
 * acknowledgements on stdout: how many acknowledgements had a WAL sync since the one before.
 */
function savesUnderStrace(dir: string, id: string, saves: number, env: NodeJS.ProcessEnv = {}): { acks: number; syncedAcks: number; walSyncs: number } {
  const trace = join(dir, `strace-${Date.now()}.txt`);
  execFileSync('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync,write', '-o', trace, process.execPath, worker, 'saves', dir, id, String(saves)], {
    env: { ...process.env, ...env },
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = { acks: 0, syncedAcks: 0, walSyncs: 0 };
  let syncedSinceAck = false;
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (/(fsync|fdatasync)\(\d+<[^>]*fieldbook\.db-wal>\) = 0/.test(line)) {
      result.walSyncs += 1;
      syncedSinceAck = true;
    } else if (/write\(1<[^>]*>, "saved \d+/.test(line)) {
      result.acks += 1;
      if (syncedSinceAck) result.syncedAcks += 1;
      syncedSinceAck = false;
    }
  }
  return result;
}

// A SIGKILL leaves the OS page cache intact, so kills alone pass with synchronous=OFF. What "Saved" promises
// (the commit is on disk, surviving power loss) is that the WAL was synced before the acknowledgement: count it.
describe('durability: every acknowledged save was synced to disk', () => {
  function appWithConsultation(name: string) {
    const dir = join(work.dir, name);
    mkdirSync(dir, { recursive: true });
    const app = openTestApp({ dir });
    const id = app.consultations.create().consultation.id;
    app.close();
    return { dir, id };
  }

  it('the app as shipped syncs the WAL before each acknowledgement', () => {
    const { dir, id } = appWithConsultation('durable');
    const result = savesUnderStrace(dir, id, 60);
    report.durability = result;
    expect(result.acks).toBe(60);
    expect(result.syncedAcks).toBe(result.acks);
  });

  it('control: the same check fails when synchronous is lowered to NORMAL or OFF', () => {
    for (const level of ['NORMAL', 'OFF']) {
      const { dir, id } = appWithConsultation(`lowered-${level}`);
      const result = savesUnderStrace(dir, id, 60, { FIELDBOOK_CRASH_LOWER_SYNCHRONOUS: level });
      report[`durability_${level}`] = result;
      expect(result.acks).toBe(60);
      expect(result.syncedAcks).toBeLessThan(result.acks / 2);
    }
  });
});
