import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeWelcome, startPreview, type Preview } from './harness';

let preview: Preview;
beforeEach(async () => {
  preview = await startPreview();
});
afterEach(async () => {
  await preview.close();
});

describe('browser preview', () => {
  it('opens the app, creates a consultation, reloads, and finds it', async () => {
    const { page } = preview;
    await preview.open();
    await preview.shot('01-welcome');
    await completeWelcome(page);
    await preview.shot('02-empty-dashboard');
    await page.getByRole('button', { name: 'New consultation' }).first().click();
    await page.getByLabel('Business name').fill('Harbour Logistics');
    await expect.poll(() => page.getByTestId('save-indicator').textContent()).toMatch(/Saved/);
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 2').waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Consultations' }).first().click();
    const row = page.getByTestId('consultation-row').filter({ hasText: 'Harbour Logistics' });
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(preview.errors).toEqual([]);
  });

  it('keeps text typed right before a reload (autosave on pause, and on leaving the page)', async () => {
    const { page } = preview;
    await preview.open();
    await completeWelcome(page);
    await page.keyboard.press('Control+n');
    await page.getByLabel('Business name').waitFor();
    await page.getByLabel('Contact person').fill('Noor Haddad');
    // Reload before the autosave pause has passed: the page-leave flush must carry it.
    await page.getByLabel('Email').pressSequentially('noor@harbour', { delay: 5 });
    await page.reload();
    await expect.poll(async () => page.getByLabel('Email').inputValue()).toBe('noor@harbour');
    expect(await page.getByLabel('Contact person').inputValue()).toBe('Noor Haddad');
    await page.getByRole('region', { name: 'Changes since the last version' }).waitFor();
    await preview.shot('03-after-reload');
  });

  it('opening the printed address again in the same tab lands on the app, not on a "page does not exist"', async () => {
    const { page } = preview;
    await preview.open();
    await completeWelcome(page);
    await preview.open();
    await page.getByRole('heading', { name: 'Your first consultation' }).waitFor();
    expect(page.url()).not.toContain('token=');
  });

  it('refuses calls without the token, from another origin, or for another host', async () => {
    const { bridge } = preview;
    const call = (headers: Record<string, string>) =>
      fetch(`${bridge.url}/api/users.current`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '' });
    expect((await call({})).status).toBe(401);
    expect((await call({ Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call({ Authorization: `Bearer ${bridge.token}`, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ Authorization: `Bearer ${bridge.token}` })).status).toBe(200);
  });
});
