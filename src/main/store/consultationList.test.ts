import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../../test/tempDatabase';
import { URGENCY_LEVELS } from '@shared/consultation/fields';
import { ConsultationList, ftsQuery } from './consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';

let app: TestApp;
const INDUSTRIES = ['Retail', 'Healthcare', 'Logistics', 'Hospitality'];
const NAMES = ['alpha', 'Beta', 'gamma', 'Delta', 'epsilon', 'Zeta', 'eta', 'Theta'];

beforeAll(() => {
  app = openTestApp();
  for (let i = 0; i < 120; i += 1) {
    const name = i % 10 === 9 ? undefined : `${NAMES[i % NAMES.length]} ${String(i).padStart(3, '0')}`;
    const { consultation } = app.consultations.create({
      sections: {
        contact_info: name ? { business_name: name } : {},
        business_context: { industry: INDUSTRIES[i % INDUSTRIES.length] },
        pain_points: { urgency_level: URGENCY_LEVELS[i % 4], primary_challenges: i % 7 === 0 ? ['Warehouse scanners drop orders'] : ['Slow website'] },
      },
    });
    if (i % 5 === 0) app.consultations.archive({ consultationId: consultation.id });
  }
});
afterAll(() => app.close());

function walkAll(query: ListQuery, limit = 7) {
  const seen: string[] = [];
  const rows = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = app.consultations.list({ ...query, limit, cursor });
    rows.push(...page.items);
    seen.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ids: seen, rows };
}

describe('list', () => {
  it.each([
    ['updated', 'desc'],
    ['created', 'asc'],
    ['business_name', 'asc'],
    ['business_name', 'desc'],
    ['completion', 'desc'],
  ] as const)('pages by %s %s visit every row exactly once, in order', (sort, direction) => {
    const { ids, rows } = walkAll({ sort, direction });
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    const key = (r: (typeof rows)[number]) =>
      sort === 'updated'
        ? r.updatedAt
        : sort === 'created'
          ? r.createdAt
          : sort === 'completion'
            ? r.completionPercentage
            : (r.businessName ?? '').toLowerCase();
    const keys = rows.map(key);
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(keys).toEqual(direction === 'asc' ? sorted : sorted.reverse());
  });

  it('filters by status, industry and urgency together, and by owner', () => {
    const { rows } = walkAll({ status: 'draft', industry: 'Retail', urgency: 'low' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'draft' && r.industry === 'Retail' && r.urgency === 'low')).toBe(true);
    // i % 4 === 0 gives Retail+low; of the 30 such rows, i % 5 === 0 are archived (i % 20 === 0: 6 rows).
    expect(rows).toHaveLength(24);
    const me = app.users.current()!.id;
    expect(walkAll({ ownerId: me }).ids).toHaveLength(120);
    expect(app.consultations.counts()).toEqual({ draft: 96, completed: 0, archived: 24 });
    expect(app.consultations.industries()).toEqual([...INDUSTRIES].sort());
  });

  it('finds business names by case-insensitive prefix', () => {
    const { rows } = walkAll({ namePrefix: 'DEL', sort: 'business_name', direction: 'asc' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.businessName!.startsWith('Delta'))).toBe(true);
  });

  it('searches the text of all sections, every word as a prefix', () => {
    const { rows } = walkAll({ search: 'wareh scanner' });
    expect(rows).toHaveLength(Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 7 === 0).length);
    expect(walkAll({ search: '"; DROP TABLE consultations; --' }).ids).toHaveLength(0);
    expect(ftsQuery('  "quoted"  words* ')).toBe('"quoted"* "words"*');
    expect(ftsQuery(' -- ')).toBeNull();
  });

  it('treats blank search and prefix as no filter (found by the bridge fuzz test); punctuation alone finds nothing', () => {
    for (const query of [{ search: ' ' }, { namePrefix: '   ' }, { search: ' ', sort: 'business_name' as const }]) {
      expect(walkAll(query).ids).toHaveLength(120);
    }
    expect(walkAll({ search: '--' }).ids).toEqual([]);
  });

  it('rejects a cursor that was not made by the list', () => {
    expect(() => app.consultations.list({ cursor: 'bm90IGEgY3Vyc29y' })).toThrow(/expired/);
    const page = app.consultations.list({ sort: 'completion', limit: 2 });
    expect(() => app.consultations.list({ sort: 'updated', cursor: page.nextCursor! })).toThrow(/expired/);
  });
});

