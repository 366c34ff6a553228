import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

// Kills a worker with SIGKILL at random moments while it writes, hundreds of times, and checks after each
// kill that everything it had acknowledged is there and the file passes integrity_check.

const RUNS = { autosave: 200, version: 100, migration: 40, push: 40 };
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

/** Runs the worker, kills it after `delayMs` once it has opened the database (or at once), returns its acks. */
function runAndKill(args: string[], delayMs: number, killBeforeOpen = false): Promise<{ acks: string[]; exitedByItself: boolean }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => (timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs));
    if (killBeforeOpen) arm();
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('open\n')) arm();
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

const integrity = (file: string) => {
  const db = new Database(file, { readonly: true });
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
    const counts = { kills: 0, acknowledgedVersions: 0 };
    let lastAcked = 1;
    for (let run = 0; run < RUNS.version * scale; run += 1) {
      const { acks } = await runAndKill(['version', dir, id], Math.random() * 40);
      counts.kills += 1;
      const versions = acks.filter((a) => a.startsWith('version ')).map((a) => Number(a.slice(8)));
      if (versions.length) lastAcked = Math.max(...versions);
      counts.acknowledgedVersions += versions.length;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const db = new Database(join(dir, 'fieldbook.db'), { readonly: true });
      const numbers = (db.prepare('SELECT version_number AS n FROM consultation_versions WHERE consultation_id = ? ORDER BY 1').all(id) as { n: number }[]).map((r) => r.n);
      const current = (db.prepare('SELECT current_version AS v FROM consultations WHERE id = ?').get(id) as { v: number }).v;
      db.close();
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
      expect(current).toBe(numbers.length);
      expect(current).toBeGreaterThanOrEqual(lastAcked);
    }
    report.version = counts;
  });

  it('migration: a kill mid-upgrade leaves the previous schema, and the next start completes it without loss', async () => {
    const template = join(work.dir, 'template-0000.db');
    const seed = new Database(template);
    migrate(seed, migrations.slice(0, 1));
    seed.prepare(`INSERT INTO users (id, name, email, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000001', 'Ada', 'a@b.co', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run();
    seedConsultations(seed, '01900000-0000-7000-8000-000000000001', 20_000);
    seed.close();
    const counts = { kills: 0, killedMidMigration: 0, killedBeforeStart: 0 };
    for (let run = 0; run < RUNS.migration * scale; run += 1) {
      const dir = join(work.dir, `migration-${run}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(template, join(dir, 'fieldbook.db'));
      const { acks } = await runAndKill(['open', dir, 'none'], 150 + Math.random() * 900, true);
      counts.kills += 1;
      if (acks.includes('start') && !acks.includes('open')) counts.killedMidMigration += 1;
      if (!acks.includes('start')) counts.killedBeforeStart += 1;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const database = openDatabase(join(dir, 'fieldbook.db'));
      const applied = (database.sqlite.prepare('SELECT count(*) AS n, count(DISTINCT created_at) AS d FROM __drizzle_migrations').get() as { n: number; d: number });
      expect(applied).toEqual({ n: migrations.length, d: migrations.length });
      expect((database.sqlite.prepare('SELECT count(*) AS n FROM consultations').get() as { n: number }).n).toBe(20_000);
      const searchable = (database.sqlite.prepare(`SELECT count(*) AS n FROM consultations_fts WHERE consultations_fts MATCH 'bakery'`).get() as { n: number }).n;
      expect(searchable).toBeGreaterThan(0);
      database.close();
      rmSync(dir, { recursive: true, force: true });
    }
    report.migration = counts;
    expect(counts.killedMidMigration).toBeGreaterThan(0);
  });

  it('sync push: after a kill mid-push, the next sync puts every change on the team database exactly once', async () => {
    const templateDir = join(work.dir, 'push-template');
    mkdirSync(templateDir, { recursive: true });
    const source = openTestApp({ dir: templateDir });
    seedConsultations(source.database.sqlite, source.users.current()!.id, 300);
    source.close();
    const counts = { kills: 0, killedBeforeDone: 0 };
    for (let run = 0; run < RUNS.push * scale; run += 1) {
      const dir = join(work.dir, `push-${run}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(templateDir, 'fieldbook.db'), join(dir, 'fieldbook.db'));
      const remoteFile = join(dir, 'team.db');
      const { acks } = await runAndKill(['push', dir, 'none', remoteFile], Math.random() * 700);
      counts.kills += 1;
      if (!acks.includes('pushed')) counts.killedBeforeDone += 1;
      expect(integrity(join(dir, 'fieldbook.db'))).toBe('ok');
      const database = openDatabase(join(dir, 'fieldbook.db'));
      const remote = createClient({ url: `file:${remoteFile}` });
      const engine = new SyncEngine({ database: () => database, remote, deviceId: 'crash', migrations, settings: createServices(database).settings, batchSize: 50 });
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
    expect(counts.killedBeforeDone).toBeGreaterThan(0);
  });
});
