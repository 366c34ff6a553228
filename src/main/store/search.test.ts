import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openTestApp, tempDir, type TestApp } from '../../../test/tempDatabase';
import { openDatabase } from '../db/client';
import { findMigrationsFolder, migrate, readMigrations } from '../db/migrate';
import { searchMatchQuery, searchText } from '@shared/searchText';
import { listQuerySchema, type ListQuery } from '@shared/consultation/model';
import { ConsultationList } from './consultationList';
import { seedConsultations } from '../../../bench/seed';

// Search as a consultant types it, in every script, on a real SQLite file through the service.

let app: TestApp;
const ids: Record<string, string> = {};

const ROWS: Record<string, { name: string; challenge: string; status?: 'archived' }> = {
  chinese: { name: '华东贸易', challenge: '订单延误了三天' },
  japanese: { name: '東京ストア', challenge: '配送が遅いです' },
  korean: { name: '한강상사', challenge: '서울특별시에서 배송 지연' },
  thai: { name: 'ร้านกาแฟของเรา', challenge: 'ลูกค้ารอนาน' },
  greek: { name: 'Ταβέρνα Πελάτης', challenge: 'Κλειστό το Σάββατο' },
  latin: { name: 'Café München', challenge: 'Straße closed on Mondays' },
  arabic: { name: 'مَرْحَبًا للتجارة', challenge: 'تأخير الشحن' },
  hebrew: { name: 'שָׁלוֹם בע״מ', challenge: 'משלוחים מתעכבים' },
  hindi: { name: 'ग्राहक सेवा केंद्र', challenge: 'भुगतान धीमा है' },
  emoji: { name: 'Pizza 🍕 Place', challenge: 'Great 😀 service 👍🏽 but slow ❤️' },
  archived: { name: '旧订单仓库', challenge: 'Σάββατο archived', status: 'archived' },
};

beforeAll(() => {
  app = openTestApp();
  for (const [key, row] of Object.entries(ROWS)) {
    const { consultation } = app.consultations.create({
      sections: { contact_info: { business_name: row.name }, pain_points: { primary_challenges: [row.challenge] } },
    });
    ids[key] = consultation.id;
    if (row.status === 'archived') app.consultations.archive({ consultationId: consultation.id });
  }
});
afterAll(() => app.close());

const found = (search: string, query: ListQuery = {}) => {
  const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return app.consultations
    .list({ ...query, search, limit: 200 })
    .items.map((item) => byId[item.id] ?? item.id)
    .sort();
};

describe('search in scripts written without spaces', () => {
  it('finds substrings of Chinese and Japanese runs, and only adjacent characters', () => {
    expect(found('订单')).toEqual(['archived', 'chinese']);
    expect(found('延误')).toEqual(['chinese']);
    expect(found('单延误')).toEqual(['chinese']);
    expect(found('订延')).toEqual([]);
    expect(found('遅い')).toEqual(['japanese']);
    expect(found('ストア')).toEqual(['japanese']);
    expect(found('东京')).toEqual([]);
  });

  it('finds Korean inside words that carry particles, and Thai inside a run', () => {
    expect(found('서울')).toEqual(['korean']);
    expect(found('특별시')).toEqual(['korean']);
    expect(found('กาแฟ')).toEqual(['thai']);
    expect(found('รอนาน')).toEqual(['thai']);
    expect(found('กาฟ')).toEqual([]);
  });
});

