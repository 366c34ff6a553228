import { format } from 'date-fns';
import { FIELDS, SECTION_KEYS, SECTION_LABELS, getPath, type FieldSpec, type SectionKey } from '@shared/consultation/fields';
import { completionOf, isFilled } from '@shared/consultation/completion';
import { STATUS_LABELS, type Status } from '@shared/consultation/status';
import type { Sections } from '@shared/consultation/sections';
import { FONT_STACK, fontFaceCss } from './pdfFonts';
import { SIGN_OFF_CSS, signOffHtml, sinceLastVisitItems, type PdfSignOff } from './signOffHtml';
import type { VisitChangeLine } from '@shared/consultation/visits';
import { PART_CHARS, piecesHtml, splitPieces, type Piece, type Wrapper } from './documentParts';

// The client's PDF as one HTML document that Chromium lays out and prints (Electron's printToPDF in the
// app, the same Chromium through Playwright in the preview and tests): Chromium shapes every script,
// orders bidirectional text, wraps long words, and numbers pages through CSS @page margin boxes.

/** Everything the summary prints; a plain value so any caller (working copy or a version) can make one. */
export interface SummaryPdfInput {
  sections: Sections;
  clientName: string;
  consultantName: string;
  teamName?: string | null;
  /** A data: URL of a PNG or JPEG image. */
  logo?: string | null;
  /** #rrggbb */
  accent?: string | null;
  /** "Version 3" or "Working copy, 28 Nov 2026": lets the client copy be traced. */
  versionLabel: string;
  date: Date;
  /** Internal status and completion, printed only when the consultant asks for it. */
  includeStatus?: { status: Status } | null;
  /** The client's sign-off, printed when this is the signed content. */
  signOff?: PdfSignOff | null;
  /** The version the client signed when the printed content changed since (a note, no signature). */
  changedSinceSigned?: number | null;
  /** A follow-up visit's changes since the last visit, old -> new. */
  sinceLastVisit?: VisitChangeLine[] | null;
}

export const DEFAULT_ACCENT = '#1f5f8b';
const ACCENT_PATTERN = /^#[0-9a-fA-F]{6}$/;
const LOGO_PATTERN = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/;
const URGENCY_COLORS: Record<string, string> = { low: '#2e7d32', medium: '#8a5a00', high: '#c25e00', critical: '#a4262c' };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A CSS string literal (for @page margin boxes): every non-ASCII or special character as an escape. */
const cssString = (text: string) =>
  `"${[...text.replace(/[\r\n\t]+/g, ' ')].map((c) => (/[\w .,·()&:+-]/.test(c) ? c : `\\${c.codePointAt(0)!.toString(16)} `)).join('')}"`;

/** User text: its own bidi paragraph (dir=auto) so Arabic or Hebrew read right to left. */
const userText = (tag: string, text: string, className?: string) =>
  `<${tag} dir="auto"${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</${tag}>`;

/**
 * Chromium lays out one paragraph in time that grows faster than its length (a 1 MB paragraph mixing
 * Latin and CJK did not finish in 2 minutes; the same text in 2,000-character blocks took about 4 s), so text is
 * printed as one block per line, and a line longer than CHUNK continues in a new block at a space.
 */
export const CHUNK = 2000;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/**
 * Without a space, a block ends where a character as read begins (an emoji family, a conjunct, a mark on
 * its letter), unless one character is longer than a block.
 */
function clusterCut(text: string): number {
  const start = graphemes.segment(text.slice(0, CHUNK + 100)).containing(CHUNK)?.index ?? CHUNK;
  return start > 0 ? start : CHUNK;
}
export function textBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let rest = line;
    while (rest.length > CHUNK) {
      const space = rest.lastIndexOf(' ', CHUNK);
      const cut = space > CHUNK - 200 ? space + 1 : clusterCut(rest);
      blocks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    blocks.push(rest);
  }
  return blocks;
}

/** Blocks of user text; inside a list item the item itself carries dir=auto, so its bullet follows the text. */
const blockHtml = (block: string, ownDirection: boolean) =>
  !block.trim() ? '<p class="blank"></p>' : ownDirection ? userText('p', block) : `<p>${escapeHtml(block)}</p>`;

