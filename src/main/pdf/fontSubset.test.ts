import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromiumPdfPrinter } from './chromiumPrinter';
import { documentCodePoints, subsetFont, withDocumentFonts, withSubsetFonts } from './fontSubset';
import { fontFaceCss, FONT_STACK } from './pdfFonts';
import { findShippedFolder } from '../appResources';

// Large CJK fonts are cut down to the document's characters before printing; the PDF must read the same.

const fontsFolder = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
const work = mkdtempSync(join(tmpdir(), 'fieldbook-subset-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** "大" (in no body below) written as a CSS escape only, in the footer: the way summaryHtml writes the client's name there. */
const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><style>${fontFaceCss(fontsFolder)}
@page { size: A4; margin: 20mm; @bottom-left { content: "Footer \\5927 "; font: 9pt ${FONT_STACK}; } }
html { font-family: ${FONT_STACK}; font-synthesis: none; }</style></head><body>${body}</body></html>`;

const urlOf = (html: string, file: string) => new RegExp(`url\\('([^']*${file.replace('.', '\\.')})'\\)`).exec(html)?.[1];
const fontUrls = (html: string) => [...html.matchAll(/url\('([^']+)'\)/g)].map(([, url]) => url!);

describe('subsetting the large fonts for one document', () => {
  it('finds characters written as text, as CSS escapes and as HTML references', () => {
    const found = documentCodePoints('a 京 \\6771  &#x5927; &#23398;');
    for (const char of 'a京東大学') expect(found.has(char.codePointAt(0)!), char).toBe(true);
  });

  it('replaces only a large face the text uses, with a small file in the folder; the rest stay the shipped files', async () => {
    const folder = mkdtempSync(join(work, 'doc-'));
    const html = page('<p>北京 and 東京: مرحبا</p>');
    const [printed = ''] = await withSubsetFonts([html], folder);
    const sc = urlOf(printed, 'subset-0.ttf');
    expect(sc).toBeDefined();
    expect(urlOf(printed, 'NotoSansSC-Regular.ttf')).toBeUndefined();
    expect(statSync(fileURLToPath(sc!)).size).toBeLessThan(60_000);
    expect(statSync(join(fontsFolder, 'NotoSansSC-Regular.ttf')).size).toBeGreaterThan(5_000_000);
    // No Hangul in the text: the Korean font is never loaded, so it is left alone; small fonts are never cut.
    expect(urlOf(printed, 'NotoSansKR-Regular.ttf')).toBe(urlOf(html, 'NotoSansKR-Regular.ttf'));
    expect(urlOf(printed, 'NotoSansArabic-Regular.ttf')).toBe(urlOf(html, 'NotoSansArabic-Regular.ttf'));
    expect(fontUrls(printed).filter((url) => !fontUrls(html).includes(url))).toEqual([sc]);
    expect(readdirSync(folder)).toEqual(['subset-0.ttf']);
  });

  it('leaves a document without CJK exactly as it was, and prints with the whole font when a file cannot be subset', async () => {
    const folder = mkdtempSync(join(work, 'doc-'));
    const latin = page('<p>Plain Latin text</p>').replace('\\5927 ', 'x');
    expect(await withSubsetFonts([latin], folder)).toEqual([latin]);
    const broken = join(work, 'broken.ttf');
    writeFileSync(broken, Buffer.alloc(2_000_000, 7));
    const html = page('<p>東京</p>').replaceAll(urlOf(page(''), 'NotoSansSC-Regular.ttf')!, `file://${broken}`);
    expect(await withSubsetFonts([html], folder)).toEqual([html]);
    await expect(subsetFont(readFileSync(broken), [0x6771])).rejects.toThrow(/hb-subset/);
  });

  it('subsets a font once for the parts of one summary, with the characters of every part', async () => {
    const folder = mkdtempSync(join(work, 'doc-'));
    const parts = await withSubsetFonts([page('<p>北京</p>'), page('<p>東京 and 餐饮</p>')], folder);
    expect(readdirSync(folder)).toEqual(['subset-0.ttf']);
    expect(new Set(parts.map((html) => urlOf(html, 'subset-0.ttf')))).toEqual(new Set([pathToFileURL(join(folder, 'subset-0.ttf')).href]));
    // Only the <style> is rewritten: a body that quotes a font URL keeps it as typed.
    const quoted = page(`<p>東京 url('${urlOf(page(''), 'NotoSansSC-Regular.ttf')}')</p>`);
    const [rewritten = ''] = await withSubsetFonts([quoted], mkdtempSync(join(work, 'doc-')));
    expect(rewritten.slice(rewritten.indexOf('<body>'))).toBe(quoted.slice(quoted.indexOf('<body>')));
  });

  it('prints every CJK character of the text and of the footer with the subset font, embedded, as text', { timeout: 120_000 }, async () => {
    const printer = chromiumPdfPrinter();
    try {
      const bytes = await withDocumentFonts([page('<p>北京 and 東京 · 餐饮行业 · 東京の喫茶店</p>')], async ([html]) => {
        expect(html).toContain('subset-0.ttf');
        return printer.print(html!);
      });
      const file = join(work, 'cjk.pdf');
      writeFileSync(file, bytes);
      const text = execFileSync('pdftotext', [file, '-']).toString('utf8');
      expect(text).toContain('北京 and 東京');
      expect(text).toContain('餐饮行业');
      expect(text).toContain('東京の喫茶店');
      expect(text).toContain('Footer 大');
      const fonts = execFileSync('pdffonts', [file]).toString();
      expect(fonts).toMatch(/\+NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    } finally {
      await printer.close();
    }
  });
});
