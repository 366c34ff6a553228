import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { ConsultationList } from '../../src/main/store/consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';

// Dashboard search with few matches: the plan reads the full-text rowids once and the page looks them up after
// sorting on the key only. Paged with cursors, it must list exactly what the plain MATCH query lists, in its order.

let app: TestApp | null = null;
afterEach(() => {
  app?.close();
  app = null;
});

const NAMES = ['Zebra Ñandú', 'zebra ñandu', 'Ålesund Zebra', 'Zèbre Café', 'Зебра Москва', '斑马 zebra', 'Acme', 'Bakery', ''];

function seed(a: TestApp): string[] {
  const ids: string[] = [];
  for (let i = 0; i < 90; i += 1) {
    const s = fullSections(NAMES[i % NAMES.length]);
    s.contact_info.contact_person = i % 4 === 0 ? 'Zebra Keeper' : 'Someone Else';
    s.business_context.industry = i % 3 === 0 ? 'Retail' : 'Food & Beverage';
    // Completion ties and differences.
    if (i % 5 === 0) s.goals_objectives = {} as never;
    const id = a.consultations.create({ sections: s }).consultation.id;
    if (i % 7 === 0 && i % 5 !== 0) a.consultations.complete({ consultationId: id });
    // Every sixth visit is a follow-up of the one before (made after it), so "latest visits" hides some matches.
    if (i % 6 === 5) a.database.sqlite.prepare('UPDATE consultations SET follow_up_of = ? WHERE id = ?').run(ids[i - 1]!, id);
    ids.push(id);
  }
  return ids;
}

/** Every page, following the cursors, through the app. */
function paged(a: TestApp, query: ListQuery): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 200; guard += 1) {
    const page = a.consultations.list({ ...query, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

/** The same query in one page through the plain MATCH plan (no rowids read ahead). */
function reference(a: TestApp, query: ListQuery): string[] {
  const list = new ConsultationList(a.database.sqlite);
  const parsed = listQuerySchema.parse({ ...query, limit: 200 });
  const { text, params } = list.build(parsed, { walkSortIndex: false, checkEachRow: false });
  return (a.database.sqlite.prepare(text).all(...params) as { id: string }[]).map((r) => r.id);
}

describe('search with few matches, paged', () => {
  it('every sort, direction, filter and script: paging lists exactly what one plain MATCH page lists', () => {
    app = openTestApp();
    seed(app);
    let compared = 0;
    for (const search of ['zebra', 'ZEBRA nandu', 'зебра', '斑马', 'zebr', 'cafe', 'keeper zebra']) {
      for (const sort of ['updated', 'created', 'business_name', 'completion'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const ownerId = app.users.current()!.id;
          for (const filter of [
            {},
            { status: 'active' as const },
            { industry: 'Retail' },
            { status: 'completed' as const },
            { namePrefix: 'z' },
            { latestVisits: true },
            { ownerId, latestVisits: true, status: 'draft' as const },
          ]) {
            const query: ListQuery = { search, sort, direction, limit: 4, ...filter };
            const expected = reference(app, query);
            expect(paged(app, query), JSON.stringify(query)).toEqual(expected);
            compared += expected.length;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    // The app's page took the path under attack: the rowids read by the plan, looked up with json_each.
    expect(new ConsultationList(app.database.sqlite).planned(listQuerySchema.parse({ search: 'zebra', sort: 'business_name' })).text).toContain('json_each');
  }, 120_000);

  it('rows edited between pages: nothing listed twice, every untouched match listed', () => {
    app = openTestApp();
    seed(app);
    for (const sort of ['updated', 'business_name', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const query: ListQuery = { search: 'zebra', status: 'draft', sort, direction, limit: 5 };
        const all = reference(app, query);
        const seen: string[] = [];
        const touched = new Set<string>();
        let cursor: string | undefined;
        for (let guard = 0; guard < 100; guard += 1) {
          const page = app.consultations.list({ ...query, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((i) => i.id));
          // Edit a row not yet listed (its sort key moves) between pages.
          const next = all.find((id) => !seen.includes(id) && !touched.has(id));
          if (next) {
            touched.add(next);
            app.consultations.autosave({ consultationId: next, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + guard}` }] });
          }
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(new Set(seen).size).toBe(seen.length);
        for (const id of all) if (!touched.has(id)) expect(seen).toContain(id);
      }
    }
  }, 120_000);

  it('between 1,000 and 5,000 matches (the rowids read once, checked as a set): paging lists what one plain MATCH page lists', () => {
    app = openTestApp();
    const a = app;
    a.database.sqlite.transaction(() => {
      for (let i = 0; i < 1_300; i += 1) {
        const s = fullSections(`${NAMES[i % NAMES.length]} ${i % 13}`);
        s.business_context.industry = i % 3 === 0 ? 'Retail' : 'Food & Beverage';
        if (i % 10 === 0) s.contact_info.contact_person = 'Nobody Special';
        a.consultations.create({ sections: s });
      }
    })();
    const list = new ConsultationList(a.database.sqlite);
    // Matches in the 'set' band: every row but one in ten names Núñez (fullSections' contact person).
    const probe = listQuerySchema.parse({ search: 'nunez', sort: 'business_name' });
    expect(list.planned(probe).text).toContain('json_each');
    for (const sort of ['updated', 'business_name', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const filter of [{}, { industry: 'Retail' }]) {
          const query: ListQuery = { search: 'nunez', sort, direction, limit: 200, ...filter };
          const expected = (() => {
            const parsed = { ...listQuerySchema.parse(query), limit: 5_000 };
            const { text, params } = list.build(parsed, { walkSortIndex: false, checkEachRow: false });
            return (a.database.sqlite.prepare(text).all(...params) as { id: string }[]).map((r) => r.id);
          })();
          expect(expected.length).toBeGreaterThan(300);
          expect(paged(a, query), JSON.stringify(query)).toEqual(expected);
        }
      }
    }
  }, 180_000);
});
