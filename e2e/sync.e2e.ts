import { afterEach, describe, expect, it } from 'vitest';
import { startPreview, type Preview, consultationsOf } from './harness';
import { startHranaAdapter, startTursoServer, type HranaAdapter, type TursoServer } from '../test/tursoServer';
import { device, type Device } from '../test/syncDevices';
import { createRemoteClient } from '../src/main/sync/remoteClient';
import { fullSections } from '../test/arbitraries';
import { editsForSections } from '@shared/consultation/edits';

let preview: Preview | null = null;
let team: { server: TursoServer; adapter: HranaAdapter } | null = null;
const others: Device[] = [];
afterEach(async () => {
  others.splice(0).forEach((d) => d.close());
  await preview?.close();
  preview = null;
  await team?.adapter.close();
  await team?.server.stop();
  team = null;
});

describe('sync from the UI', () => {
  it('is set up in Settings, shows its state, brings a teammate’s consultation, and resolves a conflict', async () => {
    preview = await startPreview({ seed: (host) => host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' }) });
    const { page } = preview;
    const server = await startTursoServer();
    team = { server, adapter: await startHranaAdapter(server.port) };
    const url = team.adapter.url;
    const mine = consultationsOf(preview.host).create({ sections: fullSections('Ada Consulting Client') }).consultation.id;
    await preview.open('/settings');
    await page.getByTestId('sync-status').filter({ hasText: 'Sync off' }).waitFor();
    await page.getByLabel('Database URL').fill('nonsense');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Enter the database URL Turso gave you').waitFor();
    await page.getByLabel('Database URL').fill('wss://team.turso.io');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('WebSocket addresses (ws://, wss://) are not supported').waitFor();
    // The interval field has a full name, and its problem is named at the field.
    await page.getByLabel('Minutes between automatic syncs').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a whole number of minutes, from 1 to 1440' }).waitFor();
    expect(await page.getByLabel('Minutes between automatic syncs').getAttribute('aria-describedby')).toBe('sync-intervalMinutes-error');
    await page.getByLabel('Minutes between automatic syncs').fill('5');
    await page.getByLabel('Database URL').fill(url);
    await page.getByLabel('Auth token').fill('local-dev-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected/).waitFor();
    await page.getByLabel('Sync automatically').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('sync-status').filter({ hasText: 'Up to date' }).waitFor();
    await preview.shot('40-sync-settings');

    // A teammate, and Ada's second laptop, on the same team database.
    const bo = device('Bo', createRemoteClient({ url }));
    others.push(bo);
    bo.consultations.create({ sections: { contact_info: { business_name: "Bo's Client" } } });
    await bo.sync();
    const ada2 = device('Ada2', createRemoteClient({ url }), {
      sameUserAs: { users: { current: () => preview!.host.services.users.current() } } as unknown as Device,
    });
    others.push(ada2);
    await ada2.sync();
    const base = fullSections('Ada Consulting Client');
    ada2.consultations.autosave({ consultationId: mine, edits: editsForSections({ contact_info: { ...base.contact_info, email: 'laptop2@client.io' } }) });
    ada2.consultations.saveVersion({ consultationId: mine, expectedVersion: 1 });
    await ada2.sync();
    consultationsOf(preview.host).autosave({
      consultationId: mine,
      edits: editsForSections({ contact_info: { ...base.contact_info, email: 'laptop1@client.io' } }),
    });
    consultationsOf(preview.host).saveVersion({ consultationId: mine, expectedVersion: 1 });

    await page.getByRole('link', { name: 'Consultations' }).first().click();
    await page.getByTestId('consultation-row').first().waitFor();
    // The teammate's consultation arrives while the dashboard is open.
    await preview.host.sync.syncNow();
    const theirs = page.getByTestId('consultation-row').filter({ hasText: "Bo's Client" });
    await theirs.waitFor();
    await theirs.click();
    await page.getByText('Owned by Bo Consultant: read-only').waitFor();
    expect(await page.getByLabel('Business name').isDisabled()).toBe(true);

    await preview.open(`/c/${mine}/contact`);
    await page.getByRole('heading', { name: 'Changed on two devices' }).waitFor();
    await preview.shot('41-conflict');
    expect(await page.getByLabel(/Email/).first().inputValue()).toBe('laptop2@client.io');
    await page.getByRole('button', { name: 'Use the other value' }).click();
    await page.getByRole('heading', { name: 'Changed on two devices' }).waitFor({ state: 'detached' });
    await expect.poll(() => page.getByLabel(/Email/).first().inputValue()).toBe('laptop1@client.io');
    await preview.host.sync.syncNow();
    await ada2.sync();
    expect(ada2.consultations.get({ consultationId: mine }).consultation.sections.contact_info.email).toBe('laptop1@client.io');

    // Sync settings can be cleared: the URL and the token are forgotten.
    await preview.open('/settings');
    await page.getByRole('button', { name: 'Forget sync settings' }).click();
    await page.getByTestId('sync-status').filter({ hasText: 'Sync off' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Sync settings cleared. The token is forgotten.' }).waitFor();
    await expect.poll(() => page.getByLabel('Database URL').inputValue()).toBe('');
    expect(preview.host.sync.getSettings()).toEqual({ url: '', enabled: false, intervalMinutes: 5, hasToken: false });
  });
});
