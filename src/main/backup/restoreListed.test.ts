import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { tempDir } from '../../../test/tempDatabase';
import { atBoundary } from '../../../test/tempDatabase';

// Restoring one of the automatic backups by its list entry, and the desktop-only file operations, through
// the same dispatch both transports use.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function newHost(options: Partial<Parameters<typeof startAppHost>[0]> = {}): AppHost {
  const t = tempDir();
  const host = startAppHost({ dataFolder: t.dir, shell: 'browser-preview', version: 't', validateOutput: true, autoBackup: false, backgroundSync: false, ...options });
  cleanups.push(() => {
    host.close();
    t.cleanup();
  });
  host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
  return host;
}
const names = (host: AppHost) => atBoundary(host.services.consultations, 'consultations').list({}).items.map((i) => i.businessName).sort();

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
      },
    });
    expect(await host.dispatch('files.save', { fileName: 'a.json', mimeType: 'application/json', base64: 'e30=' })).toEqual({ ok: true, value: { path: '/home/c/a.json' } });
    expect(await host.dispatch('files.showInFolder', { path: '/home/c/a.json' })).toEqual({ ok: true, value: { shown: true } });
    expect(await host.dispatch('files.save', { fileName: 'a.json', base64: 'e30=' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(calls).toEqual([{ fileName: 'a.json', mimeType: 'application/json', base64: 'e30=' }, '/home/c/a.json']);
    expect(await host.dispatch('app.info', undefined)).toMatchObject({ ok: true, value: { shell: 'electron', secretStorage: 'memory' } });
  });
});
