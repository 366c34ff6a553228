import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

type WindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export interface WindowPlacement {
  /** DevTools only in development: a packaged app gives no way into the renderer's internals. */
  devTools: boolean;
  /** Where the window was last (already kept on a screen that exists now). */
  bounds: { x?: number; y?: number; width: number; height: number };
}

/**
 * Creates the main window. The options are a literal at the constructor call so that both the tests
 * (with a stand-in constructor) and the Electron security audit read exactly what Electron gets.
 */
export function createMainWindow(Window: WindowConstructor, preloadPath: string, placement: WindowPlacement): BrowserWindow {
  return new Window({
    x: placement.bounds.x,
    y: placement.bounds.y,
    width: placement.bounds.width,
    height: placement.bounds.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Fieldbook',
    backgroundColor: '#f6f5f2',
    webPreferences: {
      preload: preloadPath,
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
      // Middle-click would otherwise open links in new windows, around the window-open handler.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      devTools: placement.devTools,
    },
  });
}
