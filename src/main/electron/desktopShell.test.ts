import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { tempDir } from '../../../test/tempDatabase';

// The shell's modules against a fake `electron` (the binary cannot run here): what each one hands Electron,
// and what it does with what Electron hands back.
const electron = vi.hoisted(() => ({
  built: [] as unknown[],
  popups: 0,
  applicationMenu: null as unknown,
}));
vi.mock('electron', () => ({
  Menu: {
    buildFromTemplate: (template: unknown) => {
      electron.built.push(template);
      return { template, popup: () => (electron.popups += 1) };
    },
    setApplicationMenu: (menu: unknown) => (electron.applicationMenu = menu),
  },
}));

const { menuTemplate, buildMenu } = await import('./menu');
const { contextMenuTemplate, attachContextMenu } = await import('./contextMenu');
const { chooseSecretStore } = await import('./safeStorageSecrets');
const { startUpdates } = await import('./updates');
const { handleRenderProcessGone } = await import('./crashRecovery');
const { desktopFiles } = await import('./desktopFiles');
const { syncOnResume } = await import('./systemEvents');
const { loadWindowState, placeOnScreen, saveWindowState } = await import('./windowState');

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  electron.built = [];
  electron.popups = 0;
});
function folder() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

type Item = MenuItemConstructorOptions;
const flatten = (items: Item[]): Item[] => items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
const byLabel = (items: Item[], label: string) => flatten(items).find((item) => item.label === label);

