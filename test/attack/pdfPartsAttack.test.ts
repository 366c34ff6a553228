import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPdfPrinter } from '../../src/main/pdf/chromiumPrinter';
import { SummaryPdf, clientNameOf, type SummaryRequest } from '../../src/main/pdf/summaryPdf';
import { CHUNK, summaryDocuments, textBlocks } from '../../src/main/pdf/summaryHtml';
import { PART_CHARS } from '../../src/main/pdf/documentParts';
import type { PdfPrinter } from '../../src/main/pdf/pdfPrinter';
import { findShippedFolder } from '../../src/main/appResources';
import { joinNumbered } from '../../src/main/pdf/pageNumbers';
import type { Sections } from '@shared/consultation/sections';
import { AppFailure } from '@shared/errors';
import { fullSections } from '../arbitraries';
import { signaturePng } from '../signatureImage';
import { descendants } from '../../bench/memory';
import { pdfPages, type Word } from '../pdfWords';
import { printerForThisFile } from '../printingHost';
import type { PdfBranding } from '@shared/pdfBranding';

// The long-summary PDF printed in parts (documentParts.ts), joined and numbered (pageNumbers.ts), attacked
// as a consultant's odd text or a broken printer would: each test forces parts on a short summary and checks
// that nothing typed is lost, garbled or drawn over, against the same summary printed whole.

const fontsFolder = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
const { printer, work } = printerForThisFile('fieldbook-parts-attack-');

const request = (sections: Sections, extra: Partial<SummaryRequest> = {}): SummaryRequest => ({
  sections,
  consultantName: 'Ada Lovelace',
  versionLabel: 'Version 2',
  date: new Date('2026-11-28T10:00:00Z'),
  status: 'draft',
  ...extra,
});

/** How many parts `req` prints in at `partChars`. */
const partsOf = (req: SummaryRequest, partChars: number) => summaryDocuments({ ...req, clientName: clientNameOf(req.sections) }, fontsFolder, partChars).length;

let made = 0;
/** The PDF's pages (body and footer words from pdftotext -bbox), text, info and fonts. */
function inspect(bytes: Buffer) {
  const file = join(work, `${(made += 1)}.pdf`);
  writeFileSync(file, bytes);
  const big = { maxBuffer: 256 * 1024 * 1024 };
  const pages = pdfPages(file);
  return {
    file,
    pages,
    text: execFileSync('pdftotext', [file, '-'], big).toString('utf8'),
    info: execFileSync('pdfinfo', [file]).toString('utf8'),
    fonts: execFileSync('pdffonts', [file]).toString('utf8').split('\n').slice(2).filter(Boolean),
  };
}

async function printed(req: SummaryRequest, partChars: number, on: PdfPrinter = printer, branding?: () => PdfBranding) {
  return inspect((await new SummaryPdf(on, fontsFolder, branding, partChars).render(req)).bytes);
}

/** A consultation with every kind of piece: lists (one item right to left), urgency, dates, a number, long text, one section empty. */
function everyPiece(name: string): SummaryRequest {
  const sections = fullSections(name);
  sections.goals_objectives.primary_goals = ['Website', 'موقع إلكتروني للمخبز', 'Instagram 📸'];
  sections.pain_points.primary_challenges = Array.from({ length: 12 }, (_, i) => `Challenge ${i}: orders lost between systems`);
  sections.pain_points.impact_assessment = Array.from({ length: 30 }, (_, i) => `Impact ${i}: weekend orders need manual fixes.`).join('\n');
  sections.business_context = {};
  return request(sections, {
    signOff: {
      signerName: 'María José Núñez',
      signedAt: '2026-11-27T09:30:00Z',
      contentHash: 'ab'.repeat(32),
      signatureImage: signaturePng(),
      versionNumber: 2,
    },
    sinceLastVisit: [
      { path: 'pain_points.urgency_level', label: 'Urgency', before: 'medium', after: 'high' },
      { path: 'business_context.team_size', label: 'Team size', before: '40', after: '42' },
    ],
  });
}

/**
 * The same body words as `whole`, and everyPiece's numbered lines in the order typed. (pdftotext orders a right-to-left
 * list item among its neighbours by the page's other lines, which differ when a part begins a page: words are compared as a set.)
 */
