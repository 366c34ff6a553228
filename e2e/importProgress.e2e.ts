import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPreview, consultationsOf, type Preview } from './harness';
import { startAppHost } from '../src/main/appHost';
import { seedConsultations } from '../bench/seed';

let preview: Preview | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await preview?.close();
  preview = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a large JSON import from the UI', () => {
  it('counts the consultations on the Import button while the worker imports them, then reports', async () => {
    // 20,000 consultations exported from the consultant's other laptop.
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-e2e-import-'));
    dirs.push(dir);
    const source = startAppHost({ dataFolder: dir, shell: 'browser-preview', version: 't', autoBackup: false, backgroundSync: false });
    const me = source.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
    seedConsultations(source.services.database.sqlite, me.id, 20_000);
    const file = join(dir, 'export.json');
    writeFileSync(file, JSON.stringify(source.services.exports.exportAll()));
    source.close();

    preview = await startPreview({ seed: (host) => void host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' }) });
    const { page } = preview;
    await preview.open('/');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Import JSON…').setInputFiles(file);
    const counting = page.getByRole('button', { name: /^Importing [\d,]+ of 20,000…$/ });
    await counting.waitFor({ timeout: 120_000 });
    expect(await counting.isDisabled()).toBe(true);
    await counting.scrollIntoViewIfNeeded();
    console.log(`Import button during the import: "${await counting.textContent()}"`);
    await preview.shot('31-import-progress');
    await page.getByText('Imported: 20000 new, 0 updated, 20000 versions added, 0 already here.').waitFor({ timeout: 240_000 });
    await page.getByRole('button', { name: 'Import JSON…' }).waitFor();
    const counts = consultationsOf(preview.host).counts() as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(preview.errors).toEqual([]);
  }, 400_000);
});