describe('application menu', () => {
  const commands: string[] = [];
  const opened: string[] = [];
  const actions = {
    command: (command: string) => commands.push(command),
    openLogs: () => opened.push('logs'),
    openDataFolder: () => opened.push('data'),
  };

  it('routes New consultation, Export PDF, Back up now, Sync now and Settings to the renderer, with their shortcuts', () => {
    const template = menuTemplate({ platform: 'linux', isPackaged: true, actions: actions as never });
    const expected: [string, string, string][] = [
      ['New Consultation', 'CmdOrCtrl+N', 'consultation.new'],
      ['Export PDF…', 'CmdOrCtrl+E', 'export.pdf'],
      ['Back Up Now…', 'CmdOrCtrl+Shift+B', 'backup.now'],
      ['Sync Now', 'CmdOrCtrl+Shift+S', 'sync.now'],
      ['Settings', 'CmdOrCtrl+,', 'settings.open'],
    ];
    commands.length = 0;
    for (const [label, accelerator] of expected) {
      const item = byLabel(template, label)!;
      expect(item.accelerator).toBe(accelerator);
      (item.click as () => void)();
    }
    expect(commands).toEqual(expected.map(([, , command]) => command));
    (byLabel(template, 'Open Logs')!.click as () => void)();
    (byLabel(template, 'Open Data Folder')!.click as () => void)();
    expect(opened).toEqual(['logs', 'data']);
    // Shortcuts are unique, or one would shadow another.
    const accelerators = flatten(template)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('has no DevTools or reload in a packaged build; development keeps them', () => {
    const roles = (isPackaged: boolean, platform: NodeJS.Platform) =>
      flatten(menuTemplate({ platform, isPackaged, actions: actions as never }))
        .map((i) => i.role)
        .filter(Boolean);
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(roles(true, platform)).not.toContain('toggleDevTools');
      expect(roles(true, platform)).not.toContain('reload');
      expect(roles(true, platform)).not.toContain('forceReload');
      // The stock View menu role carries DevTools: it must not be used.
      expect(roles(true, platform)).not.toContain('viewMenu');
      expect(roles(false, platform)).toContain('toggleDevTools');
    }
  });

  it('puts Settings (Cmd+,) in the app menu on macOS and in File elsewhere', () => {
    const mac = menuTemplate({ platform: 'darwin', isPackaged: true, actions: actions as never });
    expect(mac[0]!.label).toBe('Fieldbook');
    expect((mac[0]!.submenu as Item[]).map((i) => i.label ?? i.role)).toContain('Settings…');
    expect(byLabel(mac, 'Settings…')!.accelerator).toBe('CmdOrCtrl+,');
    const linux = menuTemplate({ platform: 'linux', isPackaged: true, actions: actions as never });
    expect(linux[0]!.label).toBe('&File');
    expect((linux[0]!.submenu as Item[]).map((i) => i.label)).toContain('Settings');
  });

  it('is set as the application menu', () => {
    buildMenu({ platform: 'linux', isPackaged: true, actions: actions as never });
    expect((electron.applicationMenu as { template: Item[] }).template.map((i) => i.label ?? i.role)).toEqual([
      '&File',
      'editMenu',
      '&View',
      'windowMenu',
      'help',
    ]);
  });
});

describe('context menu', () => {
  const editFlags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true, canUndo: true, canRedo: true, canDelete: true, canEditRichly: false };
  function fakeContents() {
    const replaced: string[] = [];
    const learned: string[] = [];
    return {
      replaced,
      learned,
      replaceMisspelling: (word: string) => replaced.push(word),
      session: { addWordToSpellCheckerDictionary: (word: string) => learned.push(word) && true },
    };
  }

  it('offers spelling suggestions for a misspelled word, replaces it, and can learn it', () => {
    const contents = fakeContents();
    const params = { isEditable: true, misspelledWord: 'recieve', dictionarySuggestions: ['receive', 'relieve'], selectionText: '', editFlags };
    const template = contextMenuTemplate(params, contents as never);
    expect(template.map((i) => i.label ?? i.role ?? i.type)).toEqual([
      'receive',
      'relieve',
      'Add to Dictionary',
      'separator',
      'cut',
      'copy',
      'paste',
      'separator',
      'selectAll',
    ]);
    (template[0]!.click as () => void)();
    (template[2]!.click as () => void)();
    expect(contents.replaced).toEqual(['receive']);
    expect(contents.learned).toEqual(['recieve']);
    const noIdea = contextMenuTemplate({ ...params, dictionarySuggestions: [] }, contents as never);
    expect(noIdea[0]).toMatchObject({ label: 'No spelling suggestions', enabled: false });
  });

  it('enables cut/copy/paste as the field allows; only Copy on selected page text; nothing on empty space', () => {
    const contents = fakeContents();
    const field = contextMenuTemplate(
      { isEditable: true, misspelledWord: '', dictionarySuggestions: [], selectionText: '', editFlags: { ...editFlags, canCut: false, canCopy: false } },
      contents as never,
    );
    expect(field.filter((i) => i.role).map((i) => [i.role, i.enabled])).toEqual([
      ['cut', false],
      ['copy', false],
      ['paste', true],
      ['selectAll', true],
    ]);
    const text = contextMenuTemplate(
      { isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: 'Bäckerei Kolb', editFlags },
      contents as never,
    );
    expect(text.map((i) => i.role)).toEqual(['copy']);
    expect(
      contextMenuTemplate({ isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: '  ', editFlags }, contents as never),
    ).toEqual([]);
  });

  it('pops up on right-click when there is something to offer', () => {
    const contents = Object.assign(new EventEmitter(), fakeContents());
    attachContextMenu(contents as never);
    contents.emit('context-menu', {}, { isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: '', editFlags });
    expect(electron.popups).toBe(0);
    contents.emit('context-menu', {}, { isEditable: true, misspelledWord: '', dictionarySuggestions: [], selectionText: '', editFlags });
    expect(electron.popups).toBe(1);
  });
});

