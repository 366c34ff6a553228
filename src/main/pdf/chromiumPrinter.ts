import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { LARGE_DOCUMENT, LOAD_FONTS_SCRIPT, PRINT_OPTIONS, withHtmlFile, type PdfPrinter } from './pdfPrinter';

// The preview's and the tests' printer: the machine's Chromium through playwright-core, the same engine
// and print path as Electron's printToPDF. One browser and one page, started on first use; documents are
// printed one at a time on that page (reusing it halves the time of a short summary: 586 vs 1,110 ms for a
// fresh context each time, measured under load). After a large document the page is closed, so the memory
// its renderer took for the layout (hundreds of MB for a 1 MB summary) goes back to the system.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a headless Chromium on a server or in CI (the e2e harness launches with the same). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The printer's Chromium also runs in low-end device mode: smaller caches and no spare renderer kept
 * waiting (a 1 MB summary's page renderer peaked at about 220 instead of 260 MB PSS). Not for the e2e harness,
 * which drives the app's UI.
 */
export const PRINTER_ARGS = [...CHROMIUM_ARGS, '--enable-low-end-device-mode'];

export function chromiumPdfPrinter(executablePath = CHROMIUM_PATH): PdfPrinter {
  let browser: Promise<Browser> | null = null;
  let context: Promise<BrowserContext> | null = null;
  let page: Promise<Page> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const openPage = () => {
    if (!browser) {
      const launched = chromium.launch({ executablePath, args: PRINTER_ARGS });
      browser = launched;
      // A Chromium that ended (crashed, killed) is started again for the next document, not used dead.
      void launched.then(
        (b) =>
          b.on('disconnected', () => {
            if (browser !== launched) return;
            browser = null;
            context = null;
            page = null;
          }),
        () => undefined,
      );
    }
    // A blank tab kept open with the context keeps its browser window: headless Chrome opens a window (with
    // its own omnibox WebUI renderer, about 0.5 s of CPU) for a page when none is open, as after a large
    // document's page closed. Electron's windows have no such UI.
    context ??= browser.then(async (b) => {
      const opened = await b.newContext({ javaScriptEnabled: true, offline: true });
      await opened.newPage();
      return opened;
    });
    page ??= context.then((c) => c.newPage());
    // A failed start is retried on the next print rather than remembered.
    return page.catch((error: unknown) => {
      void browser?.then((b) => b.close()).catch(() => undefined);
      browser = null;
      context = null;
      page = null;
      throw error;
    });
  };
  /** Closing the page ends its renderer; the context stays for the next page (cheaper than a new one). */
  const closePage = (tab: Page) => {
    page = null;
    void tab.close().catch(() => undefined);
  };
  /** After a failure the whole context goes: nothing of a crashed or stuck page is reused. */
  const dropContext = (tab: Page) => {
    page = null;
    context = null;
    void tab
      .context()
      .close()
      .catch(() => undefined);
  };
  /** A page kept from an earlier document may have lost its renderer meanwhile: one fresh try before failing. */
  const printOne = async (html: string, retry = true): Promise<Buffer> => {
    const tab = await openPage();
    try {
      const bytes = await withHtmlFile(html, async (url) => {
        await tab.goto(url, { waitUntil: 'load' });
        // Print only once every web font the text uses has loaded.
        await tab.evaluate(LOAD_FONTS_SCRIPT);
        return await tab.pdf(PRINT_OPTIONS);
      });
      if (html.length > LARGE_DOCUMENT) closePage(tab);
      return bytes;
    } catch (error) {
      dropContext(tab);
      if (retry) return printOne(html, false);
      throw error;
    }
  };
  return {
    print(html) {
      const result = queue.then(() => printOne(html));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      const open = browser;
      browser = null;
      context = null;
      page = null;
      if (open) await (await open.catch(() => null))?.close();
    },
  };
}
