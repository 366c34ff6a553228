import { app, BrowserWindow, dialog, ipcMain, powerMonitor, safeStorage, screen, session, shell } from 'electron';
import log from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { dirname, join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { CONTENT_SECURITY_POLICY } from '../security/contentSecurityPolicy';
import { createMainWindow } from './windowOptions';
import { forwardEvents, registerIpc } from './ipcBridge';
import { buildMenu } from './menu';
import { chooseSecretStore } from './safeStorageSecrets';
import { rendererSource } from './rendererSource';
import { configureLogging } from './logging';
import { attachContextMenu } from './contextMenu';
import { handleRenderProcessGone } from './crashRecovery';
import { desktopFiles } from './desktopFiles';
import { startUpdates } from './updates';
import { syncOnResume } from './systemEvents';
import { electronPdfPrinter } from './pdfPrinter';
import { loadWindowState, placeOnScreen, saveWindowState } from './windowState';

// The thin Electron shell: lifecycle, one window, menu, IPC wiring. Everything else is plain Node.

configureLogging(log, { isPackaged: app.isPackaged });
log.errorHandler.startCatching({ showDialog: false });

const source = rendererSource(app.isPackaged, process.env.ELECTRON_RENDERER_URL, join(import.meta.dirname, '..', 'renderer', 'index.html'));
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

    const dataFolder = app.getPath('userData');
    try {
      const secrets = chooseSecretStore(dataFolder, safeStorage, process.platform);
      host = startAppHost({
        dataFolder,
        shell: 'electron',
        version: app.getVersion(),
        migrationsFolder: app.isPackaged ? join(process.resourcesPath, 'migrations', 'sqlite') : undefined,
        fontsFolder: app.isPackaged ? join(process.resourcesPath, 'fonts') : undefined,
        validateOutput: !app.isPackaged,
        secrets: secrets.store,
        secretStorage: secrets.storage,
        desktop: desktopFiles(
          dialog,
          shell,
          () => mainWindow,
          () => app.getPath('documents'),
        ),
        // Client PDFs are printed by this Electron's own Chromium, from the same HTML the preview prints.
        pdfPrinter: electronPdfPrinter(),
      });
      log.info(`Fieldbook ${app.getVersion()} started; token kept in ${secrets.storage}`);
    } catch (error) {
      // Say what is wrong where the consultant is, rather than failing silently; nothing is written.
      log.error('Cannot open the data folder', error);
      dialog.showErrorBox('Fieldbook cannot open its data', `${dataFolder}\n\n${(error as Error).message}`);
      app.exit(1);
      return;
    }
    const appHost = host;
    registerIpc(ipcMain, appHost, source);
    buildMenu({
      platform: process.platform,
      isPackaged: app.isPackaged,
      actions: {
        command: (command) => appHost.events.emit('menu.command', { command }),
        openLogs: () => void shell.openPath(dirname(log.transports.file.getFile().path)),
        openDataFolder: () => void shell.openPath(dataFolder),
      },
    });
    syncOnResume(powerMonitor, () => appHost.sync.scheduler.nudge());
    startUpdates(() => electronUpdater.autoUpdater, { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, log });
    createWindow(appHost);
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
  const dataFolder = app.getPath('userData');
  const placed = placeOnScreen(
    loadWindowState(dataFolder),
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const window = createMainWindow(BrowserWindow, join(import.meta.dirname, '..', 'preload', 'index.cjs'), {
    devTools: !app.isPackaged,
    bounds: placed.bounds,
  });
  mainWindow = window;
  if (placed.maximized) window.maximize();
  const stopEvents = forwardEvents(appHost, window.webContents);
  attachContextMenu(window.webContents);
  handleRenderProcessGone(window.webContents, dialog, log, () => app.quit());
  window.once('ready-to-show', () => window.show());
  // A monitor unplugged while the app runs: bring the window back onto a screen that is there.
  const keepOnScreen = () => {
    if (window.isDestroyed() || window.isMaximized() || window.isFullScreen()) return;
    const displays = screen.getAllDisplays().map((d) => d.workArea);
    const placedNow = placeOnScreen({ bounds: window.getBounds(), maximized: false }, displays, screen.getPrimaryDisplay().workArea);
    window.setBounds(placedNow.bounds as Electron.Rectangle);
  };
  screen.on('display-removed', keepOnScreen);
  screen.on('display-metrics-changed', keepOnScreen);
  // Remember where the window was; the normal (not maximized) bounds, so un-maximizing lands sensibly.
  window.on('close', () => {
    try {
      saveWindowState(dataFolder, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      log.warn('Window position not saved', error);
    }
  });
  window.on('closed', () => {
    screen.off('display-removed', keepOnScreen);
    screen.off('display-metrics-changed', keepOnScreen);
    stopEvents();
    mainWindow = null;
  });
  void window.loadURL(source.url);
}