/** A field's value as pieces: one per text block or list item, so a long field can continue in the next part. */
function valuePieces(field: FieldSpec, value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.filter(isFilled).map(
      (item) =>
        `<li dir="auto">${textBlocks(String(item))
          .map((block) => blockHtml(block, false))
          .join('')}</li>`,
    );
  }
  if (field.kind === 'urgency') {
    const level = String(value);
    return [`<p class="urgency" style="--urgency:${URGENCY_COLORS[level] ?? DEFAULT_ACCENT}">${escapeHtml(level.toUpperCase())}</p>`];
  }
  if (field.kind === 'date') {
    const date = new Date(`${String(value)}T00:00:00Z`);
    return [userText('p', Number.isNaN(date.getTime()) ? String(value) : format(date, 'd MMMM yyyy'))];
  }
  if (field.kind === 'integer') return [userText('p', Number(value).toLocaleString('en-US'))];
  return textBlocks(String(value)).map((block) => blockHtml(block, true));
}

/** What follows a heading, as pieces in `within`: the first stays with the heading (no part begins with it). */
const underHeading = (htmls: readonly string[], within: readonly Wrapper[]): Piece[] => htmls.map((html, i) => ({ html, within, glued: i === 0 }));

function sectionPieces(sections: Sections, section: SectionKey): Piece[] {
  const filled = FIELDS.filter((f) => f.section === section && isFilled(getPath(sections, f.path)));
  if (filled.length === 0) return [];
  const title = section === 'goals_objectives' ? 'Goals & objectives' : SECTION_LABELS[section];
  const inSection: Wrapper = { tag: 'section' };
  const pieces: Piece[] = [{ html: `<h2>${escapeHtml(title)}</h2>`, within: [inSection] }];
  for (const [f, field] of filled.entries()) {
    const value = getPath(sections, field.path);
    const inField: Wrapper = { tag: 'div', className: 'field' };
    const within: Wrapper[] = Array.isArray(value) ? [inSection, inField, { tag: 'ul' }] : [inSection, inField];
    // A heading stays with what follows it: no part begins right after one.
    pieces.push({ html: `<h3>${escapeHtml(field.label)}</h3>`, within: [inSection, inField], glued: f === 0 });
    pieces.push(...underHeading(valuePieces(field, value), within));
  }
  return pieces;
}

/**
 * The page footer: the client and version on the left, "Page N of M" on the right, in the bottom margin.
 * A summary printed in parts gets its page numbers drawn after the parts are joined (pageNumbers.ts), at
 * the same place, size and colour.
 */
export const FOOTER = { sideMm: 18, bottomMm: 20, paddingTopMm: 5, sizePt: 8, color: '#6b6a65', labelWidthPt: 72 } as const;
const footerBox = (content: string) =>
  `content: ${content}; font: ${FOOTER.sizePt}pt ${FONT_STACK}; color: ${FOOTER.color}; vertical-align: top; padding-top: ${FOOTER.paddingTopMm}mm;`;

// The page number's box has a fixed width ("Page 9999 of 9999"), kept empty in a part: the left text never
// runs under the number drawn after joining, and a long unbroken name cannot squeeze Chromium's own number.
const STYLE = (accent: string, footerLeft: string, pageNumbers: boolean) => `
@page { size: A4; margin: 18mm ${FOOTER.sideMm}mm ${FOOTER.bottomMm}mm;
  @bottom-left { ${footerBox(footerLeft)} }
  @bottom-right { width: ${FOOTER.labelWidthPt}pt; ${pageNumbers ? footerBox('"Page " counter(page) " of " counter(pages)') : 'content: "";'} }
}
html { font-family: ${FONT_STACK}; font-synthesis: none; font-size: 10.5pt; line-height: 1.45; color: #1d1d1b; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
/* Printed, never shown: no screen layout to make before the print layout (LOAD_FONTS_SCRIPT loads the fonts). */
@media screen { body { display: none; } }
* { overflow-wrap: anywhere; }
header { border-top: 4pt solid ${accent}; padding-top: 10pt; margin-bottom: 16pt; }
.brand { display: flex; align-items: center; gap: 8pt; min-height: 28pt; }
.brand img { max-height: 32pt; max-width: 120pt; object-fit: contain; }
.brand .team { font-weight: 700; font-size: 10pt; color: ${accent}; }
.eyebrow { margin: 10pt 0 0; font-size: 8.5pt; letter-spacing: 0.08em; text-transform: uppercase; color: #6b6a65; }
h1 { margin: 2pt 0 0; font-size: 22pt; line-height: 1.2; }
.person { margin: 2pt 0 0; font-size: 12pt; color: #4a4945; }
.meta { margin: 10pt 0 0; display: flex; flex-wrap: wrap; justify-content: space-between; gap: 2pt 12pt; font-size: 9pt; color: #4a4945; }
.meta p { margin: 0; }
.status { margin: 4pt 0 0; font-size: 9pt; color: #6b6a65; }
section { margin-top: 14pt; }
/* Carried on from the part before (documentParts.ts): it continues on a new page, as after a page break. */
section.cont { margin-top: 0; }
h2 { margin: 0 0 6pt; padding-bottom: 3pt; border-bottom: 0.75pt solid #d8d6cf; font-size: 13pt; color: ${accent}; break-after: avoid; }
.field { margin: 0 0 7pt; }
h3 { margin: 0; font-size: 8.5pt; font-weight: 700; color: #6b6a65; break-after: avoid; }
p { margin: 0; }
.blank { height: 1.45em; }
p { white-space: pre-wrap; }
ul { margin: 0; padding: 0 14pt; } /* both sides: a right-to-left item has its bullet on the right */
li { margin: 0 0 1pt; }
.urgency { display: inline-block; padding: 0 6pt; border-radius: 3pt; font-weight: 700; color: #fff; background: var(--urgency); }
.empty { font-style: italic; color: #6b6a65; }
`;

