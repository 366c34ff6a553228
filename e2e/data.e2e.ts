import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, startPreview, type Preview, consultationsOf } from './harness';
import { fullSections } from '../test/arbitraries';

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

async function download(page: Page, click: () => Promise<void>, name: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(ARTIFACTS, name);
  await file.saveAs(path);
  return { path, suggested: file.suggestedFilename() };
}

describe('exports and backups from the UI', () => {
  it('exports a PDF and a CSV, backs up, and restores the backup after changes', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        id = consultationsOf(host).create({ sections: fullSections('Nordlicht Bäckerei') }).consultation.id;
      },
    });
    const { page } = preview;
    await preview.open(`/c/${id}/contact`);
    const pdf = await download(page, () => page.getByRole('button', { name: 'Export PDF' }).click(), 'ui-export.pdf');
    expect(pdf.suggested).toMatch(/^Nordlicht Bäckerei - Working copy - \d{4}-\d{2}-\d{2}\.pdf$/);
    const text = execFileSync('pdftotext', [pdf.path, '-']).toString();
    expect(text).toContain('Nordlicht Bäckerei');
    expect(text).toContain('Prepared by Ada Lovelace');

    await page.getByRole('link', { name: 'Consultations' }).first().click();
    const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click(), 'ui-export.csv');
    expect(readFileSync(csv.path, 'utf8')).toContain('Nordlicht Bäckerei');

    await page.getByRole('link', { name: 'Settings' }).click();
    const backup = await download(page, () => page.getByRole('button', { name: 'Back up now…' }).click(), 'ui-backup.db');
    expect(readFileSync(backup.path).subarray(0, 15).toString()).toBe('SQLite format 3');
    await page.getByText('None yet.').or(page.locator('.backups li')).first().waitFor();
    await preview.shot('30-settings-data');

    consultationsOf(preview.host).delete({ consultationId: id });
    expect(consultationsOf(preview.host).list().items).toHaveLength(0);
    await page.getByLabel('Restore a backup…').setInputFiles(backup.path);
    await page.getByRole('region', { name: 'Confirm restore' }).getByRole('button', { name: 'Restore…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText(/Restored 1 consultations/).waitFor();
    expect(
      consultationsOf(preview.host)
        .list()
        .items.map((i) => i.businessName),
    ).toEqual(['Nordlicht Bäckerei']);

    await page.getByLabel('Import JSON…').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
    await page.getByRole('alert').filter({ hasText: 'not a Fieldbook export' }).waitFor();
    expect(preview.errors.filter((e) => !e.includes('400'))).toEqual([]);
  });
});
