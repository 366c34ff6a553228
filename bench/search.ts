import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type LocalDatabase } from '../src/main/db/client';
import { ConsultationList } from '../src/main/store/consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';
import { completionOf } from '@shared/consultation/completion';
import { searchMatchQuery } from '@shared/searchText';
import { rng, sectionsFor } from './seed';
import { time, type Row } from './measure';

// Full-text search at 1,000,000 consultations: the dashboard's search query (plan chosen, every statement
// it runs) against the FTS5 floor, the raw `SELECT rowid … MATCH ? ORDER BY rank LIMIT 50` for the same
// match expression on the same file. FIELDBOOK_BENCH_SEARCH_DB keeps the seeded file between runs.

export const SEARCH_ROWS = Number(process.env.FIELDBOOK_BENCH_SEARCH_ROWS ?? 1_000_000);

// One row in ten also holds a sentence in another script, so CJK and Greek searches run on a full index.
const OTHER_SCRIPTS = [
  '订单延误了三天，客户很不满意',
  '配送が遅いという苦情が多い',
  'Κλειστό το Σάββατο, πολλοί πελάτες χάνονται',
  '서울특별시에서 배송이 늦어요',
  'ลูกค้ารอนานเกินไป',
  'تأخير الشحن يزعج العملاء',
  'משלוחים מתעכבים בסוף השבוע',
  'भुगतान धीमा है',
];

const OWNER = '01900000-0000-7000-8000-0000000000a1';