describe('window state', () => {
  const primary = { x: 0, y: 0, width: 1920, height: 1040 };
  const right = { x: 1920, y: 0, width: 2560, height: 1400 };

  it('is remembered across launches, and a damaged file only costs the position', () => {
    const dir = folder();
    expect(loadWindowState(dir)).toBeNull();
    saveWindowState(dir, { bounds: { x: 2100, y: 100, width: 1400, height: 900 }, maximized: true });
    expect(loadWindowState(dir)).toEqual({ bounds: { x: 2100, y: 100, width: 1400, height: 900 }, maximized: true });
    writeFileSync(join(dir, 'window-state.json'), '{"bounds":');
    expect(loadWindowState(dir)).toBeNull();
  });

  it('stays where it was while that screen exists, and moves onto the primary screen when it went away', () => {
    const saved = { bounds: { x: 2100, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(placeOnScreen(saved, [primary, right], primary)).toEqual(saved);
    const moved = placeOnScreen(saved, [primary], primary);
    expect(moved.bounds).toEqual({ x: 260, y: 70, width: 1400, height: 900 });
    // Too large for the screen that is left: shrunk to fit it.
    const big = placeOnScreen({ bounds: { x: 2000, y: 0, width: 2500, height: 1300 }, maximized: true }, [primary], primary);
    expect(big).toEqual({ bounds: { x: 0, y: 0, width: 1920, height: 1040 }, maximized: true });
    // A title bar above the top of every screen cannot be grabbed: moved too.
    expect(placeOnScreen({ bounds: { x: 100, y: -500, width: 1000, height: 700 }, maximized: false }, [primary], primary).bounds.y).toBe(170);
    // First launch: the default size, centred by Electron, never larger than the screen.
    expect(placeOnScreen(null, [primary], { x: 0, y: 0, width: 1024, height: 700 })).toEqual({ bounds: { width: 1024, height: 700 }, maximized: false });
  });
});

describe('token storage (safeStorage backend decision)', () => {
  const sealer = (backend: string, available = true) => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as never,
    encryptString: (value: string) => Buffer.from(`sealed:${[...value].reverse().join('')}`),
    decryptString: (sealed: Buffer) => [...sealed.toString().slice('sealed:'.length)].reverse().join(''),
  });
  const TOKEN = 'eyJhbGciOiJFZERTQSJ9.secret-payload.sig';

  it('uses the keychain when there is a real one: the file holds only the sealed token', () => {
    const dir = folder();
    for (const [platform, backend] of [
      ['linux', 'gnome_libsecret'],
      ['darwin', 'unknown'],
      ['win32', 'unknown'],
    ] as const) {
      const { store, storage } = chooseSecretStore(dir, sealer(backend), platform);
      expect(storage).toBe('os-keychain');
      store.set('turso_token', TOKEN);
      expect(store.get('turso_token')).toBe(TOKEN);
      expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain('secret-payload');
    }
  });

  it('keeps the token in memory only with the basic_text backend or no encryption: nothing on disk', () => {
    for (const [backend, available, platform] of [
      ['basic_text', true, 'linux'],
      ['unknown', true, 'linux'],
      ['unknown', false, 'darwin'],
      ['kwallet5', false, 'linux'],
    ] as const) {
      const dir = folder();
      const { store, storage } = chooseSecretStore(dir, sealer(backend, available), platform);
      expect(storage).toBe('memory');
      store.set('turso_token', TOKEN);
      expect(store.get('turso_token')).toBe(TOKEN);
      expect(readdirSync(dir)).toEqual([]);
      // The next run of the app starts without it.
      expect(chooseSecretStore(dir, sealer(backend, available), platform).store.get('turso_token')).toBeNull();
    }
  });

  it('moves a token sealed earlier with basic_text into memory and removes its file', () => {
    const dir = folder();
    chooseSecretStore(dir, sealer('gnome_libsecret'), 'linux').store.set('turso_token', TOKEN);
    expect(existsSync(join(dir, 'secrets.enc.json'))).toBe(true);
    const { store, storage } = chooseSecretStore(dir, sealer('basic_text'), 'linux');
    expect(storage).toBe('memory');
    expect(store.get('turso_token')).toBe(TOKEN);
    expect(existsSync(join(dir, 'secrets.enc.json'))).toBe(false);
  });
});

