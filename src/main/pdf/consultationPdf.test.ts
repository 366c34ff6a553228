import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderSummaryPdf, type SummaryInput } from './consultationPdf';
import { scriptRuns } from './scriptRuns';
import { findShippedFolder } from '../appResources';
import { FIELDS, getPath } from '../../shared/consultation/fields';
import { EMPTY_SECTIONS, LIMITS, type Sections } from '../../shared/consultation/sections';
import { fullSections } from '../../../test/arbitraries';

// The exact bytes users get, read back with poppler: pdftotext for the words, pdftoppm for the looks.
const fontsFolder = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
const work = mkdtempSync(join(tmpdir(), 'fieldbook-pdf-'));
const ARTIFACTS = resolve(import.meta.dirname, '..', '..', '..', 'artifacts', 'pdf');
mkdirSync(ARTIFACTS, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function render(name: string, sections: Sections, extra: Partial<SummaryInput> = {}) {
  const bytes = await renderSummaryPdf(
    { sections, status: 'draft', versionNumber: 3, versionDate: '2027-02-11T10:00:00.000Z', consultantName: 'Ada Lovelace', ...extra },
    fontsFolder,
  );
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, bytes);
  writeFileSync(join(ARTIFACTS, `${name}.pdf`), bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
  const pages = text.split('\f').filter((p) => p.trim());
  execFileSync('pdftoppm', ['-png', '-r', '60', file, join(ARTIFACTS, name)]);
  return { bytes, text, pages, flat: text.replace(/\s+/g, ' ') };
}

const NEVER = /undefined|null|\[object Object\]|NaN|\{\}/;

describe('PDF summary', () => {
  it('prints every field of a full intake, in form order, with urgency, version, date and consultant', async () => {
    const sections = fullSections();
    const { flat, pages } = await render('full', sections);
    expect(pages).toHaveLength(pages.length); // at least one
    expect(flat).toMatch(/CONSULTATION SUMMARY/);
    expect(flat).toContain('Version 3 · 11 February 2027 · Prepared by Ada Lovelace');
    expect(flat).toContain('In progress · 100% complete');
    expect(flat).toContain('HIGH');
    let cursor = 0;
    for (const field of FIELDS) {
      const raw = getPath(sections, field.path);
      if (raw === undefined) continue;
      const values = Array.isArray(raw) ? raw.map(String) : field.kind === 'date' ? [] : field.kind === 'urgency' ? [String(raw).toUpperCase()] : [String(raw)];
      for (const value of values) {
        const at = flat.indexOf(value, cursor);
        expect(at, `${field.path} = ${value} after position ${cursor}`).toBeGreaterThanOrEqual(0);
        cursor = at;
      }
    }
    expect(flat).toContain('15 January 2027');
    expect(flat).toContain('30 June 2027');
    expect(flat).not.toMatch(NEVER);
    for (const [i, page] of pages.entries()) expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
  });

  it('marks empty sections instead of printing nothing, undefined or {}', async () => {
    const { flat, pages } = await render('empty', EMPTY_SECTIONS);
    expect(pages).toHaveLength(1);
    expect(flat).toContain('Untitled consultation');
    expect((flat.match(/Not recorded yet\./g) ?? []).length).toBe(4);
    expect(flat).not.toMatch(NEVER);
    expect(flat).toContain('Page 1 of 1');
  });

  it('breaks a very long consultation across numbered pages without losing a word', async () => {
    const long = fullSections('Longwinded Holdings');
    long.pain_points.impact_assessment = Array.from({ length: 60 }, (_, i) => `Sentence ${i} about the impact on weekend trade.`).join(' ').slice(0, LIMITS.longText);
    long.goals_objectives.primary_goals = Array.from({ length: LIMITS.listItems }, (_, i) => `Goal number ${i}: ${'make things measurably better '.repeat(8).trim()}`.slice(0, LIMITS.listItem));
    long.pain_points.technical_issues = Array.from({ length: LIMITS.listItems }, (_, i) => `Issue ${i} with the point-of-sale integration`);
    const { flat, pages } = await render('long', long);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const [i, page] of pages.entries()) {
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page).toContain('Fieldbook · Longwinded Holdings · Version 3');
    }
    for (let i = 0; i < LIMITS.listItems; i += 1) {
      expect(flat).toContain(`Goal number ${i}:`);
      expect(flat).toContain(`Issue ${i} with the point-of-sale integration`);
    }
    expect(flat).toContain('Sentence 59 about the impact');
    expect(flat).not.toMatch(NEVER);
  });

  it('prints accented Latin, Greek, Cyrillic, Chinese, Japanese and Korean with embedded fonts', async () => {
    const sections: Sections = {
      ...EMPTY_SECTIONS,
      contact_info: { business_name: 'Ελληνικά Καφέ & Москва Ltd', contact_person: 'José Núñez-Øberg' },
      business_context: { industry: '餐饮 · 東京の喫茶店', current_platform: '한국어 플랫폼' },
      pain_points: { primary_challenges: ['Очереди в обед', 'Ώρες αιχμής', 'レジが遅い', '재고 관리'] },
    };
    const { flat, bytes } = await render('unicode', sections);
    for (const word of ['Ελληνικά Καφέ & Москва Ltd', 'José Núñez-Øberg', '餐饮', '東京の喫茶店', '한국어 플랫폼', 'Очереди в обед', 'Ώρες αιχμής', 'レジが遅い', '재고 관리']) {
      expect(flat).toContain(word);
    }
    const fontsInFile = execFileSync('pdffonts', [join(work, 'unicode.pdf')]).toString();
    expect(fontsInFile).toMatch(/NotoSans-Regular/);
    expect(fontsInFile).toMatch(/NotoSansHans/);
    expect(fontsInFile).toMatch(/NotoSansKR/);
    expect(fontsInFile.split('\n').filter((l) => /Noto/.test(l)).every((l) => /\byes\s+yes\b/.test(l))).toBe(true); // embedded, subset
    expect(bytes.length).toBeLessThan(400_000); // subset, not whole CJK fonts
  });

  it('splits text into script runs for the fonts that have the glyphs', () => {
    expect(scriptRuns('Café 東京 & 서울!')).toEqual([
      { text: 'Café ', font: 'NotoSans' },
      { text: '東京 & ', font: 'NotoSansHans' },
      { text: '서울!', font: 'NotoSansKR' },
    ]);
  });
});
