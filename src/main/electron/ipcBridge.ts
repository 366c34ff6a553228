import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipcChannels';
import type { AppHost } from '../appHost';

/** True when a call comes from our own renderer document, not from a frame that navigated elsewhere. */
export function isTrustedSender(frameUrl: string | undefined, trustedOrigins: readonly string[]): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    if (url.protocol === 'file:') return trustedOrigins.includes('file://');
    return trustedOrigins.includes(url.origin);
  } catch {
    return false;
  }
}

/**
 * Serves the contract over IPC: one invoke channel for calls, one event channel. Every call's sender frame
 * is checked, then it goes through the same dispatch as the HTTP bridge (which validates its input).
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, host: AppHost, trustedOrigins: readonly string[]) {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, operation: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, trustedOrigins)) {
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
