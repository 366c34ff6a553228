import { afterEach, describe, expect, it } from 'vitest';
import { startPreview, type Preview, consultationsOf } from './harness';
import { fullSections } from '../test/arbitraries';

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

describe('status moves in the History panel', () => {
  it('completing and reopening with no content change show as "Completed by …" and "Reopened by …", with no new version number', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Grace Hopper', email: 'grace@example.com' });
        id = consultationsOf(host).create({ sections: fullSections('Harbour Bakery') }).consultation.id;
      },
    });
    const { page } = preview;
    await preview.open(`/c/${id}/review`);
    await page.getByRole('button', { name: 'Mark completed' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Nothing changed since version 1, so no version is added').waitFor();
    await dialog.getByRole('button', { name: 'Mark completed' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();

    await page.getByRole('link', { name: 'History' }).click();
    const history = page.getByRole('list', { name: 'Versions' });
    await history.getByRole('listitem', { name: /^Completed by Grace Hopper, / }).waitFor();
    await preview.shot('30-history-status-event');
    // Still one version: the completion is an event between versions, not version 2.
    expect(await history.getByText(/^Version \d+$/).allTextContents()).toEqual(['Version 1']);
    const items = await history
      .getByRole('listitem')
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.querySelector('strong')?.textContent));
    expect(items).toEqual([expect.stringMatching(/^Completed by Grace Hopper, /), 'Version 1']);

    await page.getByRole('link', { name: 'Back to the intake' }).click();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('alertdialog').getByText('no version is added').waitFor();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('button', { name: 'Mark completed' }).waitFor();
    await page.getByRole('link', { name: 'History' }).click();
    await history.getByRole('listitem', { name: /^Reopened by Grace Hopper, / }).waitFor();
    const after = await history
      .getByRole('listitem')
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.querySelector('strong')?.textContent));
    expect(after).toEqual([expect.stringMatching(/^Reopened by Grace Hopper, /), expect.stringMatching(/^Completed by Grace Hopper, /), 'Version 1']);
    expect(consultationsOf(preview.host).listVersions({ consultationId: id })).toHaveLength(1);
    expect(preview.errors).toEqual([]);
  });
});
