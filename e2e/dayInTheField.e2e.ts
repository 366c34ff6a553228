import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, completeWelcome, startPreview, type Preview, consultationsOf } from './harness';
import { startHranaAdapter, startTursoServer, type HranaAdapter, type TursoServer, tursodbMissing } from '../test/tursoServer';
import { device, type Device } from '../test/syncDevices';
import { createRemoteClient } from '../src/main/sync/remoteClient';
import { editsForSections } from '@shared/consultation/edits';

// A consultant's day, lived in the browser preview against a real Turso server on loopback.

let preview: Preview;
let server: TursoServer;
let adapter: HranaAdapter;
const others: Device[] = [];
afterAll(async () => {
  others.forEach((d) => d.close());
  await preview?.close();
  await adapter?.close();
  await server?.stop();
});

const indicator = (page: Page) => page.getByTestId('save-indicator');
const status = (page: Page) => page.getByTestId('sync-status');

async function intake(page: Page, fields: Record<string, string>, lists: Record<string, string[]> = {}, urgency?: string) {
  await page.getByRole('button', { name: 'New consultation' }).first().click();
  await page.getByLabel('Business name').waitFor();
  for (const [step, entries] of Object.entries(groupBySection(fields, lists))) {
    await page.getByRole('link', { name: step }).click();
    for (const [label, value] of entries.text)
      await page
        .getByLabel(new RegExp(`^${label}`))
        .first()
        .fill(value);
    for (const [label, values] of entries.list) {
      const input = page.getByLabel(new RegExp(`^${label}`)).first();
      for (const v of values) {
        await input.fill(v);
        await input.press('Enter');
      }
    }
    if (step.includes('Pain') && urgency) await page.getByLabel(urgency, { exact: true }).check();
  }
  await expect.poll(() => indicator(page).textContent(), { timeout: 10_000 }).toMatch(/Saved/);
}

const SECTION_OF: Record<string, string> = {
  'Business name': '1 Contact',
  'Contact person': '1 Contact',
  Email: '1 Contact',
  Phone: '1 Contact',
  Industry: '2 Business',
  'Primary challenges': '3 Pain points',
  'Primary goals': '4 Goals',
};
function groupBySection(fields: Record<string, string>, lists: Record<string, string[]>) {
  const out: Record<string, { text: [string, string][]; list: [string, string[]][] }> = {};
  const add = (label: string) => (out[SECTION_OF[label]!] ??= { text: [], list: [] });
  for (const [label, value] of Object.entries(fields)) add(label).text.push([label, value]);
  for (const [label, values] of Object.entries(lists)) add(label).list.push([label, values]);
  if (!out['3 Pain points']) out['3 Pain points'] = { text: [], list: [] };
  return out;
}