describe('search folds accents, Greek tonos and final sigma, case', () => {
  it('unaccented Greek finds accented Greek, either sigma', () => {
    expect(found('σαββατο')).toEqual(['archived', 'greek']);
    expect(found('ΣΑΒΒΑΤΟ')).toEqual(['archived', 'greek']);
    expect(found('πελατησ')).toEqual(['greek']);
    expect(found('Πελάτης')).toEqual(['greek']);
    expect(found('ταβερνα κλειστο')).toEqual(['greek']);
  });

  it('accented Latin keeps working both ways', () => {
    expect(found('cafe')).toEqual(['latin']);
    expect(found('munchen')).toEqual(['latin']);
    expect(found('MÜNCHEN')).toEqual(['latin']);
    expect(found('strasse')).toEqual(['latin']);
    expect(found('Straße')).toEqual(['latin']);
  });

  it('Arabic and Hebrew are found with or without their vowel points; Devanagari keeps its vowel signs', () => {
    expect(found('مرحبا')).toEqual(['arabic']);
    expect(found('مَرْحَبًا')).toEqual(['arabic']);
    expect(found('الشحن')).toEqual(['arabic']);
    expect(found('שלום')).toEqual(['hebrew']);
    expect(found('מתעכבים')).toEqual(['hebrew']);
    expect(found('सेवा')).toEqual(['hindi']);
    expect(found('भुगतान धीमा')).toEqual(['hindi']);
    // A different vowel sign is a different word, not a folded accent.
    expect(found('सेवी')).toEqual([]);
  });
});

describe('search text without letters', () => {
  it('a lone emoji, "*", a quote or punctuation finds nothing and does not fail', () => {
    for (const text of ['😀', '🍕', '👍🏽', '❤️', '*', '"', '""', '-', '—', '(', ')', 'NEAR(', '^', ':', '***', '"*"']) {
      expect(found(text), text).toEqual([]);
    }
  });

  it('text around emoji is still found', () => {
    expect(found('pizza')).toEqual(['emoji']);
    expect(found('great 😀 service')).toEqual(['emoji']);
    expect(found('slow❤️')).toEqual(['emoji']);
  });

  it('FTS5 syntax typed as words is searched as words', () => {
    expect(found('OR')).toEqual([]);
    expect(found('cafe OR pizza')).toEqual([]);
    expect(found('NOT cafe')).toEqual([]);
  });
});

describe('search with the dashboard filters and sort', () => {
  it('a status filter narrows the search; "active" leaves archived out', () => {
    expect(found('订单', { status: 'active' })).toEqual(['chinese']);
    expect(found('订单', { status: 'archived' })).toEqual(['archived']);
    expect(found('σαββατο', { status: 'draft' })).toEqual(['greek']);
  });

  it('sorts the matches as asked', () => {
    const names = (direction: 'asc' | 'desc') =>
      app.consultations.list({ search: 'σαββατο', sort: 'business_name', direction }).items.map((i) => i.businessName);
    expect(names('asc')).toEqual(['Ταβέρνα Πελάτης', '旧订单仓库']);
    expect(names('desc')).toEqual(['旧订单仓库', 'Ταβέρνα Πελάτης']);
  });
});

describe('the index follows every write', () => {
  it('an edit replaces the old words; a delete removes the row from search', () => {
    const { consultation } = app.consultations.create({ sections: { contact_info: { business_name: 'Σκιάθος 物流' } } });
    expect(app.consultations.list({ search: '物流' }).items.map((i) => i.id)).toEqual([consultation.id]);
    app.consultations.autosave({
      consultationId: consultation.id,
      edits: [{ path: 'contact_info.business_name', value: 'Ζάκυνθος 仓储', base: 'Σκιάθος 物流' }],
    });
    expect(app.consultations.list({ search: '物流' }).items).toEqual([]);
    expect(app.consultations.list({ search: 'ζακυνθοσ 仓储' }).items.map((i) => i.id)).toEqual([consultation.id]);
    app.consultations.delete({ consultationId: consultation.id });
    expect(app.consultations.list({ search: '仓储' }).items).toEqual([]);
  });
});

