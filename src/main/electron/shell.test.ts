import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMainWindow } from './windowOptions';
import { isTrustedSender, registerIpc, forwardEvents } from './ipcBridge';
import { CONTENT_SECURITY_POLICY } from '../security/contentSecurityPolicy';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipcChannels';
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
    createMainWindow(StandIn as never, '/x/preload.cjs');
    const prefs = given.webPreferences as Record<string, unknown>;
    expect(given.show).toBe(false); // shown once ready, no white flash
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
    const withoutMetaOnly = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
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
    const unregister = registerIpc(ipc as never, startHost(), ['file://']);
    const handler = ipc.handlers.get(IPC_INVOKE)!;
    expect([...ipc.handlers.keys()]).toEqual([IPC_INVOKE]);
    const ours = { senderFrame: { url: 'file:///opt/Fieldbook/resources/app.asar/out/renderer/index.html' } };
    expect(await handler(ours, 'app.info', undefined)).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(await handler(ours, 'consultations.get', { consultationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    for (const url of ['https://evil.example/', 'http://localhost:5173/', undefined]) {
      expect(await handler({ senderFrame: url ? { url } : null }, 'app.info', undefined)).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'This window may not call Fieldbook.' },
      });
    }
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('trusts the dev server origin only when configured', () => {
    expect(isTrustedSender('http://localhost:5173/#/c/1', ['http://localhost:5173'])).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', ['http://localhost:5173'])).toBe(false);
    expect(isTrustedSender('file:///x/index.html', ['http://localhost:5173'])).toBe(false);
    expect(isTrustedSender('not a url', ['file://'])).toBe(false);
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