describe.skipIf(tursodbMissing !== null)('a day in the field', () => {
  it('first run, three intakes, a completed one exported, sync through a network cut, a teammate, a conflict, a backup', async () => {
    server = await startTursoServer();
    adapter = await startHranaAdapter(server.port);
    preview = await startPreview();
    const { page } = preview;

    // Morning: first run.
    await preview.open();
    await completeWelcome(page, 'Ada Lovelace', 'ada@fieldbook.test');
    await preview.shot('day-01-first-run');

    // First client: a complete intake, saved and marked completed, then a PDF for the client.
    await intake(
      page,
      { 'Business name': 'Harbour Bakery', 'Contact person': 'Noor Haddad', Email: 'noor@harbour.example', Industry: 'Food & Beverage' },
      { 'Primary challenges': ['Lunch queues'], 'Primary goals': ['Online pre-orders'] },
      'High',
    );
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 2').waitFor();
    await page.getByRole('button', { name: 'Mark completed' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Mark completed' }).click();
    await page.locator('.meta .badge.status-completed').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PDF' }).click()]);
    const pdf = join(ARTIFACTS, 'day-harbour-bakery.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', [pdf, '-']).toString();
    expect(text).toContain('Harbour Bakery');
    expect(text).toContain('HIGH');
    await preview.shot('day-02-completed');

    // Second client: interrupted mid-typing by a reload; nothing is lost.
    await page.getByRole('button', { name: 'New consultation' }).first().click();
    await page.getByLabel('Business name').fill('Summit Dental');
    await page.getByLabel('Contact person').pressSequentially('Dr. Okafor', { delay: 5 });
    await page.reload();
    await expect.poll(() => page.getByLabel('Contact person').inputValue()).toBe('Dr. Okafor');
    // What was typed is the record: it reads as changed since version 1, no banner to dismiss.
    await page.getByText('Changed since version 1').waitFor();
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 2').waitFor();
    await preview.shot('day-03-after-reload');

    // Third client, saved as a draft only.
    await intake(page, { 'Business name': 'Cedar Logistics', 'Contact person': 'Jonas Berg', Industry: 'Logistics' });

    // Afternoon: sync with the team's Turso database.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Database URL').fill(adapter.url);
    await page.getByLabel('Auth token').fill('team-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected/).waitFor();
    await page.getByLabel('Sync automatically').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page).filter({ hasText: 'Up to date' }).waitFor();
    await preview.shot('day-04-synced');

    // The network drops: work goes on, changes wait, and flow when it is back.
    await adapter.refuse(true);
    await page.getByRole('link', { name: 'Consultations' }).first().click();
    await page.getByTestId('consultation-row').filter({ hasText: 'Cedar Logistics' }).click();
    // The draft typed this morning is what the form shows, not an older cached copy.
    await expect.poll(() => page.getByLabel(/^Business name/).inputValue()).toBe('Cedar Logistics');
    expect(await page.getByLabel(/^Contact person/).inputValue()).toBe('Jonas Berg');
    await page.getByLabel('Email').fill('jonas@cedar.example');
    await expect.poll(() => indicator(page).textContent()).toMatch(/Saved/);
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 2').waitFor();
    await preview.host.sync.syncNow();
    await status(page)
      .filter({ hasText: /Offline · \d+ changes? waiting/ })
      .waitFor();
    await preview.shot('day-05-offline');
    await adapter.refuse(false);
    await page.getByRole('button', { name: 'Retry' }).click();
    await status(page).filter({ hasText: 'Up to date' }).waitFor();

    // A teammate's consultation arrives; Ada's second laptop edits Cedar Logistics at the same time.
    const remote = () => createRemoteClient({ url: adapter.url });
    const bo = device('Bo', remote());
    others.push(bo);
    bo.consultations.create({ sections: { contact_info: { business_name: 'Bo’s Vineyard' } } });
    await bo.sync();
    const laptop2 = device('Laptop2', remote(), { sameUserAs: { users: { current: () => preview.host.services.users.current() } } as unknown as Device });
    others.push(laptop2);
    await laptop2.sync();
    const cedar = consultationsOf(preview.host).list({ search: 'cedar' }).items[0]!.id;
    const cedarNow = laptop2.consultations.get({ consultationId: cedar }).consultation;
    laptop2.consultations.autosave({
      consultationId: cedar,
      edits: editsForSections({ contact_info: { ...cedarNow.sections.contact_info, email: 'j.berg@cedar.example' } }),
    });
    laptop2.consultations.saveVersion({ consultationId: cedar, expectedVersion: cedarNow.currentVersion });
    await laptop2.sync();
    await page.getByLabel('Email').fill('jonas.b@cedar.example');
    await expect.poll(() => indicator(page).textContent()).toMatch(/Saved/);
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 3').waitFor();
    await preview.host.sync.syncNow();
    await page.getByRole('heading', { name: 'Changed on two devices' }).waitFor();
    await preview.shot('day-06-conflict');
    await page.getByRole('button', { name: 'Use the other value' }).click();
    await page.getByRole('heading', { name: 'Changed on two devices' }).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe('jonas.b@cedar.example');
    expect(await page.getByLabel(/^Business name/).inputValue()).toBe('Cedar Logistics');
    await preview.host.sync.syncNow();
    await laptop2.sync();
    expect(laptop2.consultations.get({ consultationId: cedar }).consultation.sections.contact_info.email).toBe('jonas.b@cedar.example');

    await page.getByRole('link', { name: 'Consultations' }).first().click();
    const boRow = page.getByTestId('consultation-row').filter({ hasText: 'Bo’s Vineyard' });
    await boRow.waitFor();
    await boRow.click();
    await page.getByText('Owned by Bo Consultant: read-only').waitFor();
    await preview.shot('day-07-teammate');

    // Evening: a backup, a mishap, a restore.
    await page.getByRole('link', { name: 'Settings' }).click();
    const [backup] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up now…' }).click()]);
    const backupFile = join(ARTIFACTS, 'day-backup.db');
    await backup.saveAs(backupFile);
    const summit = consultationsOf(preview.host).list({ search: 'summit' }).items[0]!.id;
    consultationsOf(preview.host).delete({ consultationId: summit });
    await page.getByLabel('Restore a backup…').setInputFiles(backupFile);
    await page.getByRole('region', { name: 'Confirm restore' }).getByRole('button', { name: 'Restore…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText(/Restored \d+ consultations/).waitFor();
    await page.getByRole('link', { name: 'Consultations' }).first().click();
    await page.getByTestId('consultation-row').filter({ hasText: 'Summit Dental' }).waitFor();
    await preview.shot('day-08-restored');
    expect(preview.errors.filter((e) => !/status of (4|5)\d\d/.test(e))).toEqual([]);
  });
});