function sameWords(split: ReturnType<typeof inspect>, whole: ReturnType<typeof inspect>) {
  expect(bodyWords(split).sort()).toEqual(bodyWords(whole).sort());
  for (const kind of ['Challenge', 'Impact']) {
    const numbers = [...split.text.matchAll(new RegExp(`${kind} (\\d+):`, 'g'))].map((m) => Number(m[1]));
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers).toEqual(numbers.map((_, n) => n));
  }
}

/** The printer's Chromium browser processes under this test process. */
const browsers = () =>
  descendants()
    .filter((p) => /chrom/i.test(p.cmdline) && !/--type=/.test(p.cmdline))
    .map((p) => p.pid);

const bodyWords = (pdf: ReturnType<typeof inspect>) => pdf.pages.flatMap((page) => page.body.map((w) => w.text));

/** Every font embedded, every one a shipped Noto face (pdffonts' "emb" column). */
function allEmbedded(fonts: string[]) {
  expect(fonts.length).toBeGreaterThan(0);
  for (const font of fonts) {
    expect(font, font).toMatch(/Noto/);
    expect(font.split(/\s+/).at(-5), font).toBe('yes');
  }
}

/** The footer's "Page N of M" words (wherever pdftotext puts them among right-to-left words) and the rest. */
function footerOf(page: { footer: Word[] }) {
  const at = page.footer.findIndex((w, i) => w.text === 'Page' && /^\d+$/.test(page.footer[i + 1]?.text ?? '') && page.footer[i + 2]?.text === 'of');
  return at < 0
    ? { label: '', drawn: [], left: page.footer }
    : {
        label: page.footer
          .slice(at, at + 4)
          .map((w) => w.text)
          .join(' '),
        drawn: page.footer.slice(at, at + 4),
        left: [...page.footer.slice(0, at), ...page.footer.slice(at + 4)],
      };
}

/** Each page's footer holds "Page N of M", numbered 1..M in order, and no other page number. */
function numbered(pdf: ReturnType<typeof inspect>) {
  for (const [i, page] of pdf.pages.entries()) {
    const footer = footerOf(page);
    expect(footer.label, `page ${i + 1}: ${page.footer.map((w) => w.text).join(' ')}`).toBe(`Page ${i + 1} of ${pdf.pages.length}`);
    expect(footerOf({ footer: footer.left }).label).toBe('');
  }
}

/** No word of the footer's left text is drawn under the page number. */
function apart(pdf: ReturnType<typeof inspect>, what: string) {
  for (const [i, page] of pdf.pages.entries()) {
    const { drawn, left } = footerOf(page);
    for (const word of left)
      for (const label of drawn) expect(overlaps(word, label), `${what} page ${i + 1}: "${word.text}" under "${label.text}"`).toBe(false);
  }
}

const overlaps = (a: Word, b: Word) => a.xMin < b.xMax - 0.5 && b.xMin < a.xMax - 0.5 && a.yMin < b.yMax - 0.5 && b.yMin < a.yMax - 0.5;

