import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../../src/main/appHost';
import { desktopFiles } from '../../src/main/electron/desktopFiles';
import { tempDir } from '../tempDatabase';

// The desktop open dialog ops (files.open, exports.importFile, backups.restoreFile) driven through the real
// dispatch of an app host over a real SQLite file. Only the native dialog is scripted: it "picks" a path.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function hostPicking(pick: () => string | null): { host: AppHost; dir: string } {
  const { dir, cleanup } = tempDir('fieldbook-attack3-');
  const dialog = {
    showSaveDialog: async () => ({ canceled: true, filePath: '' }),
    showOpenDialog: async () => {
      const path = pick();
      return { canceled: path === null, filePaths: path ? [path] : [] };
    },
  };
  const desktop = desktopFiles(
    dialog as never,
    { showItemInFolder: () => {} },
    () => null,
    () => dir,
  );
  const host = startAppHost({ dataFolder: join(dir, 'data'), shell: 'electron', version: '0.0.0-test', autoBackup: false, backgroundSync: false, desktop });
  cleanups.push(() => {
    host.close();
    cleanup();
  });
  return { host, dir };
}

/** A sparse file of `bytes` (no disk used): what a consultant picking a huge video by mistake gives. */
function sparse(path: string, bytes: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

describe('attack: desktop open dialog', () => {
  it('the renderer cannot read a file it did not pick, nor one picked for another purpose by another name', async () => {
    const { host, dir } = hostPicking(() => null);
    const secret = join(dir, 'secret.json');
    writeFileSync(secret, '{"format":"fieldbook"}');
    for (const path of [secret, `${dir}/./secret.json`, '/etc/passwd', `${dir}/../${dir.split('/').pop()}/secret.json`]) {
      const imported = await host.dispatch('exports.importFile', { path });
      expect(imported).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const restored = await host.dispatch('backups.restoreFile', { path });
      expect(restored).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // A cancelled dialog names nothing.
    expect(await host.dispatch('files.open', { purpose: 'import' })).toEqual({ ok: true, value: { path: null, name: null } });
  }, 60_000);

  it('a huge file picked by mistake for import gets words about its size, not "something went wrong"', async () => {
    // Defect: readChosen reads the whole file before chosenText checks the size; above 2 GiB Node refuses
    // (ERR_FS_FILE_TOO_LARGE), which reaches the consultant as the generic internal error.
    let path = '';
    const { host, dir } = hostPicking(() => path);
    path = sparse(join(dir, 'holiday-video.json'), 3 * 1024 ** 3);
    const opened = await host.dispatch('files.open', { purpose: 'import' });
    expect(opened).toMatchObject({ ok: true, value: { path } });
    const result = await host.dispatch('exports.importFile', { path });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).not.toBe('internal');
      expect(result.error.message).toMatch(/too large/i);
    }
  }, 60_000);

  it('a huge file picked by mistake for restore gets words about its size, and the data stays', async () => {
    // Defect: backups.restoreFile has no size check at all; a 3 GiB pick fails in readFileSync as "internal".
    let path = '';
    const { host, dir } = hostPicking(() => path);
    host.services.users.saveProfile({ name: 'Ana Consultant', email: 'ana@example.com' });
    const kept = host.services.consultations.create({ sections: { contact_info: { business_name: 'Kept Ltd' } } }).consultation.id;
    path = sparse(join(dir, 'huge.db'), 3 * 1024 ** 3);
    await host.dispatch('files.open', { purpose: 'restore' });
    const result = await host.dispatch('backups.restoreFile', { path });
    expect(host.services.consultations.get({ consultationId: kept }).consultation.id).toBe(kept);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).not.toBe('internal');
  }, 60_000);

  it('a picked file that is not what it claims (garbage, empty, a truncated backup) gets words, and the data stays', async () => {
    let path = '';
    const { host, dir } = hostPicking(() => path);
    host.services.users.saveProfile({ name: 'Ana Consultant', email: 'ana@example.com' });
    const kept = host.services.consultations.create({ sections: { contact_info: { business_name: 'Kept Ltd' } } }).consultation.id;
    const backup = await host.dispatch('backups.create', {});
    expect(backup.ok).toBe(true);
    const realBackup = backup.ok ? Buffer.from((backup.value as { base64: string }).base64, 'base64') : Buffer.alloc(0);
    const cases: [string, 'import' | 'restore', Buffer | string][] = [
      ['garbage.json', 'import', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x22])],
      ['empty.json', 'import', ''],
      ['other.json', 'import', '{"hello":"world"}'],
      ['deep.json', 'import', '['.repeat(100_000)],
      ['empty.db', 'restore', ''],
      ['half.db', 'restore', realBackup.subarray(0, Math.floor(realBackup.length / 2))],
      ['text.db', 'restore', 'SQLite format 3\u0000 but not really'],
    ];
    for (const [name, purpose, bytes] of cases) {
      path = join(dir, name);
      writeFileSync(path, bytes);
      await host.dispatch('files.open', { purpose });
      const result = await host.dispatch(purpose === 'import' ? 'exports.importFile' : 'backups.restoreFile', { path });
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.error.code, `${name}: ${result.error.message}`).not.toBe('internal');
      expect(host.services.consultations.get({ consultationId: kept }).consultation.id).toBe(kept);
    }
  }, 120_000);
});
