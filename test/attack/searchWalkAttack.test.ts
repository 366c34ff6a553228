import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../tempDatabase';
import { seedConsultations } from '../../bench/seed';
import { ConsultationList } from '../../src/main/store/consultationList';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';

// Issue 16's search plan attacked on a small real SQLite file, where the walk of the sort index is taken at low
// limits: match sets spread, bunched at the far end of the walk, mostly of an excluded status, with stale status
// counts, many ties, and words in many scripts. Whatever plan each page takes, paging must list exactly what the
// plain "MATCH then sort all" plan lists, and exactly the rows the model marked.

const ROWS = 800;
const WORDS = ['zqvortex', 'قهوةمرة', 'שלוםעליכם', 'ร้านกาแฟสด', 'ग्राहकसेवा', '東京喫茶店', '한강상사', 'naïvecafé', 'ǅemalcity'];
type Sort = 'updated' | 'created' | 'completion';
const SORT_COLUMN: Record<Sort, string> = { updated: 'updated_at', created: 'created_at', completion: 'completion_percentage' };
const STATUSES = ['draft', 'completed', 'archived'] as const;

let app: TestApp;
let marked: string[] = [];

beforeAll(() => {
  app = openTestApp();
  seedConsultations(app.database.sqlite, app.users.current()!.id, ROWS);
}, 120_000);
afterAll(() => app?.close());

const sqlite = () => app.database.sqlite;
const ids = (text: string, ...params: unknown[]) =>
  (
    sqlite()
      .prepare(text)
      .all(...params) as { id: string }[]
  ).map((r) => r.id);

/** The plain plan, one page: every match looked up and sorted (nothing read ahead, no walk). */
function reference(query: ListQuery): string[] {
  const parsed = { ...listQuerySchema.parse(query), limit: 100_000 };
  const { text, params } = new ConsultationList(sqlite()).build(parsed, { walkSortIndex: false, checkEachRow: false });
  return (
    sqlite()
      .prepare(text)
      .all(...params) as { id: string }[]
  ).map((r) => r.id);
}

/** Which way the app ran one page: walked the sort index, and whether the walk fell back to sorting every match. */
function howPaged(query: ListQuery): { walked: boolean; fellBack: boolean } {
  const run = new ConsultationList(sqlite()).statementsRun(listQuerySchema.parse(query));
  const pages = run.filter((s) => !s.counts && !/MATCH/.test(s.text));
  return { walked: /INDEXED BY "idx_consultations_(updated_at|created_at|completion)"/.test(pages[0]?.text ?? ''), fellBack: pages.length === 2 };
}

