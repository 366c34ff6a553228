import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../tempDatabase';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';
import { editsForSections } from '@shared/consultation/edits';
import { searchNeedles, searchText, searchTokens } from '@shared/searchText';

// Dashboard search on a real SQLite file: the three plans (collect from FTS, a set of matching rowids,
// each row's own indexed text) must return exactly what a naive check of the stored text returns, and
// paging with cursors must give each match once, in order.

// Fragments in many scripts, with combining marks, emoji and FTS5 syntax characters.
const FRAGMENTS = [
  'Café',
  'cafe',
  'CAFÉ',
  'e\u0301',
  'München',
  'Straße',
  'strasse',
  'İstanbul',
  'ǅemal',
  'مَرْحَبًا',
  'مرحبا',
  'تأخير',
  'ـــ',
  'שָׁלוֹם',
  'שלום',
  'ร้านกาแฟ',
  'ลูกค้า',
  'ग्राहक',
  'क्षमा',
  'हिन्दी',
  '订单延误',
  '東京ストア',
  'ｶﾞｷﾞ',
  '한강상사',
  'ㄱ',
  'Σάββατο',
  'ΟΔΟΣ',
  'οδος',
  '🍕',
  '👍🏽',
  '❤️',
  '\u200d',
  '"',
  '""',
  "'",
  '*',
  '^',
  '-',
  '+',
  ':',
  'body:',
  'body:cafe',
  'NEAR',
  'NEAR(a b)',
  'AND',
  'OR',
  'NOT',
  '(',
  ')',
  '{',
  '}',
  'x-ray',
  'e-mail',
  '¼',
  'ﷺ',
  '２０２４',
  '42',
  'ﬁsh',
  'Ǆ',
  'ǈ',
  'ß',
  'ẞ',
];
const frag = fc.constantFrom(...FRAGMENTS);
const sep = fc.constantFrom(' ', '', '-', ', ', '\u00a0', '\u3000', '\n');
const phrase = fc.array(fc.tuple(frag, sep), { minLength: 1, maxLength: 5 }).map((parts) => parts.map(([f, s]) => f + s).join(''));

let app: TestApp;
const stored = new Map<string, string>(); // id -> stored text, as the consultation holds it now
const archived = new Set<string>();

const textsOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(textsOf)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(textsOf)
        : [];

beforeAll(() => {
  app = openTestApp();
  const rows = fc.sample(fc.tuple(phrase, phrase, phrase), { numRuns: 120, seed: 4242 });
  for (const [name, person, challenge] of rows) {
    const { consultation } = app.consultations.create({
      sections: { contact_info: { business_name: name.slice(0, 200), contact_person: person.slice(0, 200) }, pain_points: { primary_challenges: [challenge] } },
    });
    const detail = app.consultations.get({ consultationId: consultation.id });
    stored.set(consultation.id, textsOf(detail.consultation.sections ?? detail).join(' '));
    if (stored.size % 3 === 0) {
      app.consultations.archive({ consultationId: consultation.id });
      archived.add(consultation.id);
    }
  }
}, 120_000);
afterAll(() => app?.close());

/** The naive reference: every typed word's folded tokens appear side by side, the last as a prefix. */
function reference(search: string, status?: 'active' | 'archived'): string[] {
  const needles = searchNeedles(search);
  const inStatus = ([id]: [string, string]) => (status === 'active' ? !archived.has(id) : status === 'archived' ? archived.has(id) : true);
  // Blank search (spaces of any kind) is no filter; anything else with no word in it finds nothing.
  if (search.trim() === '')
    return [...stored]
      .filter(inStatus)
      .map(([id]) => id)
      .sort();
  if (needles.length === 0) return [];
  return [...stored]
    .filter(inStatus)
    .filter(([, text]) => needles.every((n) => ` ${searchText(text)}`.includes(n)))
    .map(([id]) => id)
    .sort();
}

type Mode = { walkSortIndex: boolean; checkEachRow: false | 'set' | 'text' };
const MODES: Mode[] = [
  { walkSortIndex: false, checkEachRow: false },
  { walkSortIndex: true, checkEachRow: 'set' },
  { walkSortIndex: true, checkEachRow: 'text' },
  { walkSortIndex: false, checkEachRow: 'text' },
];

