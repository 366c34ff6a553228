import { join } from 'node:path';
import PdfPrinter from 'pdfmake';
import { renderSummaryPdf, summaryDocument, type SummaryInput } from '../src/main/pdf/consultationPdf';
import { findShippedFolder } from '../src/main/appResources';
import { fullSections } from '../test/arbitraries';
import { timeAsync, type Row } from './measure';

/** PDF summary of a full consultation; the baseline is pdfmake printing a document of plain text of the same size. */
export async function pdfBench(): Promise<Row[]> {
  const fonts = findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');
  const input: SummaryInput = { sections: fullSections(), status: 'completed', versionNumber: 4, versionDate: new Date().toISOString(), consultantName: 'Ada Lovelace' };
  const unicode: SummaryInput = { ...input, sections: { ...input.sections, contact_info: { business_name: '東京カフェ & Москва', contact_person: '김민준' } } };
  const t0 = performance.now();
  await renderSummaryPdf(input, fonts);
  const first = performance.now() - t0;
  const printer = new PdfPrinter({ Roboto: { normal: join(fonts, 'NotoSans-Regular.ttf'), bold: join(fonts, 'NotoSans-Bold.ttf') } });
  const plainText = JSON.stringify(summaryDocument(input).content).replace(/[{}[\]"]/g, ' ');
  const plain = () =>
    new Promise<void>((resolve) => {
      const doc = printer.createPdfKitDocument({ content: [{ text: plainText }], defaultStyle: { font: 'Roboto' } });
      doc.on('data', () => undefined);
      doc.on('end', () => resolve());
      doc.end();
    });
  return [
    {
      name: 'PDF summary of a full consultation (after the first)',
      ms: await timeAsync(() => renderSummaryPdf(input, fonts).then(() => undefined), 30, 3),
      baselineMs: await timeAsync(plain, 30, 3),
      baseline: 'pdfmake printing the same words as one paragraph',
      aim: '< 300 ms',
      note: `first render ${Math.round(first)} ms (font loading)`,
    },
    {
      name: 'PDF summary with Chinese, Japanese, Korean and Cyrillic',
      ms: await timeAsync(() => renderSummaryPdf(unicode, fonts).then(() => undefined), 15, 2),
      aim: '< 300 ms',
      note: 'loads and subsets the CJK fonts each time',
    },
  ];
}
