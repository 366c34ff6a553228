import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumPdfPrinter } from './chromiumPrinter';
import { LARGE_DOCUMENT, LOAD_FONTS_SCRIPT, withHtmlFile } from './pdfPrinter';
import { summaryHtml } from './summaryHtml';
import { descendants } from '../../../bench/memory';
import { findShippedFolder } from '../appResources';
import { EMPTY_SECTIONS } from '@shared/consultation/sections';

// The printer's own promises: one page reused for short documents, a large document's page closed after
// it (its renderer's memory goes back), and fonts loaded without a screen layout.

/** Chromium renderer processes under this test process (vitest runs each file in a fork of its own). */
const renderers = () =>
  descendants()
    .filter((p) => /--type=renderer/.test(p.cmdline))
    .map((p) => p.pid);

async function until(check: () => boolean, ms = 20_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (check()) return true;
  return check();
}

const isPdf = (bytes: Buffer) => bytes.subarray(0, 5).toString('latin1') === '%PDF-';

describe('the Chromium printer', () => {
  const printer = chromiumPdfPrinter();
  afterAll(() => printer.close());

  it('reuses one page for short documents and closes the page after a large one, so its renderer ends', { timeout: 120_000 }, async () => {
    expect(isPdf(await printer.print('<!doctype html><p>First</p>'))).toBe(true);
    const pageRenderers = renderers();
    expect(pageRenderers.length).toBeGreaterThan(0);
    expect(isPdf(await printer.print('<!doctype html><p>Second</p>'))).toBe(true);
    // The same page, so the same renderer processes.
    expect(renderers().sort()).toEqual([...pageRenderers].sort());

    const large = `<!doctype html><p>${'word '.repeat(Math.ceil(LARGE_DOCUMENT / 5) + 10)}</p>`;
    expect(large.length).toBeGreaterThan(LARGE_DOCUMENT);
    expect(isPdf(await printer.print(large))).toBe(true);
    // The page's renderer ends; what stays is headless Chrome's own (its window's blank tab and toolbar UI).
    expect(await until(() => renderers().length === pageRenderers.length - 1 && renderers().every((pid) => pageRenderers.includes(pid)))).toBe(true);

    // The next document gets a new page and still prints.
    expect(isPdf(await printer.print('<!doctype html><p>After</p>'))).toBe(true);
    expect(renderers().length).toBeGreaterThan(0);
  });
});

describe('the summary in a page before printing', () => {
  const fonts = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
  const html = summaryHtml(
    {
      sections: { ...EMPTY_SECTIONS, pain_points: { ...EMPTY_SECTIONS.pain_points, impact_assessment: 'Queues at lunch 東京 שלום' } },
      clientName: 'مخبز النور',
      consultantName: 'Ada Lovelace',
      versionLabel: 'Version 1',
      date: new Date('2026-11-28T10:00:00Z'),
    },
    fonts,
  );

  it('has no screen layout, and LOAD_FONTS_SCRIPT loads the faces its text needs in each weight, and no others', { timeout: 120_000 }, async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const loaded = await withHtmlFile(html, async (url) => {
        await page.goto(url, { waitUntil: 'load' });
        expect(await page.evaluate(LOAD_FONTS_SCRIPT)).toBe(true);
        expect(await page.evaluate('document.body.getClientRects().length')).toBe(0);
        return (await page.evaluate(
          `[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/["']/g, '') + ' ' + f.weight + ' ' + f.style)`,
        )) as string[];
      });
      // The client's name is a heading (bold), the impact text regular: Arabic in both weights, CJK and Hebrew.
      expect(loaded).toEqual(
        expect.arrayContaining(['FB Sans 400 normal', 'FB Sans 700 normal', 'FB Arabic 400 normal', 'FB Arabic 700 normal', 'FB SC 400 normal']),
      );
      expect(loaded).toEqual(expect.arrayContaining(['FB Hebrew 400 normal']));
      // Faces whose unicode-range the text does not touch stay unread.
      expect(loaded.filter((face) => /FB (Thai|KR|Math|Emoji)/.test(face))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