describe('the long-summary PDF printed in parts: attacks', () => {
  it('a long client name in the footer is never drawn under the page number, and wraps as in the whole print', { timeout: 180_000 }, async () => {
    // A real business name can be long; with the version label the footer's left text then fills the line.
    const name = 'Bäckerei und Konditorei Müller-Lüdenscheidt Gesellschaft mit beschränkter Haftung & Co. Kommanditgesellschaft Zweigniederlassung Nord';
    const sections = fullSections(name);
    sections.pain_points.impact_assessment = Array.from({ length: 150 }, (_, i) => `Line ${i}: ovens and staff.`).join('\n');
    const req = request(sections, { versionLabel: 'Working copy, 28 Nov 2026' });
    expect(partsOf(req, 3000)).toBeGreaterThanOrEqual(2);
    const whole = await printed(req, Infinity);
    const split = await printed(req, 3000);
    numbered(split);
    apart(split, 'parts');
    apart(whole, 'whole');
    // The footer's left text reads the same, line for line, as Chromium lays it out in the whole print.
    const leftLines = (page: (typeof whole.pages)[number]) => {
      const lines = new Map<number, string[]>();
      for (const w of footerOf(page).left) lines.set(Math.round(w.yMin), [...(lines.get(Math.round(w.yMin)) ?? []), w.text]);
      return [...lines.values()].map((words) => words.join(' '));
    };
    expect(leftLines(split.pages[1]!).length).toBe(2);
    expect(leftLines(split.pages[1]!)).toEqual(leftLines(whole.pages[0]!));
    expect(bodyWords(split)).toEqual(bodyWords(whole));
  });

  it(
    'hostile or odd client names and version labels: footer on every page, never under the number, nothing leaks into the body',
    { timeout: 300_000 },
    async () => {
      const cases: [string, string][] = [
        ['</div><script>document.body.innerHTML="x"</script><div>', 'Version 2'],
        ['Quote " and \' and back\\slash \\" and \\\\ end', 'Version "3" \\A'],
        ['Line one\r\nLine two\nLine three', 'Working copy,\n28 Nov 2026'],
        ['W'.repeat(5000), 'Version 2'],
        ['مخبز '.repeat(60).trim(), 'الإصدار ٢'],
        ['👩‍👩‍👧‍👦🇩🇪🏳️‍🌈'.repeat(20), '🔢 7'],
        ['\u202Eevil reversed\u2067 isolate', 'Version 2\u202E'],
        ['東京ベーカリー 서울빵집', '版本 2'],
        ['Lone \uD800 surrogate \uDFFF name', 'Version 2'],
      ];
      for (const [name, versionLabel] of cases) {
        const sections = fullSections(name);
        sections.pain_points.impact_assessment = Array.from({ length: 120 }, (_, i) => `Line ${i}: ovens and staff.`).join('\n');
        const req = request(sections, { versionLabel });
        expect(partsOf(req, 3000)).toBeGreaterThanOrEqual(2);
        const whole = await printed(req, Infinity);
        const split = await printed(req, 3000);
        numbered(split);
        allEmbedded(split.fonts);
        expect(bodyWords(split), name.slice(0, 40)).toEqual(bodyWords(whole));
        apart(split, name.slice(0, 40));
        apart(whole, name.slice(0, 40));
        // The footer's left text is the same on every page as on the whole print's first.
        const left = footerOf(whole.pages[0]!).left.map((w) => w.text);
        expect(left.length).toBeGreaterThan(0);
        for (const page of split.pages) expect(footerOf(page).left.map((w) => w.text)).toEqual(left);
      }
      // Markup in a name is text: printed as typed in the header and footer, never run or taken as tags.
      const hostile = inspect((await new SummaryPdf(printer, fontsFolder, undefined, 3000).render(request(fullSections(cases[0]![0])))).bytes);
      expect(hostile.pages[0]!.body.map((w) => w.text).join(' ')).toContain(
        '&lt;/div&gt;&lt;script&gt;document.body.innerHTML=&quot;x&quot;&lt;/script&gt;&lt;div&gt;',
      );
      expect(hostile.info).toMatch(/Title:\s+<\/div><script>document\.body\.innerHTML="x"<\/script><div> — consultation summary\n/);
    },
  );

  it(
    'one unbroken word of 2,000+ characters in each script: no cluster is cut where a block or a part ends, every font embedded, every page renders',
    { timeout: 300_000 },
    async () => {
      // Each cluster typed to 2,100+ characters with no space, after an x: a block cut at 2,000 characters lands inside one.
      const clusters = { family: '👩‍👩‍👧‍👦', conjunct: 'क्ष', thai: 'กี่', accent: 'e\u0301\u0302', flag: '🇩🇪', tone: '👍🏽' };
      const typed = (cluster: string) => `x${cluster.repeat(Math.ceil(2100 / cluster.length))}`;
      const sections = fullSections('Acme Bakery');
      // The first part is Latin only; every other script comes after a cut.
      sections.business_context.current_platform = Array.from({ length: 80 }, (_, i) => `Filler ${i}: plain Latin text.`).join('\n');
      sections.pain_points.impact_assessment = [typed(clusters.family), typed(clusters.conjunct), typed(clusters.thai)].join('\n');
      sections.goals_objectives.budget_range = [typed(clusters.accent), typed(clusters.flag), typed(clusters.tone)].join('\n');
      sections.pain_points.primary_challenges = ['مخبز النور يحتاج إلى نظام طلبات', 'שלום עולם, הזמנות אבודות', '东京的订单丢失', '주문이 사라집니다'];
      const req = request(sections);
      expect(partsOf(req, 2500)).toBeGreaterThanOrEqual(5);
      const documents = summaryDocuments({ ...req, clientName: clientNameOf(sections) }, fontsFolder, 2500);
      expect(documents[0]).not.toMatch(/[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Han}\p{Script=Hangul}\p{Script=Devanagari}\p{Script=Thai}]/u);
      for (const [how, partChars] of [
        ['whole', Infinity],
        ['parts', 2500],
      ] as const) {
        const pdf = await printed(req, partChars);
        for (const [kind, cluster] of Object.entries(clusters)) {
          const count = pdf.text.split(cluster).length - 1;
          expect(count, `${how}: ${kind}`).toBe((typed(cluster).length - 1) / cluster.length);
        }
        for (const words of ['النور', 'עולם', '东京的订单丢失', '주문이']) expect(pdf.text, how).toContain(words);
        allEmbedded(pdf.fonts);
        for (const font of pdf.fonts) expect(font, font).not.toMatch(/Type 3/);
        if (how === 'parts') numbered(pdf);
        // Every page renders.
        const images = join(work, `render-${how}`);
        execFileSync('pdftoppm', ['-png', '-r', '20', pdf.file, images]);
        expect(readdirSync(work).filter((f) => f.startsWith(`render-${how}`)).length).toBe(pdf.pages.length);
      }
    },
  );

  it('a cluster longer than a block (a letter under 5,000 marks) and lone surrogates are still cut, losing nothing', () => {
    for (const text of ['e' + '\u0301'.repeat(5000), '\uD83D'.repeat(4100), `${'\uDC00x'.repeat(1500)}`, 'क्ष'.repeat(2000)]) {
      const blocks = textBlocks(text);
      expect(blocks.join('')).toBe(text);
      expect(blocks.length).toBeGreaterThan(1);
      expect(blocks.every((b) => b.length <= CHUNK)).toBe(true);
    }
    expect(textBlocks('क्ष'.repeat(2000)).every((b) => b.startsWith('क्ष'))).toBe(true);
  });

  it(
    'every kind of piece at a cut (20+ parts): sign-off, since last visit, lists, urgency, dates, branding, status: the same words as printed whole, in the order typed, no blank page',
    { timeout: 300_000 },
    async () => {
      const req = everyPiece('Acme Bakery');
      const logo = signaturePng(60, 30);
      const branding = (): PdfBranding => ({ teamName: 'Northwind Consultants', logo, accent: '#a4262c', includeStatus: true });
      expect(partsOf(req, 200)).toBeGreaterThanOrEqual(20);
      const whole = await printed(req, Infinity, printer, branding);
      const split = await printed(req, 200, printer, branding);
      expect(split.pages.length).toBeGreaterThanOrEqual(20);
      sameWords(split, whole);
      // Every page A4, as Chromium prints the whole summary.
      const sizes = execFileSync('pdfinfo', ['-f', '1', '-l', String(split.pages.length), split.file])
        .toString('utf8')
        .match(/Page +\d+ size: .*/g)!;
      expect(sizes).toHaveLength(split.pages.length);
      for (const size of sizes) expect(size).toMatch(/594\.96 x 841\.92 pts \(A4\)/);
      numbered(split);
      allEmbedded(split.fonts);
      for (const [i, page] of split.pages.entries()) expect(page.body.length, `page ${i + 1} is blank`).toBeGreaterThan(0);
      for (const words of ['Client sign-off', 'Since last visit', 'HIGH', '15 January 2027', 'Northwind Consultants', 'موقع', 'Impact 29:', 'Challenge 11:'])
        expect(split.text).toContain(words);
      // Each section heading printed once: a part that continues a section does not repeat it.
      for (const heading of ['Contact', 'Pain points', 'Goals & objectives'])
        expect(split.text.split('\n').filter((line) => line.trim() === heading).length, heading).toBe(1);
      expect(split.text.split('\n').filter((line) => line.trim() === 'Business')).toEqual([]);
      expect(whole.text.split('\n').filter((line) => line.trim() === 'Pain points')).toHaveLength(1);
      expect(split.info).toMatch(/Title:\s+Acme Bakery — consultation summary/);
      // The signature image is drawn (an image on some page), as in the whole print.
      const images = (file: string) => execFileSync('pdfimages', ['-list', file]).toString('utf8').split('\n').slice(2).filter(Boolean).length;
      expect(images(split.file)).toBe(images(whole.file));
      expect(images(split.file)).toBeGreaterThanOrEqual(2);
    },
  );

  it('the printer fails on the second part: the consultant reads "could not be made", and the next export prints whole', { timeout: 180_000 }, async () => {
    let calls = 0;
    const failing: PdfPrinter = {
      print: (html) => ((calls += 1) === 2 ? Promise.reject(new Error('print compositor crashed')) : printer.print(html)),
      close: () => Promise.resolve(),
    };
    const req = everyPiece('Failing Second Part');
    expect(partsOf(req, 1500)).toBeGreaterThanOrEqual(3);
    const pdf = new SummaryPdf(failing, fontsFolder, undefined, 1500);
    const error = await pdf.render(req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFailure);
    expect((error as AppFailure).message).toBe('The PDF could not be made just now. Your consultation is unchanged; please try again.');
    expect(calls).toBe(2);
    const again = inspect((await pdf.render(req)).bytes);
    sameWords(again, await printed(req, 1500));
    numbered(again);
  });

  it('the printer’s Chromium killed between two parts: the export still completes, whole and numbered', { timeout: 180_000 }, async () => {
    const own = chromiumPdfPrinter();
    try {
      const before = new Set(browsers());
      let calls = 0;
      let killed: number[] = [];
      const killing: PdfPrinter = {
        async print(html) {
          const bytes = await own.print(html);
          // Right after the first part, before the next is asked for: the printer has had no time to notice.
          if ((calls += 1) === 1) {
            killed = browsers().filter((pid) => !before.has(pid));
            for (const pid of killed) process.kill(pid, 'SIGKILL');
          }
          return bytes;
        },
        close: () => own.close(),
      };
      const req = everyPiece('Killed Between Parts');
      const split = inspect((await new SummaryPdf(killing, fontsFolder, undefined, 1500).render(req)).bytes);
      expect(calls).toBeGreaterThanOrEqual(3);
      // Only the Chromium this printer started (a descendant of this process).
      expect(killed).toHaveLength(1);
      sameWords(split, await printed(req, Infinity));
      numbered(split);
    } finally {
      await own.close();
    }
  });

  it('two long exports at once on one printer: their parts interleave, each PDF holds only its own words, numbered 1..M', { timeout: 300_000 }, async () => {
    const order: string[] = [];
    const watching: PdfPrinter = {
      print(html) {
        order.push(/<title>([^<]*) — /.exec(html)![1]!);
        return printer.print(html);
      },
      close: () => Promise.resolve(),
    };
    const a = everyPiece('Alpha Bakery');
    const b = everyPiece('Omega Café');
    b.sections.pain_points.impact_assessment = Array.from({ length: 30 }, (_, i) => `Impact ${i}: the espresso machine is down.`).join('\n');
    const [pa, pb] = await Promise.all([a, b].map((req) => new SummaryPdf(watching, fontsFolder, undefined, 2000).render(req)));
    // The two exports' parts were asked for in turns, not one export after the other (the exact turns depend on timing).
    expect(order.filter((name) => name === 'Alpha Bakery').length).toBeGreaterThan(1);
    expect(order.indexOf('Omega Café')).toBeLessThan(order.lastIndexOf('Alpha Bakery'));
    for (const [made, req, own, other] of [
      [pa!, a, 'Alpha Bakery', 'Omega Café'],
      [pb!, b, 'Omega Café', 'Alpha Bakery'],
    ] as const) {
      const pdf = inspect(made.bytes);
      sameWords(pdf, await printed(req, Infinity));
      expect(pdf.text).toContain(own);
      expect(pdf.text).not.toContain(other);
      expect(pdf.text.includes('espresso')).toBe(own === 'Omega Café');
      numbered(pdf);
    }
  });

  it(
    '1,200 pages joined: "Page 1000 of 1200" right-aligned inside the margin like "Page 1 of 1200", never over a long footer',
    { timeout: 300_000 },
    async () => {
      const sections = fullSections('W'.repeat(3000));
      sections.pain_points.impact_assessment = Array.from({ length: 120 }, (_, i) => `Line ${i}: ovens and staff.`).join('\n');
      const documents = summaryDocuments({ ...request(sections), clientName: clientNameOf(sections) }, fontsFolder, 3000);
      expect(documents.length).toBeGreaterThanOrEqual(2);
      // A later part (no header): its pages are joined 1,200 times over.
      const part = await printer.print(documents[1]!);
      const perPart = inspect(part).pages.length;
      const copies = Math.ceil(1200 / perPart);
      const joined = inspect(
        await joinNumbered(
          Array.from({ length: copies }, () => part),
          fontsFolder,
        ),
      );
      expect(joined.pages.length).toBe(copies * perPart);
      expect(joined.pages.length).toBeGreaterThanOrEqual(1200);
      numbered(joined);
      apart(joined, 'joined');
      const width = 594.96;
      const rightEdges = joined.pages.map((page) => footerOf(page).drawn.at(-1)!.xMax);
      for (const [i, edge] of rightEdges.entries()) {
        expect(Math.abs(edge - rightEdges[0]!), `page ${i + 1}`).toBeLessThan(0.1);
        // The right margin is 18 mm (51 pt); Chromium's own label ends 0.55 pt past it.
        expect(edge, `page ${i + 1}`).toBeLessThanOrEqual(width - 51 + 1);
      }
      expect(footerOf(joined.pages[999]!).label).toBe(`Page 1000 of ${joined.pages.length}`);
      allEmbedded(joined.fonts);
    },
  );

  it(
    'bidi overrides left open, control characters, CRLF and lone CR before a cut: the lines after read as typed, in every part',
    { timeout: 180_000 },
    async () => {
      const sections = fullSections('Acme Bakery');
      const lines = Array.from({ length: 160 }, (_, i) => `Line ${i}: ovens and staff.`);
      // Opened and never closed: an override, an isolate, an embedding; then C0 controls, DEL and a lone surrogate.
      lines[0] = '\u202Ereversed until the end?';
      lines[40] = '\u2067isolate left open';
      lines[80] = '\u202Bembedding left open';
      lines[100] = '</p></li></ul></div></section><h2>Not a heading</h2><section>';
      lines[120] = 'Alpha\u0001Beta\u0007Gamma\u000BDelta\u007FEpsilon\uD800Zeta';
      sections.pain_points.impact_assessment = lines.join('\r\n');
      sections.pain_points.current_solution_gaps = ['\u202Eopen override in an item', 'Next item reads left to right', 'Old\rMac line'];
      const req = request(sections);
      expect(partsOf(req, 1500)).toBeGreaterThanOrEqual(5);
      for (const partChars of [Infinity, 1500]) {
        const pdf = await printed(req, partChars);
        for (const [i, line] of lines.entries()) if (/^Line/.test(line)) expect(pdf.text, `line ${i}`).toContain(line);
        expect(pdf.text).toContain('Next item reads left to right');
        expect(pdf.text.replace(/[^A-Za-z]/g, '')).toContain('AlphaBetaGammaDeltaEpsilonZeta');
        expect(pdf.text).toMatch(/Old\s+Mac line/);
        expect(pdf.text).toContain('</p></li></ul></div></section><h2>Not a heading</h2><section>');
        if (partChars !== Infinity) numbered(pdf);
      }
    },
  );

  it('a part whose text ends within a line of a page end, or spills just past it: no blank page, no line lost', { timeout: 300_000 }, async () => {
    // Two parts: the impact field's n lines, then n goals. Part 1's page count is searched for the n where it grows by one.
    const at = (n: number) => {
      const sections = fullSections('Acme Bakery');
      sections.pain_points.impact_assessment = Array.from({ length: n }, (_, i) => `Line ${i}: ovens and staff.`).join('\n');
      sections.goals_objectives.primary_goals = Array.from({ length: n }, (_, i) => `Goal ${i}: faster service`);
      const req = request(sections);
      const input = { ...req, clientName: clientNameOf(sections) };
      const whole = summaryDocuments(input, fontsFolder, Infinity)[0]!;
      const partChars = Math.ceil((whole.length - whole.indexOf('<body>')) / 1.9);
      const documents = summaryDocuments(input, fontsFolder, partChars);
      expect(documents).toHaveLength(2);
      return { req, partChars, documents };
    };
    const firstPartPages = async (n: number) => inspect(await printer.print(at(n).documents[0]!)).pages.length;
    let [low, high] = [60, 400];
    const fewest = await firstPartPages(low);
    expect(await firstPartPages(high)).toBeGreaterThan(fewest);
    // Bounded: about nine prints.
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if ((await firstPartPages(mid)) > fewest) high = mid;
      else low = mid;
    }
    // At `low` part 1 fills its last page to within about a line; at `high` it spills onto a new one.
    for (const n of [low - 1, low, high, high + 1]) {
      const { req, partChars, documents } = at(n);
      const split = await printed(req, partChars);
      const own = await Promise.all(documents.map(async (html) => inspect(await printer.print(html)).pages.length));
      expect(split.pages.length, `${n} lines`).toBe(own[0]! + own[1]!);
      for (const [i, page] of split.pages.entries()) expect(page.body.length, `${n} lines: page ${i + 1} is blank`).toBeGreaterThan(0);
      for (const kind of ['Line', 'Goal']) {
        const numbers = [...split.text.matchAll(new RegExp(`${kind} (\\d+):`, 'g'))].map((m) => Number(m[1]));
        expect(numbers, `${n} lines`).toEqual(Array.from({ length: n }, (_, i) => i));
      }
      numbered(split);
    }
  });

  it(
    'a follow-up after long fields were rewritten: "Since last visit" continues across parts, no part over the bound, every line in order',
    { timeout: 180_000 },
    async () => {
      // Each changed field prints its whole old and new value (up to 100,000 characters each): eight such fields are 1.6 MB.
      const value = (k: number, version: string, length = 100_000) =>
        `${version} ${k}: ${'the ovens and the staff on weekends, 東京 שלום. '.repeat(2100)}`.slice(0, length);
      const sinceLastVisit = Array.from({ length: 8 }, (_, k) => ({
        path: 'pain_points.impact_assessment',
        label: `Field ${k}`,
        before: value(k, 'Old'),
        after: value(k, 'New'),
      }));
      const req = request(fullSections('Acme Bakery'), { sinceLastVisit });
      const documents = summaryDocuments({ ...req, clientName: clientNameOf(req.sections) }, fontsFolder);
      const bodies = documents.map((html) => html.length - html.indexOf('<body>'));
      expect(documents.length).toBeGreaterThanOrEqual(3);
      // A part holds at most the bound and one more piece (here a changed field's line, 200,000 characters and its markup).
      for (const body of bodies) expect(body).toBeLessThan(PART_CHARS + 201_000);
      // Printed (values of 20,000 characters, a small bound), word for word as the whole, the heading once.
      const short = request(req.sections, {
        sinceLastVisit: sinceLastVisit.map((line, k) => ({ ...line, before: value(k, 'Old', 20_000), after: value(k, 'New', 20_000) })),
      });
      expect(partsOf(short, 40_000)).toBeGreaterThanOrEqual(4);
      const split = await printed(short, 40_000);
      const whole = await printed(short, Infinity);
      expect(bodyWords(split)).toEqual(bodyWords(whole));
      expect(split.text.split('\n').filter((line) => line.trim() === 'Since last visit')).toHaveLength(1);
      const fields = [...split.text.matchAll(/Field (\d+):/g)].map((m) => Number(m[1]));
      expect(fields).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      numbered(split);
    },
  );

  it(
    'the printer’s Chromium killed while it prints the second part: the export completes, or says "could not be made"; the next one prints whole',
    { timeout: 180_000 },
    async () => {
      const own = chromiumPdfPrinter();
      try {
        const req = everyPiece('Killed While Printing');
        const whole = await printed(req, Infinity);
        const before = new Set(browsers());
        let calls = 0;
        let killed: number[] = [];
        const killing: PdfPrinter = {
          print(html) {
            const printing = own.print(html);
            if ((calls += 1) === 2) {
              killed = browsers().filter((pid) => !before.has(pid));
              for (const pid of killed) process.kill(pid, 'SIGKILL');
            }
            return printing;
          },
          close: () => own.close(),
        };
        const pdf = new SummaryPdf(killing, fontsFolder, undefined, 1500);
        const first = await pdf.render(req).catch((e: unknown) => e);
        // Only the Chromium this printer started (a descendant of this process).
        expect(killed).toHaveLength(1);
        if (first instanceof Error) {
          expect(first).toBeInstanceOf(AppFailure);
          expect(first.message).toBe('The PDF could not be made just now. Your consultation is unchanged; please try again.');
        } else {
          const split = inspect((first as { bytes: Buffer }).bytes);
          sameWords(split, whole);
          numbered(split);
        }
        const again = inspect((await pdf.render(req)).bytes);
        sameWords(again, whole);
        numbered(again);
      } finally {
        await own.close();
      }
    },
  );
});
