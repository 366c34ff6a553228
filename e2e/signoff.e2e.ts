import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, consultationsOf, seriousA11yViolations, startPreview, tabTo, type Preview } from './harness';
import { startHranaAdapter, startTursoServer, type HranaAdapter, type TursoServer } from '../test/tursoServer';
import { fullSections } from '../test/arbitraries';

let preview: Preview | null = null;
let team: { server: TursoServer; adapter: HranaAdapter } | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
  await team?.adapter.close();
  await team?.server.stop();
  team = null;
});

const seeded = async (name: string) => {
  let id = '';
  // CSP bypassed only so axe can be injected to check these screens.
  preview = await startPreview({
    bypassCSP: true,
    seed: (host) => {
      host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
      id = consultationsOf(host).create({ sections: fullSections(name) }).consultation.id;
    },
  });
  return { preview, page: preview.page, id };
};

/** A signature drawn with the mouse: three strokes across the pad. */
async function drawSignature(page: Page) {
  const box = (await page.getByRole('img', { name: /Signature: draw/ }).boundingBox())!;
  for (let stroke = 0; stroke < 3; stroke += 1) {
    await page.mouse.move(box.x + 20 + stroke * 120, box.y + box.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 10; i += 1) await page.mouse.move(box.x + 20 + stroke * 120 + i * 10, box.y + box.height * (0.7 - (i % 2) * 0.4), { steps: 2 });
    await page.mouse.up();
  }
}

