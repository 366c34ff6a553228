import { BrowserWindow } from 'electron';
import { PRINT_OPTIONS, withHtmlFile, type PdfPrinter } from '../pdf/pdfPrinter';

// The app's printer: the summary HTML in a hidden offscreen window, printed by Electron's Chromium with
// printToPDF, the same engine and options the preview and tests use through Playwright. Layout and printing
// run in that window's renderer process, not on the main process.

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

/** Loads the document and waits for its web fonts, then hands the window to `use`; always closes it. */
async function withLoadedWindow<T>(html: string, offscreen: boolean, use: (window: BrowserWindow) => Promise<T>): Promise<T> {
  return withHtmlFile(html, async (url) => {
    const window = printWindow(offscreen);
    // The document is ours and static: it may not navigate or open anything.
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    try {
      await window.loadURL(url);
      await window.webContents.executeJavaScript('document.fonts.ready.then(() => true)');
      return await use(window);
    } finally {
      window.destroy();
    }
  });
}

export function electronPdfPrinter(): PdfPrinter & { showPrintDialog(html: string): Promise<boolean> } {
  return {
    print: (html) => withLoadedWindow(html, true, (window) => window.webContents.printToPDF({ ...PRINT_OPTIONS })),
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
    close: () => Promise.resolve(),
  };
}
