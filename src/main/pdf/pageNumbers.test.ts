import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SummaryPdf, type SummaryRequest } from './summaryPdf';
import { summaryDocuments } from './summaryHtml';
import { findShippedFolder } from '../appResources';
import { fullSections } from '../../../test/arbitraries';
import { pdfPages } from '../../../test/pdfWords';
import { printerForThisFile } from '../../../test/printingHost';

// A long summary is printed in parts and joined with page numbers drawn afterwards (documentParts.ts,
// pageNumbers.ts). Here short summaries are forced into parts and compared with the same summary printed
// whole by Chromium: the same words in the same order, every page numbered where Chromium numbers them.

const fontsFolder = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
const { printer, work } = printerForThisFile('fieldbook-parts-');

const CLIENT = 'مخبز النور · Bäckerei';
function request(): SummaryRequest {
  const sections = fullSections(CLIENT);
  sections.pain_points.impact_assessment = Array.from({ length: 400 }, (_, i) => `Line ${i}: ovens, 東京, שלום, ‮reversed‬ and staff.`).join('\n');
  sections.goals_objectives.primary_goals = Array.from({ length: 120 }, (_, i) => `Goal ${i}: faster service`);
  return { sections, consultantName: 'Ada Lovelace', versionLabel: 'Version 2', date: new Date('2026-11-28T10:00:00Z'), status: 'draft' };
}

async function printed(name: string, partChars: number) {
  const made = await new SummaryPdf(printer, fontsFolder, undefined, partChars).render(request());
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, made.bytes);
  const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
  const pages = pdfPages(file);
  return { file, text, pages, info: execFileSync('pdfinfo', [file]).toString('utf8') };
}

describe('a summary printed in parts', () => {
  it('reads word for word as the same summary printed whole, every page numbered where Chromium numbers it', async () => {
    const parts = summaryDocuments({ ...request(), clientName: CLIENT }, fontsFolder, 6000);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    const whole = await printed('whole', Infinity);
    const split = await printed('parts', 6000);
    // The same words in the same order (a part begins on a new page, so the pages break differently).
    const words = (p: typeof whole) => p.pages.flatMap((page) => page.body.map((w) => w.text));
    expect(words(split)).toEqual(words(whole));
    expect(split.pages.length).toBeGreaterThan(whole.pages.length);
    for (const lines of [[...split.text.matchAll(/Line (\d+):/g)], [...split.text.matchAll(/Goal (\d+):/g)]]) {
      const numbers = lines.map((m) => Number(m[1]));
      expect(numbers).toEqual(numbers.map((_, i) => i));
    }
    // Each page's footer: the client and version on the left (Chromium's), "Page N of M" on the right (drawn after).
    for (const [i, page] of split.pages.entries()) {
      const footer = page.footer.map((w) => w.text).join(' ');
      expect(footer).toContain('Version 2');
      expect(footer).toMatch(/[\u0600-\u06FF]{4} .*Bäckerei/); // bbox words are in visual order
      expect(footer.endsWith(`Page ${i + 1} of ${split.pages.length}`), footer).toBe(true);
    }
    // Where Chromium draws its own: the label's right edge and its line, within a tenth of a point.
    const label = (page: (typeof whole.pages)[number]) => {
      const at = page.footer.findIndex((w) => w.text === 'Page');
      return { page: page.footer[at]!, last: page.footer[at + 3]! };
    };
    for (const i of [0, 1]) {
      const drawn = label(split.pages[i]!);
      const chromium = label(whole.pages[i]!);
      expect(Math.abs(drawn.last.xMax - chromium.last.xMax)).toBeLessThan(0.1);
      expect(Math.abs(drawn.page.yMin - chromium.page.yMin)).toBeLessThan(0.1);
      expect(Math.abs(drawn.page.yMax - chromium.page.yMax)).toBeLessThan(0.1);
      expect(Math.abs(drawn.page.xMax - drawn.page.xMin - (chromium.page.xMax - chromium.page.xMin))).toBeLessThan(0.1);
    }
    // The first part's title, and every font embedded.
    expect(split.info).toMatch(/Title:\s+مخبز النور · Bäckerei — consultation summary/);
    const fonts = execFileSync('pdffonts', [split.file]).toString().split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font.split(/\s+/).at(-5), font).toBe('yes');
  }, 120_000);
});
