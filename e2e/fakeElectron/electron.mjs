// A stand-in for the `electron` module (the binary cannot run here): enough of its API for the built main
// bundle to start, with every call the shell makes recorded. After the window loads, it calls the IPC
// handler as the app's own page and as a foreign page, then quits and writes what it saw to FAKE_ELECTRON_REPORT.
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.FAKE_ELECTRON_DIR;
// Electron sets this; the packaged app finds its migrations and fonts under it.
process.resourcesPath = join(root, 'resources');
const report = { windows: [], loaded: [], menu: null, ipc: [], answers: {}, devTools: [], errors: [], powerListeners: 0, secretsFile: null };
const handlers = new Map();
const finish = (code) => {
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report, null, 2));
  process.exit(code);
};

const app = Object.assign(new EventEmitter(), {
  isPackaged: process.env.FAKE_ELECTRON_PACKAGED === '1',
  name: 'Fieldbook',
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  isReady: () => true,
  getName: () => 'Fieldbook',
  getVersion: () => '0.1.0',
  getPath: (name) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  },
  quit: () => {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    app.emit('will-quit', event);
    if (!event.defaultPrevented) finish(0);
  },
  exit: (code) => finish(code),
});

const labels = (items) =>
  items.map((i) => ({ label: i.label ?? i.role, role: i.role, accelerator: i.accelerator, submenu: Array.isArray(i.submenu) ? labels(i.submenu) : undefined }));

class BrowserWindow extends EventEmitter {
  static windows = [];
  static getAllWindows() {
    return BrowserWindow.windows;
  }
  constructor(options) {
    super();
    // The hidden window the app prints client PDFs in (its own session): Chromium's printing is stood in for.
    this.printing = options?.webPreferences?.partition === 'fieldbook-print';
    if (!this.printing) report.windows.push(options);
    this.webContents = Object.assign(new EventEmitter(), {
      send: () => undefined,
      isDestroyed: () => false,
      setWindowOpenHandler: () => undefined,
      reload: () => undefined,
      session: { addWordToSpellCheckerDictionary: () => true },
      executeJavaScript: async () => true,
      printToPDF: async () => Buffer.from('%PDF-1.7 printed by the stand-in\n'),
    });
    if (this.printing) return;
    app.emit('web-contents-created', {}, this.webContents);
    BrowserWindow.windows.push(this);
  }
  destroy() {}
  loadURL(url) {
    if (this.printing) {
      report.printed = (report.printed ?? 0) + 1;
      return Promise.resolve();
    }
    report.loaded.push(url);
    // Once the page is "loaded": call the contract as the page would, and as a foreign page would.
    setTimeout(async () => {
      const invoke = [...handlers.entries()].find(([channel]) => channel === 'fieldbook:invoke')?.[1];
      report.ipc = [...handlers.keys()];
      if (!invoke) return finish(3);
      report.answers.ownPage = await invoke({ senderFrame: { url: `${url}#/settings` } }, 'app.info', undefined);
      report.answers.otherFile = await invoke({ senderFrame: { url: 'file:///tmp/evil.html' } }, 'app.info', undefined);
      report.answers.devServer = await invoke({ senderFrame: { url: 'http://localhost:5173/' } }, 'app.info', undefined);
      // A consultant's first minutes through the bundle: drizzle queries, a PDF (pdfmake, date-fns), a CSV.
      const own = { senderFrame: { url: `${url}#/` } };
      report.answers.profile = await invoke(own, 'users.saveProfile', { name: 'Ada Lovelace', email: 'ada@example.com' });
      const created = await invoke(own, 'consultations.create', { sections: { contact_info: { business_name: 'Nordlicht Bäckerei' } } });
      report.answers.create = { ok: created.ok };
      report.answers.list = await invoke(own, 'consultations.list', {});
      const pdf = await invoke(own, 'exports.summaryPdf', { consultationId: created.value?.consultation?.id });
      report.answers.pdf = {
        ok: pdf.ok,
        fileName: pdf.value?.fileName,
        head: pdf.ok ? Buffer.from(pdf.value.base64, 'base64').subarray(0, 5).toString() : pdf.error,
      };
      const csv = await invoke(own, 'exports.csv', {});
      report.answers.csv = { ok: csv.ok, text: csv.ok ? Buffer.from(csv.value.base64, 'base64').toString('utf8') : csv.error };
      this.emit('close');
      this.emit('closed');
      app.quit();
    }, 300);
    return Promise.resolve();
  }
  once(event, listener) {
    return super.once(event, listener);
  }
  show() {}
  maximize() {}
  isMaximized() {
    return false;
  }
  isFullScreen() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  getNormalBounds() {
    return { x: 40, y: 30, width: 1200, height: 800 };
  }
  getBounds() {
    return this.getNormalBounds();
  }
  setBounds() {}
}

const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
const fake = {
  app,
  BrowserWindow,
  dialog: {
    showErrorBox: (title, message) => report.errors.push(`${title}: ${message}`),
    showMessageBox: async () => ({ response: 1 }),
    showSaveDialog: async () => ({ canceled: true }),
  },
  ipcMain: { handle: (channel, fn) => handlers.set(channel, fn), removeHandler: (channel) => handlers.delete(channel), on: () => undefined },
  Menu: { buildFromTemplate: (template) => ({ template, popup() {} }), setApplicationMenu: (menu) => (report.menu = labels(menu.template)) },
  powerMonitor: Object.assign(new EventEmitter(), {}),
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: (s) => Buffer.from(s),
    decryptString: (b) => b.toString(),
  },
  screen: Object.assign(new EventEmitter(), { getAllDisplays: () => displays, getPrimaryDisplay: () => displays[0] }),
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } } },
  shell: { openPath: async () => '', showItemInFolder: () => undefined, openExternal: async () => undefined },
  webContents: { getAllWebContents: () => [] },
};

export const { dialog, ipcMain, Menu, powerMonitor, safeStorage, screen, session, shell, webContents } = fake;
export { app, BrowserWindow };
export default fake;
