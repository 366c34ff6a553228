import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { tempDir } from '../../../test/tempDatabase';
import { atBoundary } from '../../../test/tempDatabase';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { desktopFiles } from '../electron/desktopFiles';

// Restoring one of the automatic backups by its list entry, and the desktop-only file operations, through
// the same dispatch both transports use.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function newHost(options: Partial<Parameters<typeof startAppHost>[0]> = {}): AppHost {
  const t = tempDir();
  const host = startAppHost({
    dataFolder: t.dir,
    shell: 'browser-preview',
    version: 't',
    validateOutput: true,
    autoBackup: false,
    backgroundSync: false,
    ...options,
  });
  cleanups.push(() => {
    host.close();
    t.cleanup();
  });
  host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
  return host;
}
const names = (host: AppHost) =>
  atBoundary(host.services.consultations, 'consultations')
    .list({})
    .items.map((i) => i.businessName)
    .sort();

describe('restore from the automatic backups list', () => {
  it('restores the chosen automatic backup and keeps what was replaced', async () => {
    const host = newHost();
    atBoundary(host.services.consultations, 'consultations').create({ sections: { contact_info: { business_name: 'Bäckerei Kolb' } } });
    const daily = await host.services.backups.ensureDaily(new Date('2026-11-27T08:00:00Z'));
    atBoundary(host.services.consultations, 'consultations').create({ sections: { contact_info: { business_name: 'After the backup' } } });
    const listed = await host.dispatch('backups.list', undefined);
    expect(listed).toMatchObject({ ok: true, value: [{ file: daily!.file }] });

    const result = await host.dispatch('backups.restoreListed', { file: daily!.file });
    expect(result).toMatchObject({ ok: true, value: { consultations: 1 } });
    expect(names(host)).toEqual(['Bäckerei Kolb']);
    // The data that was replaced is kept as a safety copy, itself restorable.
    const { safetyCopy } = (result as { value: { safetyCopy: string } }).value;
    const { readFileSync } = await import('node:fs');
    await host.restoreFrom(readFileSync(safetyCopy));
    expect(names(host)).toEqual(['After the backup', 'Bäckerei Kolb']);
  });

  it('refuses any path that is not an entry of the list, leaving the data as it was', async () => {
    const host = newHost();
    atBoundary(host.services.consultations, 'consultations').create({ sections: { contact_info: { business_name: 'Stays' } } });
    const other = newHost();
    const foreign = await other.services.backups.ensureDaily(new Date('2026-11-27T08:00:00Z'));
    for (const file of [foreign!.file, '/etc/passwd', '../fieldbook.db', join('backups', '..', 'fieldbook.db')]) {
      expect(await host.dispatch('backups.restoreListed', { file })).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'That backup is no longer in the backups folder. Choose another one.' },
      });
    }
    expect(await host.dispatch('backups.restoreListed', { file: '' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(names(host)).toEqual(['Stays']);
  });
});