/** The summary as one complete HTML document whose fonts are file: URLs into `fontsFolder` (the print dialog's). */
export function summaryHtml(input: SummaryPdfInput, fontsFolder: string): string {
  return summaryDocuments(input, fontsFolder, Infinity)[0]!;
}

/**
 * The summary as consecutive HTML documents of at most about `partChars` of body each (documentParts.ts),
 * fonts as file: URLs into `fontsFolder`. One document prints its own page numbers; several print none
 * and get them when joined.
 */
export function summaryDocuments(input: SummaryPdfInput, fontsFolder: string, partChars = PART_CHARS): string[] {
  const accent = input.accent && ACCENT_PATTERN.test(input.accent) ? input.accent : DEFAULT_ACCENT;
  const logo = input.logo && LOGO_PATTERN.test(input.logo) ? input.logo : null;
  const team = input.teamName?.trim() || null;
  const person = input.sections.contact_info.contact_person?.trim();
  const date = format(input.date, 'd MMMM yyyy');
  const status = input.includeStatus
    ? `<p class="status">${escapeHtml(`${STATUS_LABELS[input.includeStatus.status]} · ${completionOf(input.sections).percentage}% complete`)}</p>`
    : '';
  const header = `<header>
${logo || team ? `<div class="brand">${logo ? `<img src="${logo}" alt="">` : ''}${team ? userText('span', team, 'team') : ''}</div>` : ''}
<p class="eyebrow">Consultation summary</p>
${userText('h1', input.clientName)}
${person && person !== input.clientName ? userText('p', person, 'person') : ''}
<div class="meta"><p>Prepared by <bdi>${escapeHtml(input.consultantName)}</bdi>${team ? ` · <bdi>${escapeHtml(team)}</bdi>` : ''} · ${escapeHtml(date)}</p><p><bdi>${escapeHtml(input.versionLabel)}</bdi></p></div>
${status}
</header>`;
  const sections = SECTION_KEYS.flatMap((key) => sectionPieces(input.sections, key));
  const top = (html: string): Piece[] => (html ? [{ html, within: [] }] : []);
  // One piece per changed field: a follow-up that rewrote long fields prints their whole old and new values.
  const since: Wrapper = { tag: 'section', className: 'since' };
  const sinceList: Wrapper = { tag: 'ul' };
  const sinceItems = sinceLastVisitItems(input.sinceLastVisit);
  const pieces = [
    ...top(header),
    ...(sinceItems.length ? [{ html: '<h2>Since last visit</h2>', within: [since] }, ...underHeading(sinceItems, [since, sinceList])] : []),
    ...(sections.length ? sections : top('<p class="empty">Nothing has been recorded in this consultation yet.</p>')),
    ...top(signOffHtml(input.signOff, input.changedSinceSigned)),
  ];
  const parts = splitPieces(pieces, partChars);
  // The footer's text is also in each body, never shown: LOAD_FONTS_SCRIPT loads the faces of the body's
  // text, and a part whose body lacks the footer's script would print the footer blank.
  const footer = `${input.clientName} · ${input.versionLabel}`;
  const head = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; font-src file:; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(`${input.clientName} — consultation summary`)}</title>
<meta name="author" content="${escapeHtml(input.consultantName)}">
<style>${fontFaceCss(fontsFolder)}${STYLE(accent, cssString(footer), parts.length === 1)}${SIGN_OFF_CSS}</style></head>
<body>
<div hidden>${escapeHtml(footer)}</div>
`;
  return parts.map((part, i) => `${head}${piecesHtml(part, i > 0)}\n</body></html>`);
}
