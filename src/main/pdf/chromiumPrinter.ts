import { chromium, type Browser } from 'playwright-core';
import { PRINT_OPTIONS, withHtmlFile, type PdfPrinter } from './pdfPrinter';

// The preview's and the tests' printer: the machine's Chromium through playwright-core, the same engine
// and print path as Electron's printToPDF. One browser, started on first use, a fresh page per document.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function chromiumPdfPrinter(executablePath = CHROMIUM_PATH): PdfPrinter {
  let browser: Promise<Browser> | null = null;
  const launch = () => {
    browser ??= chromium.launch({ executablePath, args: CHROMIUM_ARGS }).catch((error: unknown) => {
      browser = null;
      throw error;
    });
    return browser;
  };
  return {
    async print(html) {
      const context = await (await launch()).newContext({ javaScriptEnabled: true, offline: true });
      try {
        const page = await context.newPage();
        return await withHtmlFile(html, async (url) => {
          await page.goto(url, { waitUntil: 'load' });
          // Print only once every web font the text uses has loaded.
          await page.evaluate('document.fonts.ready.then(() => true)');
          return await page.pdf(PRINT_OPTIONS);
        });
      } finally {
        await context.close();
      }
    },
    async close() {
      const open = browser;
      browser = null;
      if (open) await (await open.catch(() => null))?.close();
    },
  };
}
