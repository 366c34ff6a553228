import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '@shared/ipcChannels';
import type { AppHost } from '../appHost';
import type { RendererSource } from './rendererSource';

/**
 * True when a call comes from our own renderer document: exactly the app's index.html (any file: page
 * would otherwise do), or the dev server's origin in development. Only the hash (the route) may differ.
 */
export function isTrustedSender(frameUrl: string | undefined, source: RendererSource): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    const expected = new URL(source.url);
    if (source.devServer) return url.origin === expected.origin;
    url.hash = '';
    return url.href === expected.href;
  } catch {
    return false;
  }
}

/**
 * Serves the contract over IPC: one invoke channel for calls, one event channel. Every call's sender frame
 * is checked, then it goes through the same dispatch as the HTTP bridge (which validates its input).
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, host: Pick<AppHost, 'dispatch'>, source: RendererSource) {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, operation: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, source)) {
      return { ok: false, error: { code: 'forbidden', message: 'This window may not call Fieldbook.' } };
    }
    return host.dispatch(operation, input);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE);
}

/** Forwards main-process events to a window's renderer. */
export function forwardEvents(host: AppHost, webContents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  return host.events.subscribe((name, payload) => {
    if (!webContents.isDestroyed()) webContents.send(IPC_EVENT, name, payload);
  });
}
