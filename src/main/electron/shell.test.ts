import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMainWindow } from './windowOptions';
import { isTrustedSender, registerIpc, forwardEvents } from './ipcBridge';
import { rendererSource } from './rendererSource';
import { CONTENT_SECURITY_POLICY } from '../security/contentSecurityPolicy';
import { IPC_EVENT, IPC_INVOKE } from '@shared/ipcChannels';
import { startAppHost, type AppHost } from '../appHost';
import { tempDir } from '../../../test/tempDatabase';

// The shell's security settings as data, and its IPC wiring against a fake ipcMain: no Electron binary needed.

let host: AppHost | null = null;
let cleanup = () => {};
afterEach(() => {
  host?.close();
  host = null;
  cleanup();
});
function startHost() {
  const t = tempDir();
  cleanup = t.cleanup;
  host = startAppHost({ dataFolder: t.dir, shell: 'electron', version: 't', validateOutput: true });
  return host;
}

describe('window options', () => {
  it('isolate the renderer: context isolation, sandbox, no Node, web security on', () => {
    let given: Record<string, unknown> = {};
    class StandIn {
      constructor(options: Record<string, unknown>) {
        given = options;
      }
    }
    createMainWindow(StandIn as never, '/x/preload.cjs', { devTools: false, bounds: { x: 10, y: 20, width: 1000, height: 700 } });
    const prefs = given.webPreferences as Record<string, unknown>;
    expect(given.show).toBe(false); // shown once ready, no white flash
    expect(given).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    expect(prefs.devTools).toBe(false);
    createMainWindow(StandIn as never, '/x/preload.cjs', { devTools: true, bounds: { width: 1000, height: 700 } });
    expect((given.webPreferences as Record<string, unknown>).devTools).toBe(true);
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('content security policy', () => {
  const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  it('allows no inline or remote script, no remote origins, no plugins or framing', () => {
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('is also in the renderer page itself, identical where a meta tag allows', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1]!;
    const withoutMetaOnly = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(withoutMetaOnly);
  });
});

describe('IPC wiring', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    return {
      handlers,
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => {
        if (handlers.has(channel)) throw new Error('second handler');
        handlers.set(channel, fn);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    };
  }

  it('registers one invoke handler that serves the contract to our own frame only', async () => {
    const ipc = fakeIpcMain();
    const source = rendererSource(true, undefined, '/opt/Fieldbook/resources/app.asar/out/renderer/index.html');
    const unregister = registerIpc(ipc as never, startHost(), source);
    const handler = ipc.handlers.get(IPC_INVOKE)!;
    expect([...ipc.handlers.keys()]).toEqual([IPC_INVOKE]);
    const ours = { senderFrame: { url: 'file:///opt/Fieldbook/resources/app.asar/out/renderer/index.html#/settings' } };
    expect(await handler(ours, 'app.info', undefined)).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(await handler(ours, 'consultations.get', { consultationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const others = [
      'https://evil.example/',
      'http://localhost:5173/',
      'file:///tmp/evil.html',
      'file:///opt/Fieldbook/resources/app.asar/out/renderer/other.html',
      'file:///opt/Fieldbook/resources/app.asar/out/renderer/index.html?x=1',
      'file:///opt/Fieldbook/resources/app.asar/out/renderer/',
      undefined,
    ];
    for (const url of others) {
      expect(await handler({ senderFrame: url ? { url } : null }, 'app.info', undefined)).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'This window may not call Fieldbook.' },
      });
    }
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('loads and trusts the dev server only when the app is not packaged', () => {
    const dev = rendererSource(false, 'http://localhost:5173', '/x/out/renderer/index.html');
    expect(dev).toEqual({ url: 'http://localhost:5173/', devServer: true });
    expect(isTrustedSender('http://localhost:5173/#/c/1', dev)).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSender('file:///x/out/renderer/index.html', dev)).toBe(false);
    // A packaged build ignores ELECTRON_RENDERER_URL: it loads and trusts only its own index.html.
    const packaged = rendererSource(true, 'http://localhost:5173', '/x/out/renderer/index.html');
    expect(packaged).toEqual({ url: 'file:///x/out/renderer/index.html', devServer: false });
    expect(isTrustedSender('http://localhost:5173/', packaged)).toBe(false);
    expect(isTrustedSender('file:///x/out/renderer/index.html#/', packaged)).toBe(true);
    expect(isTrustedSender('not a url', packaged)).toBe(false);
    // Without a dev server, development builds load the built page the same way.
    expect(rendererSource(false, undefined, '/x/out/renderer/index.html')).toEqual(packaged);
    // Paths with spaces and non-ASCII letters are compared as Chromium reports them (percent-encoded).
    const spaced = rendererSource(true, undefined, '/Applications/Field book/Ä/index.html');
    expect(isTrustedSender('file:///Applications/Field%20book/%C3%84/index.html#/settings', spaced)).toBe(true);
  });

  it('forwards main-process events to a live window and stops when asked', () => {
    const appHost = startHost();
    const sent: unknown[][] = [];
    let destroyed = false;
    const stop = forwardEvents(appHost, { send: (...args: unknown[]) => sent.push(args), isDestroyed: () => destroyed } as never);
    appHost.events.emit('consultations.changed', { ids: ['a'] });
    destroyed = true;
    appHost.events.emit('consultations.changed', { ids: ['b'] });
    destroyed = false;
    stop();
    appHost.events.emit('consultations.changed', { ids: ['c'] });
    expect(sent).toEqual([[IPC_EVENT, 'consultations.changed', { ids: ['a'] }]]);
  });
});
