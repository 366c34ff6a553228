import PdfPrinter from 'pdfmake';
import type { Content, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces';
import { join } from 'node:path';
import { format } from 'date-fns';
import { FIELDS, SECTION_KEYS, SECTION_LABELS, getPath, type FieldSpec, type SectionKey } from '../../shared/consultation/fields';
import { completionOf, isFilled } from '../../shared/consultation/completion';
import { STATUS_LABELS, type Status } from '../../shared/consultation/status';
import type { Sections } from '../../shared/consultation/sections';
import { scriptRuns } from './scriptRuns';

// The PDF summary a consultant leaves with the client. Built with pdfmake under plain Node, so the bytes a
// user gets are the bytes the tests read (pdftotext) and render (pdftoppm).

export interface SummaryInput {
  sections: Sections;
  status: Status;
  versionNumber: number;
  versionDate: string;
  consultantName: string;
  generatedAt?: Date;
}

const ACCENT = '#1f5f8b';
const MUTED = '#5e5d58';
const URGENCY_COLORS: Record<string, string> = { low: '#2e7d32', medium: '#8a5a00', high: '#c25e00', critical: '#a4262c' };

function fonts(folder: string): TFontDictionary {
  const regular = join(folder, 'NotoSans-Regular.ttf');
  const hans = join(folder, 'NotoSansHans-Regular.otf');
  const kr = join(folder, 'NotoSansKR-Regular.otf');
  return {
    NotoSans: { normal: regular, bold: join(folder, 'NotoSans-Bold.ttf'), italics: join(folder, 'NotoSans-Italic.ttf'), bolditalics: join(folder, 'NotoSans-Bold.ttf') },
    // CJK faces come in one weight here; bold text in those scripts prints in the regular weight.
    NotoSansHans: { normal: hans, bold: hans, italics: hans, bolditalics: hans },
    NotoSansKR: { normal: kr, bold: kr, italics: kr, bolditalics: kr },
  };
}

/** Text in runs whose fonts have the glyphs. */
const t = (value: string): Content => {
  const runs = scriptRuns(value);
  return runs.length === 1 && runs[0]!.font === 'NotoSans' ? { text: value } : { text: runs.map((r) => ({ text: r.text, font: r.font })) };
};

function valueContent(field: FieldSpec, value: unknown): Content {
  if (Array.isArray(value)) {
    return { ul: value.filter(isFilled).map((item) => t(String(item))), style: 'list' };
  }
  if (field.kind === 'urgency') {
    const level = String(value);
    return { text: level.toUpperCase(), bold: true, color: URGENCY_COLORS[level] ?? ACCENT };
  }
  if (field.kind === 'date') {
    const date = new Date(`${String(value)}T00:00:00Z`);
    return t(Number.isNaN(date.getTime()) ? String(value) : format(date, 'd MMMM yyyy'));
  }
  return t(String(value));
}

function sectionContent(sections: Sections, section: SectionKey): Content[] {
  const filled = FIELDS.filter((f) => f.section === section && isFilled(getPath(sections, f.path)));
  const heading: Content = { text: SECTION_LABELS[section] === 'Goals' ? 'Goals & objectives' : SECTION_LABELS[section], style: 'h2' };
  const rule: Content = { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 495, y2: 0, lineWidth: 0.75, lineColor: '#d8d6cf' }], margin: [0, 2, 0, 8] };
  if (filled.length === 0) return [heading, rule, { text: 'Not recorded yet.', italics: true, color: MUTED, margin: [0, 0, 0, 12] }];
  return [
    heading,
    rule,
    {
      table: {
        widths: [130, '*'],
        body: filled.map((field) => [
          { text: field.label, style: 'label' },
          valueContent(field, getPath(sections, field.path)),
        ]),
      },
      layout: { hLineWidth: () => 0, vLineWidth: () => 0, paddingTop: () => 3, paddingBottom: () => 3, paddingLeft: () => 0 },
      margin: [0, 0, 0, 14],
    },
  ];
}

export function summaryDocument(input: SummaryInput): TDocumentDefinitions {
  const { sections } = input;
  const business = sections.contact_info.business_name ?? 'Untitled consultation';
  const person = sections.contact_info.contact_person;
  const completion = completionOf(sections);
  const versionDate = format(new Date(input.versionDate), 'd MMMM yyyy');
  return {
    pageSize: 'A4',
    pageMargins: [50, 56, 50, 60],
    info: { title: `${business} — consultation summary`, author: input.consultantName, creator: 'Fieldbook', producer: 'Fieldbook' },
    defaultStyle: { font: 'NotoSans', fontSize: 10.5, lineHeight: 1.25, color: '#1d1d1b' },
    styles: {
      eyebrow: { fontSize: 9, color: ACCENT, bold: true },
      title: { fontSize: 22, bold: true, margin: [0, 2, 0, 2] },
      subtitle: { fontSize: 12, color: MUTED },
      h2: { fontSize: 13, bold: true, color: ACCENT, margin: [0, 6, 0, 0] },
      label: { fontSize: 9, color: MUTED, bold: true },
      list: { margin: [0, 0, 0, 0] },
      meta: { fontSize: 9, color: MUTED },
    },
    content: [
      { text: 'CONSULTATION SUMMARY', style: 'eyebrow' },
      { ...(t(business) as object), style: 'title' } as Content,
      ...(person ? [{ ...(t(person) as object), style: 'subtitle' } as Content] : []),
      {
        columns: [
          { text: `${STATUS_LABELS[input.status]} · ${completion.percentage}% complete`, style: 'meta' },
          { ...(t(`Version ${input.versionNumber} · ${versionDate} · Prepared by ${input.consultantName}`) as object), style: 'meta', alignment: 'right' } as Content,
        ],
        margin: [0, 8, 0, 16],
      },
      ...SECTION_KEYS.flatMap((key) => sectionContent(sections, key)),
    ],
    footer: (currentPage, pageCount) => ({
      columns: [
        { ...(t(`Fieldbook · ${business} · Version ${input.versionNumber}`) as object), style: 'meta' } as Content,
        { text: `Page ${currentPage} of ${pageCount}`, style: 'meta', alignment: 'right' },
      ],
      margin: [50, 20, 50, 0],
    }),
  };
}

/** The summary as PDF bytes. `fontsFolder` holds the shipped Noto fonts (resources/fonts). */
export function renderSummaryPdf(input: SummaryInput, fontsFolder: string): Promise<Buffer> {
  const printer = new PdfPrinter(fonts(fontsFolder));
  const doc = printer.createPdfKitDocument(summaryDocument(input));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