/** Every page of a forced plan, following cursors the way the list makes them. */
function pagesWith(query: ListQuery, mode: Mode): string[] {
  const list = app.store.list;
  const sqlite = app.database.sqlite;
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    const parsed = listQuerySchema.parse({ ...query, cursor });
    const { text, params } = list.build(parsed, mode);
    const rows = sqlite.prepare(text).all(...params) as { id: string; sortValue: string | number }[];
    const page = rows.slice(0, parsed.limit);
    ids.push(...page.map((r) => r.id));
    if (rows.length <= parsed.limit) return ids;
    const last = page[page.length - 1]!;
    cursor = Buffer.from(JSON.stringify([last.sortValue, last.id])).toString('base64url');
  }
  throw new Error('paging did not end');
}

function pagesThroughService(query: ListQuery): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    const page = app.consultations.list({ ...query, cursor });
    ids.push(...page.items.map((item) => item.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

const queries = fc.oneof(
  phrase,
  fc.constantFrom(...FRAGMENTS),
  // Part of a stored text, cut anywhere (code points).
  fc.tuple(fc.nat(), fc.nat(40), fc.nat(12)).map(([k, start, len]) => {
    const texts = [...stored.values()];
    const text = [...texts[k % texts.length]!];
    return text.slice(start % Math.max(text.length, 1), (start % Math.max(text.length, 1)) + len + 1).join('');
  }),
);

const KANA_VOICING = /\uff9e|\uff9f|\u3099|\u309a/;

describe('attack: dashboard search model', () => {
  it('every plan, and the service, page by page, return exactly the naive matches, each once', () => {
    fc.assert(
      fc.property(
        queries,
        fc.constantFrom('updated', 'business_name', 'created', 'completion'),
        fc.constantFrom('asc', 'desc'),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(undefined, 'active', 'archived'),
        (search, sort, direction, limit, status) => {
          const query = { search, sort, direction, limit, ...(status ? { status } : {}) } as ListQuery;
          const want = reference(search, status);
          for (const mode of MODES) {
            const got = pagesWith(query, mode);
            expect(new Set(got).size, `duplicates in ${JSON.stringify(mode)}`).toBe(got.length);
            expect([...got].sort(), `${JSON.stringify(search)} with ${JSON.stringify(mode)}`).toEqual(want);
          }
          const served = pagesThroughService(query);
          expect(new Set(served).size).toBe(served.length);
          expect([...served].sort()).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 77 },
    );
  }, 240_000);

  it('a word typed exactly as stored, or any prefix of it, finds its consultation', () => {
    const misses: string[] = [];
    for (const [id, text] of stored) {
      for (const word of text.split(/\s+/)) {
        if (KANA_VOICING.test(word)) continue; // its own test below
        const chars = [...word];
        for (let end = 1; end <= chars.length; end++) {
          const typed = chars.slice(0, end).join('');
          if (searchTokens(typed).length === 0) continue; // a lone emoji or punctuation finds nothing, by design
          const ids = pagesThroughService({ search: typed, limit: 200 });
          if (!ids.includes(id)) misses.push(`${JSON.stringify(typed)} of ${JSON.stringify(word)}`);
        }
      }
      if (misses.length > 5) break;
    }
    expect(misses).toEqual([]);
  }, 240_000);
});

describe('attack: the index follows the working copy', () => {
  it('typing, discarding and deleting move what search finds at once', () => {
    const found = (search: string) => app.consultations.list({ search, limit: 200 }).items.map((item) => item.id);
    const id = app.consultations.create({ sections: { contact_info: { business_name: 'Quokka Ḃakery' } } }).consultation.id;
    expect(found('quokka bakery')).toEqual([id]);
    app.consultations.autosave({ consultationId: id, edits: editsForSections({ contact_info: { business_name: 'Wombat Ωmega' } }) });
    expect(found('quokka')).toEqual([]);
    expect(found('ωμ')).toEqual([]);
    expect(found('wombat ωme')).toEqual([id]);
    app.consultations.discardChanges({ consultationId: id });
    expect(found('wombat')).toEqual([]);
    expect(found('quok')).toEqual([id]);
    app.consultations.delete({ consultationId: id });
    expect(found('quokka')).toEqual([]);
  }, 60_000);
});