describe('the upgrade that brings folded search', () => {
  it('reindexes consultations stored before it, so old rows are found the new way', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'old.db');
      const migrations = readMigrations(findMigrationsFolder());
      const step = migrations.findIndex((m) => m.sql.join('\n').includes('fieldbook_search_text'));
      expect(step).toBeGreaterThan(0);
      const old = new Database(file);
      migrate(old, migrations.slice(0, step));
      const t = '2026-01-01T00:00:00.000Z';
      old
        .prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run('01900000-0000-7000-8000-0000000000a1', 'Ada', 'a@b.co', t, t);
      const insert = old.prepare(`INSERT INTO consultations (id, user_id, contact_info, business_context, pain_points, goals_objectives, status,
        completion_percentage, current_version, created_at, updated_at) VALUES (?, '01900000-0000-7000-8000-0000000000a1', ?, '{}', ?, '{}', 'draft', 0, 0, ?, ?)`);
      insert.run(
        '01900000-0000-7000-8000-000000000001',
        JSON.stringify({ business_name: 'Σάββατο Café' }),
        JSON.stringify({ primary_challenges: ['订单延误了三天'] }),
        t,
        t,
      );
      insert.run('01900000-0000-7000-8000-000000000002', JSON.stringify({ business_name: 'Plain' }), '{}', t, t);
      // Before the upgrade the old index misses both (what consultants saw).
      const match = (db: Database.Database, text: string) =>
        (
          db
            .prepare(
              `SELECT k.consultation_id AS id FROM consultations_fts f JOIN consultation_search_keys k ON k.search_rowid = f.rowid WHERE consultations_fts MATCH ?`,
            )
            .all(searchMatchQuery(text)) as { id: string }[]
        ).map((r) => r.id);
      expect(match(old, '订单')).toEqual([]);
      expect(match(old, 'σαββατο')).toEqual([]);
      old.close();
      const upgraded = openDatabase(file);
      try {
        expect(match(upgraded.sqlite, '订单')).toEqual(['01900000-0000-7000-8000-000000000001']);
        expect(match(upgraded.sqlite, 'σαββατο cafe')).toEqual(['01900000-0000-7000-8000-000000000001']);
        expect(match(upgraded.sqlite, 'plain')).toEqual(['01900000-0000-7000-8000-000000000002']);
        expect((upgraded.sqlite.prepare(`SELECT count(*) AS n FROM consultations_fts`).get() as { n: number }).n).toBe(2);
        expect(
          upgraded.sqlite.prepare(`INSERT INTO consultations_fts(consultations_fts, rank) VALUES ('integrity-check', 1)`).run().changes,
        ).toBeGreaterThanOrEqual(0);
      } finally {
        upgraded.close();
      }
    } finally {
      cleanup();
    }
  });

  it('a connection without the folding function cannot write a consultation, so the index is never left behind', () => {
    const raw = new Database(join(app.dir, 'fieldbook.db'));
    try {
      expect(() => raw.prepare(`UPDATE consultations SET contact_info = '{"business_name":"x"}' WHERE id = ?`).run(ids.latin)).toThrow(/fieldbook_search_text/);
    } finally {
      raw.close();
    }
    expect(found('munchen')).toEqual(['latin']);
  });

  it('indexes exactly the folded text', () => {
    expect(searchText('Σάββατο — 订单!')).toBe('σαββατο 订 单');
  });
});

