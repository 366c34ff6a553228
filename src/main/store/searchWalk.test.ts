import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../../test/tempDatabase';
import { seedConsultations } from '../../../bench/seed';
import { ConsultationList } from './consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';

// Search with hundreds of matches in thousands of rows: the page walks the sort index (bounded) and keeps the
// entries among the matches the plan read, falling back to sorting every match when the walk falls short.
// Whatever it does, paging must list exactly what the plain MATCH plan lists, in its order.

const ROWS = 6_000;
let app: TestApp;

beforeAll(() => {
  app = openTestApp();
  const sqlite = app.database.sqlite;
  seedConsultations(sqlite, app.users.current()!.id, ROWS);
  sqlite.transaction(() => {
    // "quokka": one row in fifteen, spread over every order. "wombat": the 150 newest by creation, together at one end.
    sqlite.exec(`UPDATE consultations SET pain_points = json_set(pain_points, '$.impact_assessment', 'Quokka sightings') WHERE rowid % 15 = 0`);
    sqlite.exec(`UPDATE consultations SET pain_points = json_set(pain_points, '$.impact_assessment', 'Wombat burrows')
      WHERE id IN (SELECT id FROM consultations ORDER BY created_at DESC LIMIT 150)`);
    // Ties on every sort key, so the id breaks them across page boundaries.
    sqlite.exec(`UPDATE consultations SET updated_at = '2025-06-01T00:00:00.000Z' WHERE rowid % 45 = 0`);
    sqlite.exec(`UPDATE consultations SET created_at = '2025-03-01T00:00:00.000Z' WHERE rowid % 30 = 0`);
  })();
}, 120_000);
afterAll(() => app.close());

/** The same query in one page through the plain MATCH plan (nothing read ahead, no walk). */
function reference(query: ListQuery): string[] {
  const list = new ConsultationList(app.database.sqlite);
  const parsed = { ...listQuerySchema.parse(query), limit: 10_000 };
  const { text, params } = list.build(parsed, { walkSortIndex: false, checkEachRow: false });
  return (app.database.sqlite.prepare(text).all(...params) as { id: string }[]).map((r) => r.id);
}

/** How the app's page ran: whether it walked the sort index, and how many page statements it needed. */
function howPaged(query: ListQuery): { walked: boolean; pageStatements: number } {
  const run = new ConsultationList(app.database.sqlite).statementsRun(listQuerySchema.parse(query));
  const pages = run.filter((s) => !s.counts && !/MATCH/.test(s.text));
  return { walked: /INDEXED BY "idx_consultations_(updated_at|created_at|completion)"/.test(pages[0]?.text ?? ''), pageStatements: pages.length };
}

