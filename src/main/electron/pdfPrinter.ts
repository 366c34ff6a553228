import { BrowserWindow } from 'electron';
import { LARGE_DOCUMENT, LOAD_FONTS_SCRIPT, PRINT_OPTIONS, withHtmlFile, type PdfPrinter } from '../pdf/pdfPrinter';

// The app's printer: the summary HTML in a hidden offscreen window, printed by Electron's Chromium with
// printToPDF, the same engine and options the preview and tests use through Playwright. Layout and printing
// run in that window's renderer process, not on the main process. One window is reused for the PDFs (as the
// preview's printer reuses its page) and closed when idle or after a large document, so it holds no memory
// for long; the print dialog gets an ordinary window of its own each time.

/** The PDF window is closed this long after its last document. */
const IDLE_MS = 30_000;

function printWindow(offscreen: boolean): BrowserWindow {
  return new BrowserWindow({
    show: false,
    webPreferences: {
      // Offscreen for printToPDF; the system print dialog wants an ordinary (hidden) window.
      offscreen,
      // Its own in-memory session: the app's session rewrites response headers (CSP) for the main window.
      partition: 'fieldbook-print',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}

/** The document is ours and static: it may not navigate or open anything. */
function lockDown(window: BrowserWindow): BrowserWindow {
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  return window;
}

/** Loads the document and its web fonts in a window of its own, then hands the window to `use`; always closes it. */
async function withLoadedWindow<T>(html: string, offscreen: boolean, use: (window: BrowserWindow) => Promise<T>): Promise<T> {
  return withHtmlFile(html, async (url) => {
    const window = lockDown(printWindow(offscreen));
    try {
      await window.loadURL(url);
      await window.webContents.executeJavaScript(LOAD_FONTS_SCRIPT);
      return await use(window);
    } finally {
      window.destroy();
    }
  });
}

export function electronPdfPrinter(): PdfPrinter & { showPrintDialog(html: string): Promise<boolean> } {
  let kept: BrowserWindow | null = null;
  let idle: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const watched = new WeakSet<BrowserWindow>();

  const closeKept = () => {
    if (idle) clearTimeout(idle);
    idle = null;
    const open = kept;
    kept = null;
    if (open && !open.isDestroyed()) open.destroy();
  };
  const keptWindow = (): BrowserWindow => {
    if (kept && !kept.isDestroyed()) return kept;
    const created = lockDown(printWindow(true));
    // A crashed print renderer is not reused.
    created.webContents.on('render-process-gone', () => {
      if (kept === created) closeKept();
    });
    // A hidden window counts as open: it must not keep the app running after the consultant closed the last real one.
    for (const other of BrowserWindow.getAllWindows()) {
      if (other === created || watched.has(other)) continue;
      watched.add(other);
      other.once('closed', () => {
        if (BrowserWindow.getAllWindows().every((w) => w === kept || w === other || w.isDestroyed())) closeKept();
      });
    }
    kept = created;
    return created;
  };
  const printOne = async (html: string): Promise<Buffer> => {
    if (idle) clearTimeout(idle);
    idle = null;
    const window = keptWindow();
    try {
      const bytes = await withHtmlFile(html, async (url) => {
        await window.loadURL(url);
        await window.webContents.executeJavaScript(LOAD_FONTS_SCRIPT);
        return window.webContents.printToPDF({ ...PRINT_OPTIONS });
      });
      if (html.length > LARGE_DOCUMENT) closeKept();
      else if (kept === window) idle = setTimeout(closeKept, IDLE_MS);
      return bytes;
    } catch (error) {
      if (kept === window) closeKept();
      throw error;
    }
  };
  return {
    // One document at a time in the kept window.
    print(html) {
      const result = queue.then(() => printOne(html));
      queue = result.catch(() => undefined);
      return result;
    },
    /** The same document to the system print dialog; resolves false when the person cancels. */
    showPrintDialog: (html) =>
      withLoadedWindow(
        html,
        false,
        (window) =>
          new Promise<boolean>((resolve) => {
            window.webContents.print({ silent: false, printBackground: true }, (success) => resolve(success));
          }),
      ),
    close: () => {
      closeKept();
      return Promise.resolve();
    },
  };
}