describe('desktop file operations', () => {
  it('are refused in words by the browser preview, which downloads instead', async () => {
    const host = newHost();
    expect(await host.dispatch('files.save', { fileName: 'a.json', mimeType: 'application/json', base64: '' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'Only the desktop app saves through a dialog; this browser downloads the file instead.' },
    });
    expect(await host.dispatch('files.showInFolder', { path: '/tmp/a.json' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('go to the desktop shell when it provides them, validated at the boundary', async () => {
    const calls: unknown[] = [];
    const host = newHost({
      shell: 'electron',
      secretStorage: 'memory',
      desktop: {
        save: async (file) => (calls.push(file), { path: `/home/c/${file.fileName}` }),
        showInFolder: (path) => (calls.push(path), { shown: true }),
        open: async () => ({ path: null, name: null }),
        chosen: (path) => path,
      },
    });
    expect(await host.dispatch('files.save', { fileName: 'a.json', mimeType: 'application/json', base64: 'e30=' })).toEqual({
      ok: true,
      value: { path: '/home/c/a.json' },
    });
    expect(await host.dispatch('files.showInFolder', { path: '/home/c/a.json' })).toEqual({ ok: true, value: { shown: true } });
    expect(await host.dispatch('files.save', { fileName: 'a.json', base64: 'e30=' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(calls).toEqual([{ fileName: 'a.json', mimeType: 'application/json', base64: 'e30=' }, '/home/c/a.json']);
    expect(await host.dispatch('app.info', undefined)).toMatchObject({ ok: true, value: { shell: 'electron', secretStorage: 'memory' } });
  });
});

describe('native open dialog for import and restore', () => {
  // The real shell module with a stand-in for Electron's dialog: main reads only what the dialog returned.
  function desktopHost(answer: { current: string | null }) {
    const asked: unknown[] = [];
    const dialog = {
      showSaveDialog: async () => ({ canceled: true }),
      showOpenDialog: async (options: unknown) => (
        asked.push(options),
        answer.current ? { canceled: false, filePaths: [answer.current] } : { canceled: true, filePaths: [] }
      ),
    };
    const host = newHost({
      shell: 'electron',
      secretStorage: 'memory',
      desktop: desktopFiles(
        dialog as never,
        { showItemInFolder: () => undefined },
        () => null,
        () => '/home/c',
      ),
    });
    return { host, asked };
  }

  it('imports the export chosen in the dialog, and restores the chosen backup after it', async () => {
    const answer = { current: null as string | null };
    const { host, asked } = desktopHost(answer);
    const consultations = atBoundary(host.services.consultations, 'consultations');
    const { id } = consultations.create({ sections: { contact_info: { business_name: 'محل الورد' } } }).consultation;
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const exported = await host.dispatch('exports.json', undefined);
    const exportFile = join(dir.dir, 'team export.json');
    writeFileSync(exportFile, Buffer.from((exported as { value: { base64: string } }).value.base64, 'base64'));
    const backupFile = join(dir.dir, 'backup.db');
    await host.services.backups.backupTo(backupFile);
    consultations.delete({ consultationId: id });
    consultations.create({ sections: { contact_info: { business_name: 'Already here' } } });

    answer.current = exportFile;
    expect(await host.dispatch('files.open', { purpose: 'import' })).toEqual({ ok: true, value: { path: exportFile, name: 'team export.json' } });
    expect(asked[0]).toMatchObject({ filters: [{ extensions: ['json'] }], properties: ['openFile'] });
    expect(await host.dispatch('exports.importFile', { path: exportFile })).toMatchObject({ ok: true, value: { consultationsAdded: 1 } });
    expect(names(host)).toEqual(['Already here', 'محل الورد']);

    answer.current = backupFile;
    expect(await host.dispatch('files.open', { purpose: 'restore' })).toMatchObject({ ok: true, value: { name: 'backup.db' } });
    expect(await host.dispatch('backups.restoreFile', { path: backupFile })).toMatchObject({ ok: true, value: { consultations: 1 } });
    expect(names(host)).toEqual(['محل الورد']);
    answer.current = null;
    expect(await host.dispatch('files.open', { purpose: 'restore' })).toEqual({ ok: true, value: { path: null, name: null } });
  });

  it('refuses a path the consultant did not choose, and a chosen file that is not an export, in words', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    mkdirSync(join(dir.dir, 'x'));
    const notExport = join(dir.dir, 'x', 'notes.json');
    writeFileSync(notExport, 'this is not json');
    const answer = { current: notExport as string | null };
    const { host } = desktopHost(answer);
    atBoundary(host.services.consultations, 'consultations').create({ sections: { contact_info: { business_name: 'Stays' } } });
    const refused = { ok: false, error: { code: 'forbidden', message: 'Choose the file again: Fieldbook only opens files picked in its dialog.' } };
    expect(await host.dispatch('exports.importFile', { path: notExport })).toEqual(refused);
    expect(await host.dispatch('backups.restoreFile', { path: '/etc/passwd' })).toEqual(refused);
    await host.dispatch('files.open', { purpose: 'import' });
    expect(await host.dispatch('exports.importFile', { path: notExport })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await host.dispatch('backups.restoreFile', { path: notExport })).toMatchObject({ ok: false });
    expect(names(host)).toEqual(['Stays']);
    expect(readFileSync(notExport, 'utf8')).toBe('this is not json');
  });

  it('is refused in words by the browser preview', async () => {
    const host = newHost();
    expect(await host.dispatch('files.open', { purpose: 'import' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await host.dispatch('exports.importFile', { path: '/tmp/a.json' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