describe('client sign-off from Review', () => {
  it('signs with the mouse: frozen as a version with the drawing, the PDF prints signer, time and hash, a later edit shows "changed since signed"', async () => {
    const { page, id } = await seeded('Signature Bakery');
    await preview!.open(`/c/${id}/review`);
    await page.getByRole('button', { name: 'Client sign-off' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Client sign-off' });
    await dialog.getByRole('region', { name: 'The record to sign' }).getByText('Signature Bakery').waitFor();
    // Signing without a name says so at the field and signs nothing.
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Enter the name of the person signing.' }).waitFor();
    await dialog.getByLabel('Name of the person signing').fill('Maria Okafor');
    await drawSignature(page);
    await preview!.shot('60-signoff-drawn');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Signed by Maria Okafor: saved as version 2.' }).waitFor();
    await page.getByText('Signed: version 2').waitFor();

    const version = consultationsOf(preview!.host).getVersion({ consultationId: id, versionNumber: 2 });
    expect(version.signOff).toMatchObject({ signerName: 'Maria Okafor', hasDrawing: true });
    expect(version.signatureImage).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);

    // The PDF of what is on screen (still the signed content) carries the sign-off.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PDF' }).click()]);
    const pdf = join(ARTIFACTS, 'signed.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('Signed by Maria Okafor');
    expect(text).toContain(`${version.signOff!.signedAt.slice(0, 16).replace('T', ' ')} UTC`);
    expect(text).toContain(version.signOff!.contentHash.slice(0, 12));

    await page
      .getByRole('link', { name: /Contact/ })
      .first()
      .click();
    await page.getByLabel('Phone').fill('+1 555 0142');
    await page.getByText('Changed since signed version 2').waitFor();
    expect(preview!.errors).toEqual([]);
  }, 180_000);

  it('signs with the keyboard only: a typed name, no drawing', async () => {
    const { page, id } = await seeded('Keyboard Signing Ltd');
    await preview!.open(`/c/${id}/review`);
    await tabTo(page, '.signoff-start > button');
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog', { name: 'Client sign-off' }).waitFor();
    await tabTo(page, '#signer-name');
    await page.keyboard.type('Lee Chen');
    await tabTo(page, '.signoff-screen button.primary');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Signed by Lee Chen: saved as version 2.' }).waitFor();
    const version = consultationsOf(preview!.host).getVersion({ consultationId: id, versionNumber: 2 });
    expect(version.signOff).toMatchObject({ signerName: 'Lee Chen', hasDrawing: false });
    expect(version.signatureImage).toBeNull();
  }, 120_000);
});

describe('follow-up visits', () => {
  it('starts prefilled from the last visit, marks unchanged fields, and Review shows what changed (old -> new)', async () => {
    const { page, id } = await seeded('Return Visit Farm');
    const before = consultationsOf(preview!.host).get({ consultationId: id }).consultation.sections;
    await preview!.open(`/c/${id}/contact`);
    await page.getByRole('button', { name: 'New follow-up visit' }).click();
    await page.getByRole('link', { name: 'Follow-up visit: see the last visit' }).waitFor();
    expect(await page.getByLabel('Business name').inputValue()).toBe('Return Visit Farm');
    expect(await page.getByText('Unchanged since last visit').count()).toBeGreaterThan(2);
    await page.getByLabel('Contact person').fill('Jun Park');
    await page.getByText(`Last visit: ${before.contact_info.contact_person}`).waitFor();
    await page
      .getByRole('link', { name: /Review/ })
      .first()
      .click();
    const since = page.getByRole('region', { name: 'Since last visit' });
    await since.getByText(`Contact person: ${before.contact_info.contact_person} → Jun Park`).waitFor();
    await preview!.shot('61-follow-up-review');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The dashboard: both visits, marked; "Latest visit per client" keeps the follow-up only.
    await page.getByRole('link', { name: 'Consultations' }).first().click();
    const rows = page.getByTestId('consultation-row').filter({ hasText: 'Return Visit Farm' });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    await rows.filter({ hasText: 'Follow-up visit' }).waitFor();
    await rows.filter({ hasText: 'Earlier visit: a later one exists' }).waitFor();
    await page.getByLabel('Latest visit per client').check();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain('Follow-up visit');
    expect(preview!.errors).toEqual([]);
  }, 120_000);
});

describe('Settings › Ready for the field', () => {
  it('turns items red and green by what it finds: sync offline with changes waiting, then synced; backups gone, then made', async () => {
    const { page } = await seeded('Field Ready Co');
    const host = preview!.host;
    const backups = join(preview!.dataFolder, 'backups');
    await expect.poll(() => host.services.backups.list().length, { timeout: 30_000 }).toBe(1);
    // A team address nothing answers on (a port just freed): sync is on, offline, with changes waiting.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    host.sync.saveSettings({ url: `http://127.0.0.1:${closed}`, token: 't', enabled: true, intervalMinutes: 60 });
    await expect.poll(() => host.sync.scheduler.status.state, { timeout: 60_000 }).toBe('offline');
    expect(host.sync.scheduler.status.pending).toBeGreaterThan(0);
    for (const file of readdirSync(backups)) rmSync(join(backups, file));

    await preview!.open('/settings');
    const panel = page.getByRole('region', { name: 'Ready for the field' });
    await panel
      .getByRole('listitem', { name: 'Changes synced: needs attention' })
      .getByText(/changes? not yet synced \(offline\)/)
      .waitFor();
    await panel.getByRole('listitem', { name: 'Last successful sync: needs attention' }).getByText('Never synced.').waitFor();
    await panel.getByRole('listitem', { name: 'Backup on this laptop: needs attention' }).waitFor();
    await panel.getByRole('listitem', { name: 'Free disk space: ready' }).waitFor();
    await panel.getByRole('listitem', { name: 'Fonts for the PDF: ready' }).waitFor();
    await preview!.shot('62-field-ready-red');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await panel.getByRole('button', { name: 'Back up now', exact: true }).click();
    await panel.getByRole('listitem', { name: 'Backup on this laptop: ready' }).waitFor();
    expect(host.services.backups.list()).toHaveLength(1);

    const server = await startTursoServer();
    team = { server, adapter: await startHranaAdapter(server.port) };
    host.sync.saveSettings({ url: team.adapter.url, token: 'local-dev-token', enabled: true, intervalMinutes: 60 });
    await panel.getByRole('listitem', { name: 'Changes synced: needs attention' }).getByRole('button', { name: 'Sync now' }).click();
    await panel.getByRole('listitem', { name: 'Changes synced: ready' }).waitFor({ timeout: 60_000 });
    await panel.getByRole('listitem', { name: 'Last successful sync: ready' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'This laptop is ready for a day in the field.' }).waitFor();
    await preview!.shot('63-field-ready-green');
  }, 240_000);
});
