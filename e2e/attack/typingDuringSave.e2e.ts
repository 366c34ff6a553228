import { afterEach, describe, expect, it } from 'vitest';
import { consultationsOf, startPreview, type Preview } from '../harness';
import { fullSections } from '../../test/arbitraries';

// Adversarial: keystrokes that arrive while "Save version" is on its way to the app (a slow disk, a busy
// laptop: here the request is held 800 ms) must not be wiped when the answer comes back.

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

describe('attack: typing during Save version', () => {
  it('what is typed while a version is being saved stays on screen and is saved', async () => {
    // Defect: the answer resets the whole form to the saved version (form.reset), dropping the keystrokes
    // typed during the round trip; the autosave then sends the reset value, so they are never stored.
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        const c = consultationsOf(host).create({ sections: fullSections('Race Café') }).consultation;
        consultationsOf(host).autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0188' }] });
        id = c.id;
      },
    });
    const { page } = preview;
    await page.route('**/api/consultations.saveVersion', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await preview.open(`/c/${id}/contact`);
    const name = page.locator('#f-contact_info-business_name');
    await name.waitFor();
    await name.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+s');
    await page.keyboard.type(' Bakery', { delay: 40 });
    // The keystrokes landed in the field while the save was still on its way.
    expect(await name.inputValue()).toBe('Race Café Bakery');
    await page.getByText('Version 2').first().waitFor();
    await expect.poll(() => page.getByTestId('save-indicator').textContent(), { timeout: 15_000 }).toMatch(/Saved|All changes saved/);
    await page.waitForTimeout(1500);
    expect(await name.inputValue()).toBe('Race Café Bakery');
    expect(consultationsOf(preview.host).get({ consultationId: id }).consultation.sections.contact_info.business_name).toBe('Race Café Bakery');
  });
});
