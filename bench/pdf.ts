import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chromiumPdfPrinter } from '../src/main/pdf/chromiumPrinter';
import { SummaryPdf, type SummaryRequest } from '../src/main/pdf/summaryPdf';
import { findShippedFolder } from '../src/main/appResources';
import { EMPTY_SECTIONS, type Sections } from '../src/shared/consultation/sections';
import { fullSections } from '../test/arbitraries';
import { timeAsync, type Row } from './measure';

const request = (sections: Sections): SummaryRequest => ({ sections, consultantName: 'Ada Lovelace', versionLabel: 'Version 4', date: new Date(), status: 'completed' });

function everyScript(): Sections {
  return {
    ...EMPTY_SECTIONS,
    contact_info: { business_name: 'Αθήνα & مخبز النور', contact_person: 'יורם כהן' },
    pain_points: {
      primary_challenges: ['Café Lumière', 'Ελληνικά', 'Очереди в обед', '餐饮行业', '東京の喫茶店', '재고 관리', 'مرحبا بكم في المتجر', 'הלקוח (יורם כהן) מתל אביב', 'पारिवारिक व्यवसाय', 'ภาษาไทย', 'Launch 🎉', '≥ 95%'],
    },
  };
}

/** About 1 MB of text: a long impact assessment mixing scripts, and 330 long goals. */
function oneMegabyte(): Sections {
  const sections = fullSections('Megacorp');
  const prose = 'The weekend trade depends on the ovens 東京 and on the staff. مرحبا بكم. שלום לכולם. पारिवारिक. ';
  sections.pain_points.impact_assessment = Array.from({ length: 1000 }, (_, i) => `${i}: ${prose.repeat(8)}`).join('\n').slice(0, 900_000);
  sections.goals_objectives.primary_goals = Array.from({ length: 330 }, (_, i) => `Goal ${i}: ${'measurably better service '.repeat(12)}`);
  return sections;
}

/** The client PDF printed by Chromium (Playwright here; Electron's printToPDF in the app) from the HTML template. */
export async function pdfBench(): Promise<Row[]> {
  const fonts = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
  const printer = chromiumPdfPrinter();
  const pdf = new SummaryPdf(printer, fonts);
  // The longest the Node main thread was blocked while printing: layout and printing run in Chromium's processes.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  try {
    const t0 = performance.now();
    await pdf.render(request(fullSections()));
    const first = performance.now() - t0;
    const plain = async () => {
      await printer.print(`<!doctype html><pre>${JSON.stringify(fullSections(), null, 1).replace(/[<&]/g, ' ')}</pre>`);
    };
    loop.enable();
    const full = await timeAsync(() => pdf.render(request(fullSections())).then(() => undefined), 10, 2);
    const scripts = await timeAsync(() => pdf.render(request(everyScript())).then(() => undefined), 5, 1);
    const big = oneMegabyte();
    const bytes = Buffer.byteLength(JSON.stringify(big), 'utf8');
    const mb = await timeAsync(() => pdf.render(request(big)).then(() => undefined), 3, 1);
    loop.disable();
    const longestBlock = loop.max / 1e6;
    return [
      {
        name: 'PDF summary of a full consultation (after the first)',
        ms: full,
        baselineMs: await timeAsync(plain, 10, 2),
        baseline: 'the same Chromium printing the same words as plain preformatted text',
        aim: '< 300 ms',
        note: `first print ${Math.round(first)} ms (starts Chromium)`,
      },
      { name: 'PDF summary with every script (Latin … Arabic, Hebrew, Devanagari, Thai, CJK, emoji, ≥)', ms: scripts, aim: '< 500 ms', note: 'loads only the fonts the text needs (unicode-range)' },
      {
        name: `PDF summary of a 1 MB consultation (${(bytes / 1e6).toFixed(2)} MB of JSON)`,
        ms: mb,
        aim: '< 3,000 ms',
        note: `main thread's longest block over all PDF runs: ${longestBlock.toFixed(0)} ms (layout and printing run in Chromium)`,
      },
    ];
  } finally {
    await printer.close();
  }
}