describe('updates', () => {
  function fakeUpdater(fail = false) {
    return {
      checks: 0,
      autoDownload: false,
      autoInstallOnAppQuit: false,
      logger: null as unknown,
      async checkForUpdatesAndNotify() {
        this.checks += 1;
        if (fail) throw new Error('offline');
        return null;
      },
    };
  }
  const quiet = { warn: () => undefined };

  it('stays off in development and without a feed in the package', () => {
    const dir = folder();
    let created = 0;
    const make = () => ((created += 1), fakeUpdater());
    expect(startUpdates(make, { isPackaged: false, resourcesPath: dir, log: quiet }).state).toBe('off: development build');
    expect(startUpdates(make, { isPackaged: true, resourcesPath: dir, log: quiet }).state).toBe('off: no update feed');
    expect(created).toBe(0);
  });

  it('checks and downloads when the package carries a feed; a failed check is only logged', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'app-update.yml'), 'provider: generic\nurl: https://updates.example/fieldbook\n');
    const warnings: unknown[] = [];
    const updater = fakeUpdater(true);
    const started = startUpdates(() => updater, { isPackaged: true, resourcesPath: dir, log: { warn: (...args: unknown[]) => warnings.push(args) } });
    started.stop();
    expect(started.state).toBe('on');
    expect(updater).toMatchObject({ checks: 1, autoDownload: true, autoInstallOnAppQuit: true });
    await vi.waitFor(() => expect(warnings).toHaveLength(1));
  });
});

describe('a crashed renderer', () => {
  function setup(response: number) {
    const contents = Object.assign(new EventEmitter(), {
      reloads: 0,
      reload() {
        this.reloads += 1;
      },
      isDestroyed: () => false,
    });
    const shown: unknown[] = [];
    const logged: string[] = [];
    let quit = 0;
    const dialog = {
      showMessageBox: async (options: unknown) => {
        shown.push(options);
        return { response, checkboxChecked: false };
      },
    };
    handleRenderProcessGone(contents as never, dialog as never, { error: (m: unknown) => logged.push(String(m)), info: () => undefined }, () => (quit += 1));
    return { contents, shown, logged, quit: () => quit };
  }

  it('is logged and a reload is offered; Reload reloads, Quit quits, a clean exit asks nothing', async () => {
    const reload = setup(0);
    reload.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    await vi.waitFor(() => expect(reload.contents.reloads).toBe(1));
    expect(reload.logged).toEqual(['Renderer gone: crashed (exit code 139)']);
    expect(reload.shown[0]).toMatchObject({ buttons: ['Reload', 'Quit'] });

    const quit = setup(1);
    quit.contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 0 });
    await vi.waitFor(() => expect(quit.quit()).toBe(1));
    expect(quit.contents.reloads).toBe(0);

    const clean = setup(0);
    clean.contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(clean.shown).toEqual([]);
    expect(clean.logged).toHaveLength(1);
  });
});

describe('native save dialog and Show in folder', () => {
  it('writes the file where the consultant chose, and shows only files it saved', async () => {
    const dir = folder();
    const target = join(dir, 'chosen', 'Bäckerei Kolb.pdf');
    mkdirSync(join(dir, 'chosen'));
    const asked: unknown[] = [];
    let answer: { canceled: boolean; filePath?: string } = { canceled: false, filePath: target };
    const dialog = { showSaveDialog: async (...args: unknown[]) => (asked.push(args.at(-1)), answer) };
    const shown: string[] = [];
    const files = desktopFiles(
      dialog as never,
      { showItemInFolder: (p: string) => shown.push(p) },
      () => null,
      () => '/home/c/Documents',
    );
    const bytes = Buffer.from('%PDF-1.7 Bäckerei');
    expect(await files.save({ fileName: 'baeckerei-kolb.pdf', mimeType: 'application/pdf', base64: bytes.toString('base64') })).toEqual({ path: target });
    expect(readFileSync(target)).toEqual(bytes);
    expect(asked[0]).toEqual({ defaultPath: '/home/c/Documents/baeckerei-kolb.pdf', filters: [{ name: 'PDF document', extensions: ['pdf'] }] });
    expect(files.showInFolder(target)).toEqual({ shown: true });
    expect(files.showInFolder('/etc/passwd')).toEqual({ shown: false });
    expect(shown).toEqual([target]);
    answer = { canceled: true };
    expect(await files.save({ fileName: 'x.json', mimeType: 'application/json', base64: '' })).toEqual({ path: null });
  });
});

describe('waking from sleep', () => {
  it('nudges sync on resume until stopped', async () => {
    const power = new EventEmitter();
    let nudges = 0;
    const stop = syncOnResume(power as never, async () => {
      nudges += 1;
    });
    power.emit('suspend');
    power.emit('resume');
    stop();
    power.emit('resume');
    expect(nudges).toBe(1);
  });
});
