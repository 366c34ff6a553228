import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppHost } from '../src/main/appHost';
import { tempDir } from './tempDatabase';
import { fullSections } from './arbitraries';
import { editsForSections } from '@shared/consultation/edits';
import { startTestHost } from './testHost';

// Disk full and a folder that cannot be written: the consultant is told what is wrong, in words, and
// everything already saved stays as it was.

let host: AppHost | null = null;
let cleanup = () => {};
afterEach(() => {
  host?.close();
  host = null;
  cleanup();
});

function start() {
  const t = tempDir();
  cleanup = t.cleanup;
  host = startTestHost(t.dir);
  host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
  const id = host.services.consultations.create({ sections: fullSections('Kept Safe Ltd') }).consultation.id;
  host.services.consultations.autosave({
    consultationId: id,
    edits: editsForSections({ contact_info: { business_name: 'Kept Safe Ltd (draft)' } }),
    notes: 'first notes',
  });
  return { id, dir: t.dir };
}

describe('disk trouble', () => {
  it('when the disk is full, autosave says so and the last saved draft and versions stay intact', async () => {
    const { id } = start();
    const sqlite = host!.services.database.sqlite;
    // Let the file grow by a few pages only: SQLite then fails writes with SQLITE_FULL, as on a full disk.
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages + 2}`);
    const big = 'x'.repeat(19_000);
    let result = await host!.dispatch('consultations.autosave', { consultationId: id, notes: big });
    for (let i = 0; i < 20 && result.ok; i += 1) {
      result = await host!.dispatch('consultations.create', { sections: { pain_points: { impact_assessment: 'y'.repeat(4000) } } });
    }
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: 'The disk is full. Free some space; nothing already saved was lost.' } });
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const detail = host!.services.consultations.get({ consultationId: id });
    expect(detail.consultation.sections.contact_info.business_name).toBe('Kept Safe Ltd (draft)');
    expect(host!.services.consultations.getVersion({ consultationId: id, versionNumber: 1 }).sections.contact_info.business_name).toBe('Kept Safe Ltd');
    expect(host!.services.consultations.listVersions({ consultationId: id })).toHaveLength(1);
  });

  it('when the data cannot be written, every write says why, reads keep working, nothing is lost', async () => {
    const { id } = start();
    const sqlite = host!.services.database.sqlite;
    sqlite.pragma('query_only = ON'); // the same SQLITE_READONLY a read-only folder or file gives
    const result = await host!.dispatch('consultations.autosave', { consultationId: id, edits: [{ path: 'contact_info.business_name', value: 'lost?' }] });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'The data folder cannot be written to. Check its permissions; nothing already saved was lost.' },
    });
    expect(await host!.dispatch('consultations.get', { consultationId: id })).toMatchObject({ ok: true });
    sqlite.pragma('query_only = OFF');
    expect(host!.services.consultations.get({ consultationId: id }).consultation.sections.contact_info.business_name).toBe('Kept Safe Ltd (draft)');
  });

  it('the preview refuses a data folder it cannot use, with a clear message and no crash dump', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const notAFolder = join(t.dir, 'file.txt');
    writeFileSync(notAFolder, 'not a folder');
    const root = resolve(import.meta.dirname, '..');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/main/web/previewCli.ts'), '--data', join(notAFolder, 'data'), '--renderer', root],
      { encoding: 'utf8', cwd: root },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Fieldbook cannot use the data folder .*file\.txt\/data: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
