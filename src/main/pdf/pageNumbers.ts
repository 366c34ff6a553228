import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RGB } from 'pdf-lib';
import { subsetFont } from './fontSubset';
import { FOOTER } from './summaryHtml';

// A summary printed in parts (documentParts.ts) is joined here into one PDF, and each page gets the
// "Page N of M" its parts could not know, drawn where, how large and in the colour Chromium draws it for
// a summary printed whole (summaryHtml.ts FOOTER, Noto Sans Regular).

const POINTS_PER_MM = 72 / 25.4;
const LABEL_CHARACTERS = 'Page of 0123456789';
/** Points right and up from the footer's CSS box to where Chromium draws its text there. */
const CHROMIUM_OFFSET = { x: 0.55, y: 0.2 };

const labelFonts = new Map<string, Promise<Uint8Array>>();
/** Noto Sans cut down to the label's characters (a few KB), made once per fonts folder. */
function labelFont(fontsFolder: string): Promise<Uint8Array> {
  let font = labelFonts.get(fontsFolder);
  if (!font) {
    font = readFile(join(fontsFolder, 'NotoSans-Regular.ttf')).then((bytes) =>
      subsetFont(
        bytes,
        [...LABEL_CHARACTERS].map((c) => c.codePointAt(0)!),
      ),
    );
    font.catch(() => labelFonts.delete(fontsFolder));
    labelFonts.set(fontsFolder, font);
  }
  return font;
}

/** Lets the main process answer the windows between steps: joining 200 pages in one go blocked it for about 100 ms. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function color(hex: string, rgb: (r: number, g: number, b: number) => RGB) {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
  return rgb(r!, g!, b!);
}

/** The parts' pages in order as one PDF (the first part's title and metadata), each numbered "Page N of M". */
export async function joinNumbered(parts: readonly Uint8Array[], fontsFolder: string): Promise<Buffer> {
  // Loaded when a summary is long enough to need it: pdf-lib and fontkit are 2 MB of code the app's start does not parse.
  const [{ PDFDocument, rgb }, { default: fontkit }] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]);
  const [joined, ...rest] = await Promise.all(parts.map((bytes) => PDFDocument.load(bytes, { updateMetadata: false })));
  if (!joined) throw new Error('No parts to join');
  for (const part of rest) {
    for (const page of await joined.copyPages(part, part.getPageIndices())) joined.addPage(page);
    await turn();
  }
  joined.registerFontkit(fontkit);
  const font = await joined.embedFont(await labelFont(fontsFolder));
  const pages = joined.getPages();
  // The margin box's first line: its top is the footer's padding below the page area; with a normal line
  // height the baseline sits one ascent (Noto Sans: 1.069 em, no line gap) below it. CHROMIUM_OFFSET is
  // what Chromium's own footer differs from that by, measured with pdftotext -bbox (pageNumbers.test.ts).
  const baseline = (FOOTER.bottomMm - FOOTER.paddingTopMm) * POINTS_PER_MM - 1.069 * FOOTER.sizePt + CHROMIUM_OFFSET.y;
  const labelColor = color(FOOTER.color, rgb);
  for (const [i, page] of pages.entries()) {
    if (i % 100 === 99) await turn();
    const label = `Page ${i + 1} of ${pages.length}`;
    const width = font.widthOfTextAtSize(label, FOOTER.sizePt);
    page.drawText(label, {
      x: page.getWidth() - FOOTER.sideMm * POINTS_PER_MM - width + CHROMIUM_OFFSET.x,
      y: baseline,
      size: FOOTER.sizePt,
      font,
      color: labelColor,
    });
  }
  return Buffer.from(await joined.save());
}
