import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The built main bundle (out/main/index.js) started under Node with a stand-in `electron` module
// (e2e/fakeElectron): the real start-up path — logging, token storage, data folder, IPC, menu, window —
// without the Electron binary this machine cannot download.
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'fieldbook-main-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Item {
  label?: string;
  role?: string;
  accelerator?: string;
  submenu?: Item[];
}
interface Report {
  windows: { x?: number; y?: number; width: number; height: number; webPreferences: Record<string, unknown> }[];
  loaded: string[];
  menu: Item[];
  ipc: string[];
  answers: Record<string, { ok: boolean; value?: Record<string, unknown>; error?: { code: string } }>;
  errors: string[];
}

function start(name: string, env: Record<string, string>): { report: Report; folder: string } {
  const folder = join(work, name);
  mkdirSync(join(folder, 'resources'), { recursive: true });
  for (const [from, to] of [
    ['migrations', 'migrations'],
    [join('resources', 'fonts'), 'fonts'],
  ] as const) {
    try {
      symlinkSync(join(root, from), join(folder, 'resources', to));
    } catch {
      // already linked by an earlier start in the same folder
    }
  }
  const report = join(folder, 'report.json');
  execFileSync(process.execPath, ['--import', join(root, 'e2e', 'fakeElectron', 'register.mjs'), join(root, 'out', 'main', 'index.js')], {
    cwd: root,
    env: { ...process.env, ELECTRON_RENDERER_URL: '', FAKE_ELECTRON_DIR: folder, FAKE_ELECTRON_REPORT: report, ...env },
    stdio: 'pipe',
    timeout: 60_000,
  });
  return { report: JSON.parse(readFileSync(report, 'utf8')) as Report, folder };
}
const roles = (items: Item[]): string[] => items.flatMap((i) => [i.role ?? '', ...roles(i.submenu ?? [])]).filter(Boolean);

describe('the main process, built, under a stand-in electron', () => {
  it('packaged: loads its own index.html even with ELECTRON_RENDERER_URL set, trusts only that page, no DevTools', () => {
    const { report, folder } = start('packaged', { FAKE_ELECTRON_PACKAGED: '1', ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(report.errors).toEqual([]);
    expect(report.loaded).toEqual([`file://${join(root, 'out', 'renderer', 'index.html')}`]);
    expect(report.ipc).toContain('fieldbook:invoke');
    expect(report.answers.ownPage).toMatchObject({ ok: true, value: { shell: 'electron', secretStorage: 'memory' } });
    expect(report.answers.otherFile).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.answers.devServer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.windows[0]!.webPreferences).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true, spellcheck: true });
    // The bundled libraries work in the bundle: drizzle (queries), pdfmake and date-fns (the PDF), csv-stringify.
    expect(report.answers.profile).toMatchObject({ ok: true });
    expect(report.answers.create).toEqual({ ok: true });
    expect(report.answers.list).toMatchObject({ ok: true, value: { items: [{ businessName: 'Nordlicht Bäckerei' }] } });
    expect(report.answers.pdf).toMatchObject({ ok: true, head: '%PDF-' });
    expect((report.answers.pdf as unknown as { fileName: string }).fileName).toMatch(/^Nordlicht Bäckerei - Working copy - .*\.pdf$/);
    expect(report.answers.csv).toMatchObject({ ok: true });
    expect((report.answers.csv as unknown as { text: string }).text).toContain('Nordlicht Bäckerei');
    expect(roles(report.menu)).not.toContain('toggleDevTools');
    // The basic_text backend: no token file written; the log file says where the token is, and no more.
    const log = readFileSync(join(folder, 'userData', 'logs', 'main.log'), 'utf8');
    expect(log).toContain('started; token kept in memory');
    // The window's place was remembered at close and is used at the next start.
    expect(JSON.parse(readFileSync(join(folder, 'userData', 'window-state.json'), 'utf8'))).toEqual({
      bounds: { x: 40, y: 30, width: 1200, height: 800 },
      maximized: false,
    });
    const again = start('packaged', { FAKE_ELECTRON_PACKAGED: '1' });
    expect(again.report.windows[0]).toMatchObject({ x: 40, y: 30, width: 1200, height: 800 });
  });

  it('development: uses the dev server and trusts its origin, with DevTools and reload in the menu', () => {
    const { report } = start('development', { FAKE_ELECTRON_PACKAGED: '0', ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(report.errors).toEqual([]);
    expect(report.loaded).toEqual(['http://localhost:5173/']);
    expect(report.answers.devServer).toMatchObject({ ok: true });
    expect(report.answers.otherFile).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.windows[0]!.webPreferences.devTools).toBe(true);
    expect(roles(report.menu)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });
});
