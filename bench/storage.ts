import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDatabase } from '../src/main/db/client';
import { registerSearchFunction } from '../src/main/db/searchFunction';
import { createServices } from '../src/main/services';
import { ConsultationList } from '../src/main/store/consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';
import { seedConsultations } from './seed';
import { time, type Row } from './measure';

export const CONSULTATIONS = 100_000;

/** The local database at 100,000 consultations: each service call against the same SQL through plain better-sqlite3. */
export function storageBench(dir: string): Row[] {
  const file = join(dir, 'bench.db');
  const database = openDatabase(file);
  const services = createServices(database);
  const user = services.users.saveProfile({ name: 'Bench', email: 'bench@example.com' });
  const t0 = Date.now();
  seedConsultations(database.sqlite, user.id, CONSULTATIONS);
  const seedSeconds = (Date.now() - t0) / 1000;
  const rows: Row[] = [];
  const c = services.consultations;

  // Raw: a second plain connection on the same file with the same pragmas, statements prepared once.
  const raw = new Database(file);
  // The search triggers call the app's folding function: the raw connection does the same work.
  registerSearchFunction(raw);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');

  // Autosave of one field (the draft exists: every pause after the first).
  const [target, rawTarget] = (
    database.sqlite.prepare(`SELECT id FROM consultations WHERE status = 'draft' ORDER BY id DESC LIMIT 2`).all() as { id: string }[]
  ).map((r) => r.id) as [string, string];
  const typeName = (name: string) => c.autosave({ consultationId: target, edits: [{ path: 'contact_info.business_name', value: name }] });
  typeName('Bench 0');
  // The same statements a field edit runs (read the consultation and its newest version, write the working
  // copy: its search and sync triggers fire as in the app), in one immediate transaction, without
  // validation, ownership/status checks, completion or mapping.
  const readConsultation = raw.prepare(`SELECT * FROM consultations WHERE id = ?`);
  const readVersion = raw.prepare(`SELECT * FROM consultation_versions WHERE consultation_id = ? AND version_number = ?`);
  const writeWorking = raw.prepare(`UPDATE consultations SET contact_info = json_set(contact_info, '$.business_name', ?), updated_at = ? WHERE id = ?`);
  const rawAutosave = raw.transaction((text: string) => {
    const row = readConsultation.get(target) as { current_version: number };
    readVersion.get(target, row.current_version);
    writeWorking.run(text, new Date().toISOString(), target);
  });
  rows.push({
    name: 'Autosave one field',
    ms: time((i) => void typeName(`Bench ${i}`), 400),
    baselineMs: time((i) => void rawAutosave.immediate(`Raw ${i}`), 400),
    baseline: 'same reads and write in one transaction',
    aim: '< 1 ms',
  });

  // Save as version: autosave a change, then time the save itself.
  let version = c.get({ consultationId: target }).consultation.currentVersion;
  const saveTimes: number[] = [];
  const rawSave = raw.transaction((id: string, n: number) => {
    raw
      .prepare(
        `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, business_context, pain_points, goals_objectives, status, completion_percentage, change_summary, changed_fields, created_at)
      SELECT ?, id, user_id, ?, contact_info, business_context, pain_points, goals_objectives, status, completion_percentage, 'x', '["contact_info.business_name"]', ? FROM consultations WHERE id = ?`,
      )
      .run(crypto.randomUUID(), n, new Date().toISOString(), id);
    raw
      .prepare(`UPDATE consultations SET contact_info = json_set(contact_info, '$.business_name', ?), current_version = ?, updated_at = ? WHERE id = ?`)
      .run(`Raw ${n}`, n, new Date().toISOString(), id);
  });
  const { median } = { median: (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]! };
  for (let i = 0; i < 60; i += 1) {
    typeName(`Saved ${i}`);
    const t = process.hrtime.bigint();
    c.saveVersion({ consultationId: target, expectedVersion: version });
    saveTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    version += 1;
  }
  let rawVersion = 1;
  rows.push({
    name: 'Save draft as version',
    ms: median(saveTimes),
    baselineMs: time(() => void rawSave(rawTarget, ++rawVersion), 60, 5),
    baseline: 'INSERT version + UPDATE consultation in one transaction',
    aim: '< 10 ms',
  });

  // The dashboard's queries: service vs the identical SQL through plain better-sqlite3.
  const sqlOf = new ConsultationList(raw);
  const listCase = (name: string, query: ListQuery, runs = 200) => {
    // The baseline runs every statement the page runs (the plan's capped counts, then the page), prepared once.
    const statements = sqlOf.statementsRun(listQuerySchema.parse(query)).map((s) => ({ statement: raw.prepare(s.text), params: s.params, counts: s.counts }));
    const rawPage = () => {
      for (const s of statements) void (s.counts ? s.statement.get(...s.params) : s.statement.all(...s.params));
    };
    const parsed = listQuerySchema.parse(query);
    const count = c.list(parsed).items.length;
    rows.push({
      name,
      ms: time(() => void c.list(listQuerySchema.parse(query)), runs),
      baselineMs: time(rawPage, runs),
      baseline:
        statements.length > 1
          ? `same ${statements.length} statements (the plan's reads, then the page), plain better-sqlite3`
          : 'same SQL, plain better-sqlite3',
      aim: '< 10 ms',
      note: `${count} rows`,
    });
  };
  listCase('List first page by updated (50)', { limit: 50 });
  listCase('Filter industry + urgency (50)', { industry: 'Retail', urgency: 'high', limit: 50 });
  listCase('Filter urgency only (50)', { urgency: 'critical', limit: 50 });
  listCase('Filter status, sort by business name (50)', { status: 'completed', sort: 'business_name', direction: 'asc', limit: 50 });
  listCase('Business-name prefix search (50)', { namePrefix: 'harb', sort: 'business_name', direction: 'asc', limit: 50 });
  listCase('Full-text search, common words "warehouse scanners" (50)', { search: 'warehouse scanners', limit: 50 }, 100);
  listCase('Full-text search, rare words "lumière bakery" (50)', { search: 'lumière bakery', limit: 50 }, 100);

  raw.close();
  database.close();

  // Open + migrate an existing 100,000-row database (what every start does).
  rows.push({
    name: 'Open database + migrate (up to date)',
    ms: time(() => openDatabase(file).close(), 30, 3),
    baselineMs: time(
      () => {
        const db = new Database(file);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('foreign_keys = ON');
        db.close();
      },
      30,
      3,
    ),
    baseline: 'open + the same pragmas, no migration check',
    aim: '< 50 ms',
  });
  rows.push({ name: `Seed ${CONSULTATIONS.toLocaleString('en-US')} consultations (setup, not a target)`, ms: seedSeconds * 1000 });
  return rows;
}
