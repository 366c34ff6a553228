// How the renderer reaches the main process. Two adapters of one interface: Electron's preload bridge,
// and the browser preview's HTTP bridge. Screens never know which one they have.
import { sharedEventStream } from './sharedEventStream';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(operation: string, input: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Sends a last call while the page unloads (a reload mid-typing must not lose the last words). */
  invokeOnUnload(operation: string, input: unknown): void;
}

interface PreloadApi {
  invoke(operation: string, input: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export function ipcTransport(api: PreloadApi): Transport {
  return {
    kind: 'ipc',
    invoke: (operation, input) => api.invoke(operation, input),
    subscribe: (listener) => api.subscribe(listener),
    // IPC messages are sent synchronously into the main process queue; a plain call is delivered.
    invokeOnUnload: (operation, input) => void api.invoke(operation, input),
  };
}

export function httpTransport(baseUrl: string, token: () => string): Transport {
  const jsonHeaders = () => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` });
  const events = sharedEventStream((signal) => fetch(`${baseUrl}/api/events`, { headers: jsonHeaders(), signal }));
  return {
    kind: 'http',
    async invoke(operation, input) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/${encodeURIComponent(operation)}`, {
          method: 'POST',
          headers: jsonHeaders(),
          body: input === undefined ? '' : JSON.stringify(input),
        });
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'Fieldbook is not running. Start it again; your saved work is safe.' } };
      }
      return response.json();
    },
    invokeOnUnload(operation, input) {
      // keepalive lets the request outlive the page.
      void fetch(`${baseUrl}/api/${encodeURIComponent(operation)}`, {
        method: 'POST',
        headers: jsonHeaders(),
        body: input === undefined ? '' : JSON.stringify(input),
        keepalive: true,
      }).catch(() => undefined);
    },
    subscribe: (listener) => events.subscribe(listener),
  };
}

/**
 * The preview passes its token in the URL fragment; it is kept for reloads and removed from the address
 * bar before the router sees it. Opening the printed address in a tab already on the app is only a hash
 * change, so that is watched too (registered before the router's own listener, so it runs first).
 */
function takeTokenFromHash(): void {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem('fieldbook-token', match[1]!);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

export function detectTransport(): Transport {
  const preload = (window as unknown as { fieldbook?: PreloadApi }).fieldbook;
  if (preload) return ipcTransport(preload);
  takeTokenFromHash();
  window.addEventListener('hashchange', takeTokenFromHash);
  return httpTransport(window.location.origin, () => sessionStorage.getItem('fieldbook-token') ?? '');
}
