import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Prints a complete HTML document to PDF bytes in a Chromium: Electron's printToPDF in the app
 * (src/main/electron/pdfPrinter.ts), Playwright's Chromium in the preview and tests (chromiumPrinter.ts).
 * The document is loaded from a file: URL so its @font-face rules can read the shipped font files.
 */
export interface PdfPrinter {
  print(html: string): Promise<Buffer>;
  /** The same document to the system's print dialog (the desktop app); resolves false when cancelled. */
  showPrintDialog?(html: string): Promise<boolean>;
  /** Frees the browser or window behind it. */
  close(): Promise<void>;
}

/**
 * HTML longer than this (in characters) is printed in a page of its own, closed after: the renderer's memory
 * for its layout (hundreds of MB for a 1 MB summary) then goes back to the system instead of staying with a
 * page kept for the next document.
 */
export const LARGE_DOCUMENT = 200_000;

/** Both printers use the page's CSS size (@page A4) and print backgrounds (accent bars, urgency chips). */
export const PRINT_OPTIONS = { preferCSSPageSize: true, printBackground: true } as const;

/**
 * Run in the loaded page before printing: loads every web font face the document's text needs, in each
 * weight and style, then waits for all fonts. The template hides its body on screen, so nothing here lays
 * the page out: Chromium makes only the print layout (a 1 MB summary: one layout instead of two).
 * document.fonts.load picks the faces by unicode-range as layout would, a superset for the weights used.
 * It gets each character once: a 1 MB summary's text went through it four times (fonts ready in 100-170
 * instead of 190-350 ms).
 */
export const LOAD_FONTS_SCRIPT = `(() => {
  const text = [...new Set(document.body ? document.body.textContent : '')].join('');
  const family = getComputedStyle(document.documentElement).fontFamily;
  const styles = ['400', '700', 'italic 400', 'italic 700'];
  return Promise.all(styles.map((style) => document.fonts.load(style + ' 16px ' + family, text)))
    .then(() => document.fonts.ready)
    .then(() => true);
})()`;

/** Runs `use` with a private temporary folder (named from `prefix`), removed with everything in it after. */
export async function withTempFolder<T>(prefix: string, use: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await use(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Writes the HTML to a private temporary file, runs `use` with its file: URL, then removes it. */
export function withHtmlFile<T>(html: string, use: (url: string) => Promise<T>): Promise<T> {
  return withTempFolder('fieldbook-print-', async (folder) => {
    const file = join(folder, 'summary.html');
    await writeFile(file, html, { encoding: 'utf8', mode: 0o600 });
    return use(pathToFileURL(file).href);
  });
}