/** Every page through the app, with how each page ran. */
function paged(
  query: ListQuery,
  between: (pageNo: number, seen: string[]) => void = () => {},
): { got: string[]; how: { walked: boolean; fellBack: boolean }[] } {
  const got: string[] = [];
  const how: { walked: boolean; fellBack: boolean }[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard += 1) {
    const q = { ...query, ...(cursor ? { cursor } : {}) };
    how.push(howPaged(q));
    const page = app.consultations.list(q);
    // Each page, whatever edits came before it, is the plain plan's page from the same cursor.
    const parsed = listQuerySchema.parse(q);
    const plain = new ConsultationList(sqlite()).build(parsed, { walkSortIndex: false, checkEachRow: false });
    const plainIds = (
      sqlite()
        .prepare(plain.text)
        .all(...plain.params) as { id: string }[]
    )
      .slice(0, parsed.limit)
      .map((r) => r.id);
    expect(
      page.items.map((i) => i.id),
      `page ${guard} of ${JSON.stringify(query)}`,
    ).toEqual(plainIds);
    got.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return { got, how };
    between(guard, got);
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

/** Marks exactly these rows with the word (and unmarks the last run's), straight in SQL as a pull or import would write them. */
function mark(word: string, chosen: string[]): void {
  sqlite().transaction(() => {
    sqlite()
      .prepare(`UPDATE consultations SET pain_points = json_set(pain_points, '$.impact_assessment', 'plain') WHERE id IN (SELECT value FROM json_each(?))`)
      .run(JSON.stringify(marked));
    sqlite()
      .prepare(`UPDATE consultations SET pain_points = json_set(pain_points, '$.impact_assessment', ?) WHERE id IN (SELECT value FROM json_each(?))`)
      .run(`Seen at ${word} today`, JSON.stringify(chosen));
  })();
  marked = chosen;
}

function recount(): void {
  sqlite().exec(`UPDATE consultation_status_counts SET n = (SELECT count(*) FROM consultations c WHERE c.status = consultation_status_counts.status)`);
}

const inFilter = (status: string, filter: string | undefined) => (filter === 'active' ? status !== 'archived' : filter ? status === filter : true);

describe('attack: the bounded walk of the sort index against the plain plan', () => {
  it('every sort, direction, status filter, tie, placement, stale count and script: paging lists exactly the plain plan, in order', () => {
    const totals = { pages: 0, walked: 0, fellBack: 0, mixed: 0, listed: 0 };
    fc.assert(
      fc.property(
        fc.record({
          word: fc.constantFrom(...WORDS),
          n: fc.integer({ min: 1, max: 160 }),
          placement: fc.constantFrom('spread', 'farEnd', 'nearStart', 'twoClumps'),
          sort: fc.constantFrom<Sort>('updated', 'created', 'completion'),
          direction: fc.constantFrom('asc', 'desc') as fc.Arbitrary<'asc' | 'desc'>,
          filter: fc.constantFrom(undefined, 'active', 'draft', 'completed', 'archived'),
          excludedShare: fc.constantFrom(0, 0.5, 0.9, 1),
          stale: fc.constantFrom('none', 'zero', 'huge', 'negative', 'swapped'),
          ties: fc.integer({ min: 0, max: 3 }),
          limit: fc.integer({ min: 1, max: 12 }),
          seed: fc.integer({ min: 0, max: 1_000_000 }),
        }),
        (p) => {
          const rnd = (i: number) => ((p.seed + i * 2654435761) >>> 0) / 4294967296;
          const col = SORT_COLUMN[p.sort];
          // Ties: many rows share one sort key, so ids break them at page edges.
          if (p.ties > 0) {
            sqlite()
              .prepare(`UPDATE consultations SET ${col} = (SELECT ${col} FROM consultations ORDER BY id LIMIT 1) WHERE (rowid + ?) % ? = 0`)
              .run(p.seed, p.ties + 1);
          }
          const order = ids(`SELECT id FROM consultations ORDER BY ${col} ${p.direction}, id ${p.direction}`);
          const count = Math.min(p.n, order.length);
          const at =
            p.placement === 'farEnd'
              ? order.slice(order.length - count)
              : p.placement === 'nearStart'
                ? order.slice(0, count)
                : p.placement === 'twoClumps'
                  ? [...order.slice(0, Math.ceil(count / 4)), ...order.slice(order.length - (count - Math.ceil(count / 4)))]
                  : order.filter((_, i) => rnd(i) < count / order.length).slice(0, count);
          const chosen = [...new Set(at)];
          // Mostly of a status the filter excludes: the counts say many, few walked entries pass.
          const setStatus = sqlite().prepare(`UPDATE consultations SET status = ? WHERE id = ?`);
          sqlite().transaction(() => {
            chosen.forEach((id, i) => {
              const excluded = STATUSES.filter((s) => !inFilter(s, p.filter));
              const included = STATUSES.filter((s) => inFilter(s, p.filter));
              const pool = excluded.length && rnd(i + 7) < p.excludedShare ? excluded : included;
              setStatus.run(pool[Math.floor(rnd(i + 13) * pool.length)]!, id);
            });
          })();
          mark(p.word, chosen);
          // A counts table that is wrong for a moment must only change the plan, never the answer.
          if (p.stale === 'zero') sqlite().exec(`UPDATE consultation_status_counts SET n = 0`);
          if (p.stale === 'huge') sqlite().exec(`UPDATE consultation_status_counts SET n = CASE status WHEN 'archived' THEN 1 ELSE 1000000 END`);
          if (p.stale === 'negative') sqlite().exec(`UPDATE consultation_status_counts SET n = -5 WHERE status <> 'archived'`);
          if (p.stale === 'swapped') sqlite().exec(`UPDATE consultation_status_counts SET n = CASE status WHEN 'archived' THEN 100000 ELSE 0 END`);
          try {
            const query: ListQuery = {
              search: p.word,
              sort: p.sort,
              direction: p.direction,
              limit: p.limit,
              ...(p.filter ? { status: p.filter as never } : {}),
            };
            const want = reference(query);
            const model = ids(
              `SELECT id FROM consultations WHERE id IN (SELECT value FROM json_each(?)) ORDER BY ${col} ${p.direction}, id ${p.direction}`,
              JSON.stringify(chosen),
            ).filter((id) => inFilter((sqlite().prepare('SELECT status FROM consultations WHERE id = ?').get(id) as { status: string }).status, p.filter));
            expect(want, 'the plain plan lists exactly the marked rows').toEqual(model);
            const { got, how } = paged(query);
            expect(got, JSON.stringify(p)).toEqual(want);
            totals.pages += how.length;
            totals.walked += how.filter((h) => h.walked && !h.fellBack).length;
            totals.fellBack += how.filter((h) => h.fellBack).length;
            if (how.some((h) => h.walked && !h.fellBack) && how.some((h) => !h.walked || h.fellBack)) totals.mixed += 1;
            totals.listed += got.length;
          } finally {
            recount();
          }
        },
      ),
      { numRuns: 150, seed: 1616 },
    );
    // Both plans were exercised, and within single paging sequences too.
    expect(totals.walked).toBeGreaterThan(20);
    expect(totals.fellBack).toBeGreaterThan(3);
    expect(totals.mixed).toBeGreaterThan(1);
    expect(totals.listed).toBeGreaterThan(500);
  }, 300_000);

  it('the next match exactly at the walk bound is found by the walk; one entry past it, by the fallback; the same page either way', () => {
    const rows = (sqlite().prepare(`SELECT ifnull(max(search_rowid), 0) AS n FROM consultation_search_keys`).get() as { n: number }).n;
    const n = 30;
    const limit = 5;
    const bound = Math.min(25 * n, rows);
    expect(bound).toBeLessThan(ROWS - n);
    for (const sort of ['updated', 'created', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const col = SORT_COLUMN[sort];
        const order = ids(`SELECT id FROM consultations ORDER BY ${col} ${direction}, id ${direction}`);
        for (const [position, expectFallback] of [
          [bound - 1, false],
          [bound, true],
        ] as const) {
          // The first `limit` matches lead the walk; match limit+1 is the walk's last entry, or the first past it.
          const chosen = [...order.slice(0, limit), order[position]!, ...order.slice(order.length - (n - limit - 1))];
          mark('zqbound', chosen);
          const query: ListQuery = { search: 'zqbound', sort, direction, limit };
          expect(howPaged(query), `${sort} ${direction} at ${position}`).toEqual({ walked: true, fellBack: expectFallback });
          const want = reference(query);
          expect(want).toHaveLength(n);
          expect(paged(query).got).toEqual(want);
        }
      }
    }
  }, 120_000);

  it('edits between pages (moved, archived, deleted, completed, no longer matching, new matches before the cursor): every page is the plain plan page, nothing untouched twice or missed', () => {
    let walkedPages = 0;
    for (const sort of ['updated', 'created', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const filter of [undefined, 'active'] as const) {
          const word = 'zqedited';
          const all = ids(`SELECT id FROM consultations ORDER BY rowid`);
          const chosen = all.filter((_, i) => i % 7 === 3);
          mark(word, chosen);
          // Drafts (the rows created by earlier rounds too), so the consultant's own edits (autosave) are allowed on every match.
          sqlite()
            .prepare(`UPDATE consultations SET status = 'draft' WHERE id IN (SELECT value FROM json_each(?))`)
            .run(JSON.stringify(reference({ search: word })));
          const query: ListQuery = { search: word, sort, direction, limit: 4, ...(filter ? { status: filter } : {}) };
          const before = new Set(reference(query));
          const touched = new Set<string>();
          const ops = ['autosave', 'archive', 'delete', 'complete', 'unmatch', 'create'] as const;
          const { got, how } = paged(query, (pageNo, seen) => {
            const op = ops[pageNo % ops.length]!;
            // The row the cursor names moves (edited) or vanishes (deleted): the cursor holds its key, not the row.
            const cursorRow = seen[seen.length - 1]!;
            if (pageNo % 4 === 1 && !touched.has(cursorRow)) {
              touched.add(cursorRow);
              if (pageNo % 8 === 1) app.consultations.delete({ consultationId: cursorRow });
              else
                sqlite()
                  .prepare(`UPDATE consultations SET updated_at = ?, completion_percentage = 100 - completion_percentage WHERE id = ?`)
                  .run(new Date().toISOString(), cursorRow);
            }
            const target = [...before].find((id) => !seen.includes(id) && !touched.has(id));
            if (op === 'create') {
              const id = app.consultations.create({ sections: { pain_points: { impact_assessment: `New ${word} lead` } } }).consultation.id;
              touched.add(id);
              return;
            }
            if (!target) return;
            touched.add(target);
            if (op === 'autosave') app.consultations.autosave({ consultationId: target, edits: [{ path: 'contact_info.phone', value: `+1 555 01${pageNo}` }] });
            if (op === 'archive')
              sqlite().prepare(`UPDATE consultations SET status = 'archived', updated_at = ? WHERE id = ?`).run(new Date().toISOString(), target);
            if (op === 'delete') app.consultations.delete({ consultationId: target });
            // Archived and completed as a pull from the team writes them, whatever the row's status and fields were.
            if (op === 'complete')
              sqlite().prepare(`UPDATE consultations SET status = 'completed', updated_at = ? WHERE id = ?`).run(new Date().toISOString(), target);
            if (op === 'unmatch')
              app.consultations.autosave({ consultationId: target, edits: [{ path: 'pain_points.impact_assessment', value: 'nothing here' }] });
          });
          walkedPages += how.filter((h) => h.walked && !h.fellBack).length;
          // Keyset paging (either plan) lists a row again only if it was edited after being listed and moved past the cursor.
          const twice = got.filter((id, i) => got.indexOf(id) !== i);
          for (const id of twice) expect(touched.has(id), `${JSON.stringify(query)} listed untouched ${id} twice`).toBe(true);
          const after = new Set(reference(query));
          // Every listed row matched at some moment; every row untouched and matching throughout is listed.
          for (const id of got) expect(before.has(id) || touched.has(id), id).toBe(true);
          for (const id of before) if (!touched.has(id) && after.has(id)) expect(got, `${JSON.stringify(query)} missed ${id}`).toContain(id);
          expect(touched.size).toBeGreaterThan(5);
        }
      }
    }
    expect(walkedPages).toBeGreaterThan(10);
  }, 300_000);

  it('bidi and control characters in the query and in rows: the walk and the plain plan agree, and a query of controls alone finds nothing', () => {
    const chosen = ids(`SELECT id FROM consultations ORDER BY rowid`).filter((_, i) => i % 5 === 1);
    mark('\u202Ezqbidi\u202C \u200Fשלום\u200E \u2066مرحبا\u2069', chosen);
    for (const search of ['zqbidi', '\u202Ezqbidi', 'zqbidi\u0000', '\u200Fשלום', 'مرحبا\u2069', 'zqbidi \u200B\u200Dשלום']) {
      for (const direction of ['asc', 'desc'] as const) {
        const query: ListQuery = { search, direction, limit: 3 };
        const want = reference(query);
        expect(paged(query).got, JSON.stringify(search)).toEqual(want);
      }
    }
    expect(paged({ search: 'zqbidi', limit: 3 }).got.sort()).toEqual([...chosen].sort());
    expect(app.consultations.list({ search: '\u202E\u200F\u2066\u0000', limit: 3 }).items).toEqual([]);
  }, 120_000);
  it("deleted rows never appear, walked or not; with the owner filter a teammate's matches never appear", () => {
    const mate = '01900000-0000-7000-8000-00000000b0b0';
    const t0 = new Date().toISOString();
    sqlite().prepare('INSERT OR IGNORE INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(mate, 'Bo', 'bo@example.com', t0, t0);
    const chosen = ids(`SELECT id FROM consultations ORDER BY rowid`).filter((_, i) => i % 6 === 2);
    mark('zqowner', chosen);
    sqlite().prepare(`UPDATE consultations SET status = 'draft' WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(chosen));
    const theirs = chosen.filter((_, i) => i % 3 === 0);
    sqlite().prepare(`UPDATE consultations SET user_id = ? WHERE id IN (SELECT value FROM json_each(?))`).run(mate, JSON.stringify(theirs));
    const gone = chosen.filter((id, i) => i % 3 === 1 && i % 2 === 0);
    for (const id of gone) app.consultations.delete({ consultationId: id });
    const me = app.users.current()!.id;
    let walked = 0;
    for (const sort of ['updated', 'created', 'completion'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const everyone = paged({ search: 'zqowner', sort, direction, limit: 2 });
        walked += everyone.how.filter((h) => h.walked && !h.fellBack).length;
        expect(everyone.got).toEqual(reference({ search: 'zqowner', sort, direction }));
        expect([...everyone.got].sort()).toEqual(chosen.filter((id) => !gone.includes(id)).sort());
        const mine = paged({ search: 'zqowner', sort, direction, limit: 2, ownerId: me });
        expect([...mine.got].sort()).toEqual(chosen.filter((id) => !gone.includes(id) && !theirs.includes(id)).sort());
      }
    }
    expect(walked).toBeGreaterThan(10);
  }, 120_000);
});