describe('query plans', () => {
  // The acceptance rule: queries use the exact expression their index is built on.
  const plan = (query: ListQuery) => app.consultations.explainList(query).join('\n');

  it('uses the expression indexes for industry, urgency and business-name prefix', () => {
    // Each filter is served by an index built on its exact expression (the seed's, or a 0002 composite).
    expect(plan({ industry: 'Retail' })).toMatch(/idx_consultations_industry_updated \(<expr>=\?\)/);
    expect(plan({ industry: 'Retail', sort: 'created' })).toMatch(/idx_consultations_(business_industry|industry_updated) \(<expr>=\?\)/);
    expect(plan({ industry: 'Retail', urgency: 'low' })).toMatch(/idx_consultations_industry_urgency_updated \(<expr>=\? AND <expr>=\?\)/);
    expect(plan({ urgency: 'high', sort: 'created' })).toMatch(/idx_consultations_(urgency|urgency_updated) \(<expr>=\?\)/);
    expect(plan({ namePrefix: 'al', sort: 'business_name', direction: 'asc' })).toMatch(/idx_consultations_contact_business_name \(<expr>>\? AND <expr><\?\)/);
  });

  it('walks the sort index without a sort step for every sort key', () => {
    for (const [sort, index] of [
      ['updated', 'idx_consultations_updated_at'],
      ['created', 'idx_consultations_created_at'],
      ['business_name', 'idx_consultations_contact_business_name'],
      ['completion', 'idx_consultations_completion'],
    ] as const) {
      const p = plan({ sort });
      expect(p).toMatch(new RegExp(`SCAN c USING INDEX ${index}`));
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('searches through the full-text index once: the plan reads the few matches, the page looks them up by key', () => {
    const run = new ConsultationList(app.database.sqlite).statementsRun(listQuerySchema.parse({ search: 'scanner' }));
    expect(run.filter((s) => /MATCH/.test(s.text))).toHaveLength(1);
    expect(run.find((s) => /MATCH/.test(s.text))!.counts).toBe(false);
    const page = plan({ search: 'scanner' });
    expect(page).not.toMatch(/VIRTUAL TABLE INDEX 0:M/);
    expect(page).toMatch(/SCAN json_each VIRTUAL TABLE/);
    expect(page).toMatch(/SEARCH k USING INTEGER PRIMARY KEY/);
    // What the page finds is exactly what the full-text index matches.
    const ids = app.consultations.list({ search: 'scanner', limit: 100 }).items.map((c) => c.id);
    const direct = app.database.sqlite
      .prepare(
        `SELECT k.consultation_id AS id FROM consultations_fts f JOIN consultation_search_keys k ON k.search_rowid = f.rowid WHERE consultations_fts MATCH ?`,
      )
      .pluck()
      .all(ftsQuery('scanner')) as string[];
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual([...direct].sort());
  });

  it("writes the page's row limit into its statement: a bound LIMIT makes SQLite prepare the statement again on every run", () => {
    const list = new ConsultationList(app.database.sqlite);
    for (const query of [
      { search: 'scanner' },
      { search: 'scanner', limit: 3 },
      { search: 'slow' },
      {},
      { industry: 'Retail', sort: 'created' },
    ] as ListQuery[]) {
      const parsed = listQuerySchema.parse(query);
      const pages = list.statementsRun(parsed).filter((s) => !s.counts && !/MATCH/.test(s.text));
      expect(pages.length, JSON.stringify(query)).toBeGreaterThan(0);
      for (const page of pages) {
        // A bounded walk's own bound stays bound (it differs with every search; the walk costs milliseconds anyway).
        expect(page.text.replace(/LIMIT \?\) w\b/, ''), JSON.stringify(query)).not.toMatch(/LIMIT \?/);
        expect(page.text, JSON.stringify(query)).toMatch(new RegExp(`LIMIT ${parsed.limit + 1}\\b`));
      }
    }
    // The same statement serves the same page again, its limit as asked.
    expect(app.consultations.list({ search: 'scanner', limit: 3 }).items).toHaveLength(3);
    expect(() => list.build({ ...listQuerySchema.parse({}), limit: 1.5 })).toThrow(/Not a row limit/);
  });
});

describe('later visits after the planner has statistics', () => {
  it('are found by their link even when almost no consultation is a follow-up (PRAGMA optimize analysed the table)', async () => {
    const { seedConsultations } = await import('../../../bench/seed');
    const analysed = openTestApp();
    try {
      seedConsultations(analysed.database.sqlite, analysed.users.current()!.id, 3000);
      const first = analysed.consultations.list({ limit: 1 }).items[0]!.id;
      const followUp = analysed.consultations.createFollowUp({ consultationId: first }).consultation.id;
      // What the app's `PRAGMA optimize` does on a big table: statistics saying follow_up_of is nearly always empty.
      analysed.database.sqlite.exec('ANALYZE');
      for (const query of [{}, { latestVisits: true }, { search: 'orders' }, { sort: 'business_name' as const, direction: 'asc' as const }]) {
        const plan = analysed.consultations.explainList(query).join('\n');
        expect(plan).toMatch(/SEARCH f USING (COVERING )?INDEX idx_consultations_follow_up_of/);
        expect(plan).not.toMatch(/SEARCH f USING (COVERING )?INDEX idx_consultations_created_at/);
      }
      const listed = analysed.consultations.list({ limit: 100 }).items;
      expect(listed.find((c) => c.id === first)?.hasLaterVisit).toBe(true);
      expect(listed.find((c) => c.id === followUp)?.hasLaterVisit).toBe(false);
      expect(analysed.consultations.list({ latestVisits: true, limit: 100 }).items.map((c) => c.id)).not.toContain(first);
    } finally {
      analysed.close();
    }
  });
});

describe('plans with many matches', () => {
  it('walk the sort index above the threshold and return exactly what filtering and sorting everything returns', async () => {
    const { seedConsultations } = await import('../../../bench/seed');
    const { MANY_MATCHES } = await import('./consultationList');
    const big = openTestApp();
    try {
      seedConsultations(big.database.sqlite, big.users.current()!.id, MANY_MATCHES * 3);
      const all = walkAllIn(big, {});
      for (const query of [
        { search: 'orders', sort: 'updated' as const, direction: 'desc' as const },
        { status: 'draft' as const, sort: 'business_name' as const, direction: 'asc' as const },
      ]) {
        expect(big.consultations.explainList(query).join('\n')).toMatch(/SCAN c USING (COVERING )?INDEX idx_consultations_(updated_at|contact_business_name)/);
        const got = walkAllIn(big, query);
        const expected = all
          .filter((r) => (query.status ? r.status === query.status : true))
          .filter((r) =>
            query.search
              ? big.database.sqlite
                  .prepare(`SELECT 1 FROM consultations WHERE id = ? AND (contact_info || pain_points || goals_objectives || business_context) LIKE '%orders%'`)
                  .get(r.id)
              : true,
          );
        expect(got.length).toBe(expected.length);
        expect(new Set(got.map((r) => r.id))).toEqual(new Set(expected.map((r) => r.id)));
        expect(got.length).toBeGreaterThanOrEqual(MANY_MATCHES);
      }
    } finally {
      big.close();
    }
  });
});

function walkAllIn(target: TestApp, query: ListQuery) {
  const rows = [];
  let cursor: string | undefined;
  for (;;) {
    const page = target.consultations.list({ ...query, limit: 200, cursor });
    rows.push(...page.items);
    if (!page.nextCursor) return rows;
    cursor = page.nextCursor;
  }
}

describe('active consultations', () => {
  it('leaves archived ones out of "active", page after page, and counts them apart', () => {
    const active = walkAll({ status: 'active' }).rows;
    const archived = walkAll({ status: 'archived' }).rows;
    const counts = app.consultations.counts();
    expect(archived.length).toBeGreaterThan(0);
    expect(active.every((r) => r.status !== 'archived')).toBe(true);
    expect(active.length).toBe(counts.draft + counts.completed);
    expect(active.length + archived.length).toBe(walkAll({}).rows.length);
  });
});

describe('search text without words', () => {
  it('a lone emoji or "*" finds nothing instead of every row; blank text is no search at all', () => {
    expect(app.consultations.list({ search: '😀' }).items).toEqual([]);
    expect(app.consultations.list({ search: '*' }).items).toEqual([]);
    expect(app.consultations.list({ search: '   ' }).items.length).toBe(app.consultations.list({}).items.length);
  });
});