describe('both ways of applying search text agree', () => {
  const SENTENCES = [
    '订单延误了三天',
    '配送が遅いという苦情',
    'Κλειστό το Σάββατο',
    '서울특별시에서 배송',
    'ลูกค้ารอนานเกินไป',
    'تأخير الشحن',
    'משלוחים מתעכבים',
    'भुगतान धीमा है',
  ];
  let big: TestApp;
  beforeAll(() => {
    big = openTestApp();
    seedConsultations(big.database.sqlite, big.users.current()!.id, 3_000);
    for (let i = 0; i < 80; i += 1) {
      big.consultations.create({
        sections: {
          contact_info: { business_name: `Orders ${i}` },
          pain_points: { primary_challenges: [SENTENCES[i % SENTENCES.length]!, 'Online orders late'] },
        },
      });
    }
  }, 120_000);
  afterAll(() => big.close());

  const QUERIES: ListQuery[] = [
    { search: 'orders' },
    { search: 'order' },
    { search: 'slow mobile', status: 'active' },
    { search: 'online orders', sort: 'business_name', direction: 'asc' },
    { search: 'orders', urgency: 'high', industry: 'Retail' },
    { search: 'orders', status: 'completed', sort: 'completion', direction: 'desc' },
    { search: 'orders', sort: 'created', direction: 'asc' },
    { search: '订单', status: 'active' },
    { search: 'σαββατο' },
    { search: 'ΣΆΒΒΑΤΟ orders' },
    { search: '서울' },
    { search: 'รอนาน' },
    { search: 'الشحن' },
    { search: 'धीमा' },
    { search: 'bakery 1' },
    { search: 'zzzz' },
  ];

  it('checking each row met returns exactly what collecting from the full-text index returns, for every sort, filter and script', () => {
    const list = new ConsultationList(big.database.sqlite);
    let compared = 0;
    for (const query of QUERIES) {
      const parsed = listQuerySchema.parse({ ...query, limit: 200 });
      const run = (plan: { walkSortIndex: boolean; checkEachRow: false | 'set' | 'text' }) => {
        const { text, params } = list.build(parsed, plan);
        return (big.database.sqlite.prepare(text).all(...params) as { id: string }[]).map((r) => r.id);
      };
      const collected = run({ walkSortIndex: false, checkEachRow: false });
      for (const checkEachRow of ['set', 'text'] as const) {
        expect(run({ walkSortIndex: true, checkEachRow }), `${checkEachRow} ${JSON.stringify(query)}`).toEqual(collected);
        expect(run({ walkSortIndex: false, checkEachRow }), `${checkEachRow} ${JSON.stringify(query)}`).toEqual(collected);
      }
      expect(
        list.page(parsed).items.map((i) => i.id),
        JSON.stringify(query),
      ).toEqual(collected.slice(0, 200));
      compared += collected.length;
    }
    // Enough rows compared that agreeing on nothing cannot pass.
    expect(compared).toBeGreaterThan(1_000);
  });

  it('pages through every match of a common word, each once, in order', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const page = big.consultations.list({ search: 'orders', status: 'active', limit: 200, cursor });
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const expected = (
      big.database.sqlite
        .prepare(
          `SELECT c.id FROM consultations_fts f JOIN consultation_search_keys k ON k.search_rowid = f.rowid JOIN consultations c ON c.id = k.consultation_id
        WHERE consultations_fts MATCH ? AND c.status <> 'archived' ORDER BY c.updated_at DESC, c.id DESC`,
        )
        .all(searchMatchQuery('orders')) as { id: string }[]
    ).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(1_000);
    expect(seen).toEqual(expected);
  });

  it('a common word walks the sort index checking each row; a rare one reads the full-text index', () => {
    const plan = (query: ListQuery) => big.consultations.explainList(query).join('\n');
    expect(plan({ search: 'orders' })).toMatch(/SCAN c USING (COVERING )?INDEX idx_consultations_updated_at/);
    // The walk drives the page: the text matches are a set looked up per row, not the outer loop.
    expect(plan({ search: 'orders' }).split('\n')[0]).toMatch(/^SCAN c USING (COVERING )?INDEX idx_consultations_updated_at/);
    expect(plan({ search: 'orders' })).toMatch(/LIST SUBQUERY/);
    expect(plan({ search: 'orders', status: 'active', sort: 'business_name', direction: 'asc' })).toMatch(
      /SCAN c USING (COVERING )?INDEX idx_consultations_contact_business_name/,
    );
    expect(plan({ search: '订单' })).toMatch(/VIRTUAL TABLE INDEX 0:M/);
  });
});
