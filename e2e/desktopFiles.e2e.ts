import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { format } from 'date-fns';
import { startPreview, seriousA11yViolations, type Preview, consultationsOf } from './harness';
import { fullSections } from '../test/arbitraries';

// Files dropped on the window, restore from the automatic backups list, and where an export went, in the
// built renderer in Chromium against the preview's real services.

let preview: Preview | null = null;
const temp = mkdtempSync(join(tmpdir(), 'fieldbook-drop-'));
afterEach(async () => {
  await preview?.close();
  preview = null;
});

/** Drags a file over the window and drops it, as the OS file manager would. */
async function dropFile(page: Page, name: string, bytes: Buffer, type: string) {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64, type }) => {
      // Runs in the page; the e2e project compiles without the DOM library.
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      return transfer;
    },
    { name, base64: bytes.toString('base64'), type },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await page.locator('.drop-overlay').waitFor();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}
const names = (p: Preview) =>
  consultationsOf(p.host)
    .list({})
    .items.map((i) => i.businessName)
    .sort();

describe('files and the desktop window (preview)', () => {
  it('imports a dropped export and restores a dropped backup, each after asking; refuses other files', async () => {
    preview = await startPreview({
      bypassCSP: true,
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        consultationsOf(host).create({ sections: fullSections('Nordlicht Bäckerei') });
      },
    });
    const { page, host } = preview;
    const exported = Buffer.from(host.services.exports.exportAllFile().base64, 'base64');
    const backupFile = join(temp, 'dropped.db');
    await host.services.backups.backupTo(backupFile);
    const id = consultationsOf(host).list({}).items[0]!.id;
    consultationsOf(host).delete({ consultationId: id });
    await preview.open('/');

    await dropFile(page, 'fieldbook-export.json', exported, 'application/json');
    const ask = page.getByRole('alertdialog', { name: 'Import this export?' });
    await ask.waitFor();
    expect(names(preview)).toEqual([]); // nothing happens before the consultant agrees
    await preview.shot('60-drop-import-confirm');
    await ask.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/Imported fieldbook-export\.json: 1 new/).waitFor();
    expect(names(preview)).toEqual(['Nordlicht Bäckerei']);

    consultationsOf(host).create({ sections: { contact_info: { business_name: 'After the backup' } } });
    await dropFile(page, 'dropped.db', readFileSync(backupFile), 'application/octet-stream');
    const restore = page.getByRole('alertdialog', { name: 'Restore this backup?' });
    await restore.getByRole('button', { name: 'Cancel' }).click();
    expect(names(preview)).toEqual(['After the backup', 'Nordlicht Bäckerei']);
    await dropFile(page, 'dropped.db', readFileSync(backupFile), 'application/octet-stream');
    await restore.getByRole('button', { name: 'Restore' }).click();
    await page.getByText(/Restored 1 consultations from dropped\.db/).waitFor();
    expect(names(preview)).toEqual(['Nordlicht Bäckerei']);

    await dropFile(page, 'notes.txt', Buffer.from('Meeting notes'), 'text/plain');
    await page.getByRole('alert').filter({ hasText: 'notes.txt is not a Fieldbook export (.json) or backup (.db).' }).waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(names(preview)).toEqual(['Nordlicht Bäckerei']);
    expect(preview.errors).toEqual([]);
  });

  it('restores an automatic backup from the list, and says where an export went', async () => {
    preview = await startPreview({
      bypassCSP: true,
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        consultationsOf(host).create({ sections: fullSections('Nordlicht Bäckerei') });
      },
    });
    const { page, host } = preview;
    // Dated after the one the app made at start, so it is a new automatic backup holding the seeded data.
    const at = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000);
    const daily = await host.services.backups.ensureDaily(at);
    expect(daily).not.toBeNull();
    const label = format(at, 'd MMM yyyy, HH:mm');
    consultationsOf(host).create({ sections: { contact_info: { business_name: 'After the backup' } } });
    await preview.open('/settings');

    await page.getByRole('button', { name: `Restore the backup of ${label}` }).click();
    const ask = page.getByRole('alertdialog', { name: `Restore the backup of ${label}?` });
    await preview.shot('61-restore-automatic-backup');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await ask.getByRole('button', { name: 'Restore' }).click();
    await page.getByText(`Restored 1 consultations from the automatic backup of ${label}.`, { exact: false }).waitFor();
    expect(names(preview)).toEqual(['Nordlicht Bäckerei']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export everything (JSON)' }).click()]);
    // In the preview a download is told by a toast (the desktop app's notice offers "Show in folder").
    await page
      .getByRole('status', { name: 'Notifications' })
      .getByText(`Exported ${download.suggestedFilename()} to your browser's downloads`, { exact: false })
      .waitFor();
    await preview.shot('62-export-saved-notice');
    expect(preview.errors).toEqual([]);
  });
});

describe('menu commands (sent as the desktop menu sends them, through the contract event)', () => {
  it('open Settings, start a consultation, export the open one as PDF, back up, and sync', async () => {
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        consultationsOf(host).create({ sections: fullSections('Nordlicht Bäckerei') });
      },
    });
    const { page, host } = preview;
    await preview.open('/');
    await page.getByRole('heading', { name: 'Consultations' }).or(page.getByText('Nordlicht Bäckerei')).first().waitFor();
    // The status bar's first state comes from a call, not the event stream, which may still be connecting
    // (one tab of the browser holds it): repeat the idempotent "open Settings" until it arrives.
    await expect
      .poll(
        async () => {
          host.events.emit('menu.command', { command: 'settings.open' });
          return page.getByRole('heading', { name: 'Settings' }).isVisible();
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    host.events.emit('menu.command', { command: 'export.pdf' });
    await page.getByRole('alert').filter({ hasText: 'Open a consultation to export its PDF summary.' }).waitFor();

    host.events.emit('menu.command', { command: 'consultation.new' });
    await page.waitForURL(/#\/c\/[0-9a-f-]+\/contact$/);
    expect(consultationsOf(host).list({}).items).toHaveLength(2);

    const id = consultationsOf(host)
      .list({})
      .items.find((i) => i.businessName === 'Nordlicht Bäckerei')!.id;
    await page.evaluate(`window.location.hash = '/c/${id}/contact'`);
    await page.getByLabel('Business name').waitFor();
    const [pdf] = await Promise.all([page.waitForEvent('download'), host.events.emit('menu.command', { command: 'export.pdf' })]);
    expect(pdf.suggestedFilename()).toMatch(/^Nordlicht Bäckerei - Working copy - .*\.pdf$/);
    await page.getByRole('status', { name: 'Notifications' }).getByText(pdf.suggestedFilename(), { exact: false }).waitFor();

    const [backup] = await Promise.all([page.waitForEvent('download'), host.events.emit('menu.command', { command: 'backup.now' })]);
    expect(backup.suggestedFilename()).toMatch(/^fieldbook-backup-\d{4}-\d{2}-\d{2}\.db$/);

    // Sync is off here: Sync Now says so in words instead of failing silently.
    host.events.emit('menu.command', { command: 'sync.now' });
    await page.getByRole('alert').filter({ hasText: 'Sync is off. Turn it on in Settings first.' }).waitFor();
    expect(preview.errors).toEqual([]);
  });
});

process.on('exit', () => rmSync(temp, { recursive: true, force: true }));