function paged(query: ListQuery): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 500; guard += 1) {
    const page = app.consultations.list({ ...query, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('search walking the sort index over the matches the plan read', () => {
  it('lists exactly what the plain MATCH plan lists, for every sort, direction, status filter and cursor', () => {
    let compared = 0;
    let walked = 0;
    let fellBack = 0;
    for (const search of ['quokka', 'wombat', 'QUOKKA sight']) {
      for (const sort of ['updated', 'created', 'completion', 'business_name'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          for (const filter of [{}, { status: 'active' as const }, { status: 'completed' as const }, { industry: 'Retail' }]) {
            const query: ListQuery = { search, sort, direction, limit: 20, ...filter };
            const expected = reference(query);
            expect(paged(query), JSON.stringify(query)).toEqual(expected);
            compared += expected.length;
            const how = howPaged(query);
            if (how.walked) walked += 1;
            if (how.walked && how.pageStatements === 2) fellBack += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    // Both paths were taken: pages from the walk, and pages the walk could not fill, made by sorting every match.
    expect(walked).toBeGreaterThan(20);
    expect(fellBack).toBeGreaterThan(0);
    expect(howPaged({ search: 'quokka', limit: 20 })).toEqual({ walked: true, pageStatements: 1 });
    expect(howPaged({ search: 'wombat', sort: 'created', direction: 'asc', limit: 20 })).toEqual({ walked: true, pageStatements: 2 });
    // A last page: the walk reached the end of the index short of a page, which is then whole (no sort of every match).
    const firstPage = app.consultations.list({ search: 'quokka', limit: 20 });
    const all = reference({ search: 'quokka' });
    const last = all[all.length - 5]!;
    const lastRow = app.database.sqlite.prepare('SELECT updated_at AS u FROM consultations WHERE id = ?').get(last) as { u: string };
    const cursor = Buffer.from(JSON.stringify([lastRow.u, last])).toString('base64url');
    expect(firstPage.nextCursor).not.toBeNull();
    expect(howPaged({ search: 'quokka', limit: 20, cursor })).toEqual({ walked: true, pageStatements: 1 });
    expect(app.consultations.list({ search: 'quokka', limit: 20, cursor }).items.map((i) => i.id)).toEqual(all.slice(-4));
    // Filters whose share of the rows is unknown sort every match.
    expect(howPaged({ search: 'quokka', industry: 'Retail', limit: 20 }).walked).toBe(false);
  }, 300_000);

  it('rows edited between pages: nothing listed twice, every untouched match listed', () => {
    for (const sort of ['updated', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const query: ListQuery = { search: 'quokka', status: 'draft', sort, direction, limit: 20 };
        expect(howPaged(query).walked).toBe(true);
        const all = reference(query);
        const seen: string[] = [];
        const touched = new Set<string>();
        let cursor: string | undefined;
        for (let guard = 0; guard < 200; guard += 1) {
          const page = app.consultations.list({ ...query, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((i) => i.id));
          // Edit a match not yet listed (its updated time moves to now) between pages.
          const next = all.find((id) => !seen.includes(id) && !touched.has(id));
          if (next) {
            touched.add(next);
            app.consultations.autosave({ consultationId: next, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + guard}` }] });
          }
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(touched.size).toBeGreaterThan(5);
        expect(new Set(seen).size).toBe(seen.length);
        for (const id of all) if (!touched.has(id)) expect(seen).toContain(id);
      }
    }
  }, 300_000);

  it('keeps its plan after ANALYZE and PRAGMA optimize: the covering sort index drives, matches are a set, rows are read for the page only', () => {
    app.database.sqlite.exec('ANALYZE');
    app.database.sqlite.pragma('optimize');
    for (const [sort, index] of [
      ['updated', 'idx_consultations_updated_at'],
      ['created', 'idx_consultations_created_at'],
      ['completion', 'idx_consultations_completion'],
    ] as const) {
      for (const filter of [{}, { status: 'active' as const }]) {
        const query: ListQuery = { search: 'quokka', sort, limit: 20, ...filter };
        expect(howPaged(query).walked, JSON.stringify(query)).toBe(true);
        const plan = app.consultations.explainList(query);
        const text = plan.join('\n');
        // The walk reads the index alone (key and id), and is the outer loop of the page's choice.
        expect(
          plan.find((line) => /^SCAN /.test(line)),
          JSON.stringify(query),
        ).toBe(`SCAN c USING COVERING INDEX ${index}`);
        expect(text).toMatch(/SEARCH k USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(text).toMatch(/LIST SUBQUERY/);
        // The status is read only for entries among the matches, by primary key; the table is never scanned.
        expect(text).not.toMatch(/SCAN c\b(?! USING COVERING INDEX)/);
        if (filter.status) expect(text).toMatch(/SEARCH c USING INDEX sqlite_autoindex_consultations_1 \(id=\?\)/);
        // One sort, of the page's own rows: the walk's order is the index's.
        expect(plan.filter((line) => /TEMP B-TREE/.test(line))).toHaveLength(1);
        expect(text).toMatch(/SEARCH f USING (COVERING )?INDEX idx_consultations_follow_up_of/);
      }
    }
    // And what it lists after the statistics is still what the plain plan lists.
    const query: ListQuery = { search: 'quokka', status: 'active', limit: 20 };
    expect(paged(query)).toEqual(reference(query));
  }, 120_000);
});

describe('a search by last change with industry, urgency or one status asked for, with many matches', () => {
  const COMPOSITE: [ListQuery, string][] = [
    [{ search: 'orders', urgency: 'high' }, 'idx_consultations_urgency_updated'],
    [{ search: 'orders', urgency: 'low', direction: 'asc' }, 'idx_consultations_urgency_updated'],
    [{ search: 'orders', industry: 'Retail' }, 'idx_consultations_industry_updated'],
    [{ search: 'orders', industry: 'Retail', urgency: 'high', direction: 'asc' }, 'idx_consultations_industry_urgency_updated'],
    [{ search: 'orders', industry: 'Logistics', urgency: 'medium', status: 'draft' }, 'idx_consultations_industry_urgency_updated'],
    [{ search: 'orders', status: 'completed' }, 'idx_consultations_status_updated'],
    [{ search: 'orders', status: 'draft', urgency: 'critical', direction: 'asc' }, 'idx_consultations_urgency_updated'],
    [{ search: 'orders', status: 'active', industry: 'Healthcare' }, 'idx_consultations_industry_updated'],
  ];

  const run = (text: string, params: unknown[]) => (app.database.sqlite.prepare(text).all(...params) as { id: string }[]).map((r) => r.id);

  it('walks the composite index holding only those rows, and every page, edits between pages, is the plain plan page', () => {
    const list = new ConsultationList(app.database.sqlite);
    expect(reference({ search: 'orders' }).length).toBeGreaterThan(1_000);
    let compared = 0;
    let edits = 0;
    for (const [query, index] of COMPOSITE) {
      let cursor: string | undefined;
      for (let pageNo = 0; pageNo < 200; pageNo += 1) {
        const parsed = listQuerySchema.parse({ ...query, limit: 30, ...(cursor ? { cursor } : {}) });
        const plain = list.build(parsed, { walkSortIndex: false, checkEachRow: false });
        const expected = run(plain.text, plain.params);
        // Both ways of checking the text on each row met, walking the composite index in the query's order.
        for (const checkEachRow of ['set', 'text'] as const) {
          const walk = list.build(parsed, { walkSortIndex: true, checkEachRow, ...(checkEachRow === 'set' ? { matches: matchRowids('orders') } : {}) });
          expect(walk.text).toContain(`INDEXED BY "${index}"`);
          expect(run(walk.text, walk.params), `${checkEachRow} page ${pageNo} of ${JSON.stringify(query)}`).toEqual(expected);
        }
        const page = app.consultations.list({ ...query, limit: 30, ...(cursor ? { cursor } : {}) });
        expect(
          page.items.map((i) => i.id),
          `app page ${pageNo} of ${JSON.stringify(query)}`,
        ).toEqual(expected.slice(0, 30));
        compared += expected.length;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
        // Between pages, a row of the next page moves to now, leaves the filter, or stops matching the text.
        const next = expected[30 + (pageNo % 5)];
        if (next) {
          // As a pull from the team writes them, whatever the row's status (a completed row is not the consultant's to edit).
          const now = new Date().toISOString();
          const [edit, ...params] = [
            [`SET updated_at = ?`, now],
            [`SET pain_points = json_set(pain_points, '$.urgency_level', ?), updated_at = ?`, query.urgency === 'low' ? 'high' : 'low', now],
            [`SET business_context = json_set(business_context, '$.industry', 'Energy'), updated_at = ?`, now],
            [`SET contact_info = '{}', business_context = '{}', pain_points = '{}', goals_objectives = '{}', updated_at = ?`, now],
            [`SET status = 'archived', updated_at = ?`, now],
          ][edits % 5]!;
          app.database.sqlite.prepare(`UPDATE consultations ${edit} WHERE id = ?`).run(...params, next);
          edits += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(2_000);
    expect(edits).toBeGreaterThan(20);
  }, 300_000);

  it('reads each row of the composite index in order (no sort step, the cursor a range on it), and the app takes it above the threshold', () => {
    for (const [query, index] of COMPOSITE) {
      for (const cursor of [undefined, Buffer.from(JSON.stringify(['2025-06-01T00:00:00.000Z', 'm'])).toString('base64url')]) {
        const parsed = listQuerySchema.parse({ ...query, ...(cursor ? { cursor } : {}) });
        const { text, params } = new ConsultationList(app.database.sqlite).build(parsed, { walkSortIndex: true, checkEachRow: 'text' });
        const plan = (app.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((r) => r.detail);
        const walk = plan.find((line) => line.includes(index));
        expect(walk, JSON.stringify(query)).toMatch(cursor ? /\(updated_at,id\)[<>]\(\?,\?\)/ : /^SEARCH c USING INDEX/);
        expect(
          plan.filter((line) => /TEMP B-TREE/.test(line)),
          JSON.stringify(query),
        ).toHaveLength(0);
      }
    }
    // With enough rows behind the filter (a quarter of 6,000 each urgency), the app's own plan walks the composite index.
    const run = new ConsultationList(app.database.sqlite).statementsRun(listQuerySchema.parse({ search: 'orders', urgency: 'high' }));
    expect(run.filter((s) => !s.counts && !/MATCH/.test(s.text))[0]!.text).toContain('INDEXED BY "idx_consultations_urgency_updated"');
  });
});

/** Every full-text rowid matching a word, as the plan reads them. */
function matchRowids(word: string): number[] {
  return app.database.sqlite.prepare(`SELECT rowid FROM consultations_fts WHERE consultations_fts MATCH ?`).pluck().all(`"${word}"*`) as number[];
}
