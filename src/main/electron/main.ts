import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { CONTENT_SECURITY_POLICY } from '../security/contentSecurityPolicy';
import { createMainWindow } from './windowOptions';
import { forwardEvents, registerIpc } from './ipcBridge';
import { buildMenu } from './menu';
import { SafeStorageSecretStore } from './safeStorageSecrets';

// The thin Electron shell: lifecycle, one window, menu, IPC wiring. Everything else is plain Node.

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const trustedOrigins = devServerUrl ? [new URL(devServerUrl).origin] : ['file://'];
let host: AppHost | null = null;
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Web content cannot open windows, navigate away, attach webviews or ask for permissions.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });

    try {
      host = startAppHost({
        dataFolder: app.getPath('userData'),
        shell: 'electron',
        version: app.getVersion(),
        migrationsFolder: app.isPackaged ? join(process.resourcesPath, 'migrations', 'sqlite') : undefined,
        fontsFolder: app.isPackaged ? join(process.resourcesPath, 'fonts') : undefined,
        validateOutput: !app.isPackaged,
        secrets: new SafeStorageSecretStore(app.getPath('userData')),
      });
    } catch (error) {
      // Say what is wrong where the consultant is, rather than failing silently; nothing is written.
      dialog.showErrorBox('Fieldbook cannot open its data', `${app.getPath('userData')}\n\n${(error as Error).message}`);
      app.exit(1);
      return;
    }
    registerIpc(ipcMain, host, trustedOrigins);
    buildMenu();
    createWindow(host);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (host && BrowserWindow.getAllWindows().length === 0) createWindow(host);
  });
  // Stop sync cleanly (waiting for a push in progress), flush and close the database, then quit.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (!host || quitting) return;
    quitting = true;
    event.preventDefault();
    void host.stop().finally(() => app.quit());
  });
}

function createWindow(appHost: AppHost) {
  const window = createMainWindow(BrowserWindow, join(import.meta.dirname, '..', 'preload', 'index.cjs'));
  mainWindow = window;
  const stopEvents = forwardEvents(appHost, window.webContents);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    stopEvents();
    mainWindow = null;
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(join(import.meta.dirname, '..', 'renderer', 'index.html'));
}