/** Seeds `count` consultations through the app's own connection (the folding function and triggers on). */
export function seedSearchDatabase(database: LocalDatabase, count: number): void {
  const { sqlite } = database;
  const t = '2026-01-01T00:00:00.000Z';
  sqlite.prepare('INSERT OR IGNORE INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(OWNER, 'Ada', 'ada@example.com', t, t);
  const insert = sqlite.prepare(`INSERT INTO consultations (id, user_id, contact_info, business_context, pain_points, goals_objectives,
    status, completion_percentage, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`);
  const r = rng(5);
  const start = Date.parse('2025-01-01T00:00:00Z');
  const batch = 20_000;
  for (let from = 0; from < count; from += batch) {
    sqlite.transaction(() => {
      for (let i = from; i < Math.min(count, from + batch); i += 1) {
        const s = sectionsFor(i);
        if (i % 10 === 0) s.pain_points = { ...s.pain_points, impact_assessment: OTHER_SCRIPTS[(i / 10) % OTHER_SCRIPTS.length] };
        const created = new Date(start + Math.floor(r.next() * 600 * 86_400_000)).toISOString();
        const updated = new Date(Date.parse(created) + Math.floor(r.next() * 30 * 86_400_000)).toISOString();
        const roll = r.next();
        const status = roll < 0.6 ? 'draft' : roll < 0.9 ? 'completed' : 'archived';
        insert.run(
          uuidv7(),
          OWNER,
          JSON.stringify(s.contact_info),
          JSON.stringify(s.business_context),
          JSON.stringify(s.pain_points),
          JSON.stringify(s.goals_objectives),
          status,
          completionOf(s).percentage,
          created,
          updated,
        );
      }
    })();
    if ((from / batch) % 10 === 0) console.log(`  seeded ${from + batch} of ${count}`);
  }
  sqlite.exec('ANALYZE');
}

const CASES: { name: string; query: ListQuery }[] = [
  { name: 'Full-text search, common word ("orders"), newest first', query: { search: 'orders' } },
  { name: 'Full-text search, common word, active only (the dashboard default)', query: { search: 'orders', status: 'active' } },
  { name: 'Full-text search, two common words, newest first', query: { search: 'slow mobile' } },
  { name: 'Full-text search, Chinese substring ("订单"), newest first', query: { search: '订单' } },
  { name: 'Full-text search, unaccented Greek ("σαββατο"), newest first', query: { search: 'σαββατο' } },
  { name: 'Full-text search, rare word (one business), newest first', query: { search: '424242' } },
  { name: 'Full-text search, a business name with thousands of matches ("lumière bakery"), newest first', query: { search: 'lumière bakery' } },
  {
    name: 'Full-text search, "lumière bakery" as the dashboard asks (active only, 100 a page)',
    query: { search: 'lumière bakery', status: 'active', limit: 100 },
  },
  { name: 'Full-text search, common word, by business name', query: { search: 'orders', sort: 'business_name', direction: 'asc' } },
  { name: 'Full-text search, common word + status Completed', query: { search: 'orders', status: 'completed' } },
  { name: 'Full-text search, common word + urgency + industry', query: { search: 'orders', urgency: 'high', industry: 'Retail' } },
];

/** How the list ran the query, in words for the notes column. */
function howRun(text: string): string {
  // The later-visits lookup names its own index; only a sort index means the page walks one.
  const walks =
    /INDEXED BY "idx_consultations_(updated_at|created_at|completion|contact_business_name|(industry_urgency|industry|urgency|status)_updated)"/.test(text);
  const check = text.includes('instr(')
    ? "checks each row's indexed text"
    : text.includes('json_each') && text.includes('k."search_rowid" IN (SELECT value FROM json_each')
      ? walks
        ? 'keeps the entries among the matches the plan read (bounded walk; sorts every match if it falls short)'
        : 'sorts the matches the plan read, by key'
      : text.includes('json_each')
        ? 'checks each row against the set of matching rowids the plan read'
        : text.includes('IN (SELECT rowid')
          ? 'checks each row against the set of matching rowids'
          : 'collects from the text index';
  return walks ? `walks the sort index, ${check}` : check;
}

export function searchBench(dir: string): Row[] {
  const file = process.env.FIELDBOOK_BENCH_SEARCH_DB ?? join(dir, 'search.db');
  const fresh = !existsSync(file);
  const database = openDatabase(file);
  try {
    if (fresh) seedSearchDatabase(database, SEARCH_ROWS);
    const list = new ConsultationList(database.sqlite);
    const rows: Row[] = [];
    for (const { name, query } of CASES) {
      const parsed = listQuerySchema.parse(query);
      const match = searchMatchQuery(parsed.search!)!;
      const floor = database.sqlite.prepare(`SELECT rowid FROM "consultations_fts" WHERE "consultations_fts" MATCH ? ORDER BY rank LIMIT ?`);
      const floorMs = time(() => floor.all(match, parsed.limit), 15, 3);
      let found = 0;
      const ms = time(
        () => {
          found = list.page(parsed).items.length;
        },
        15,
        3,
      );
      const matches = (database.sqlite.prepare(`SELECT count(*) AS n FROM "consultations_fts" WHERE "consultations_fts" MATCH ?`).get(match) as { n: number })
        .n;
      const filtered = Boolean(parsed.status || parsed.urgency || parsed.industry);
      rows.push({
        name,
        ms,
        baselineMs: floorMs,
        baseline: 'FTS5 floor: `SELECT rowid … MATCH ? ORDER BY rank LIMIT 50`',
        aim: filtered ? 'correct first' : '< 50 ms, < 2×',
        note: `${matches.toLocaleString('en-US')} text matches, page of ${found}; ${howRun(list.planned(parsed).text)}`,
      });
    }
    return rows;
  } finally {
    database.close();
  }
}

/** The section `bench/run.ts` lists. */
export const searchSection = {
  title: `Full-text search (${SEARCH_ROWS.toLocaleString('en-US')} consultations)`,
  intro:
    'The dashboard list with search text (every statement it runs, plan chosen) against the FTS5 floor for the same match expression on the same file: `SELECT rowid FROM consultations_fts WHERE consultations_fts MATCH ? ORDER BY rank LIMIT 50`. One row in ten also holds a sentence in Chinese, Japanese, Greek, Korean, Thai, Arabic, Hebrew or Hindi. With a filter the answer must be right first.',
  run: searchBench,
};
