import { afterEach, describe, expect, it } from 'vitest';
import { startPreview, type Preview, consultationsOf } from './harness';

// Issue 11, "Search:": what a consultant types in the dashboard search finds the row, in any script.

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

describe('dashboard search in every script', () => {
  it('finds "订单" inside a Chinese run and "σαββατο" in accented Greek; a lone emoji or "*" lists nothing', async () => {
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        const consultations = consultationsOf(host);
        const add = (name: string, challenge: string) =>
          consultations.create({ sections: { contact_info: { business_name: name }, pain_points: { primary_challenges: [challenge] } } });
        add('华东贸易', '订单延误了三天');
        add('Ταβέρνα Νίκος', 'Κλειστό το Σάββατο');
        add('Café München', 'Slow website 😀');
      },
    });
    const { page } = preview;
    await preview.open();
    const rows = page.getByTestId('consultation-row');
    const names = () => rows.locator('[role=cell]:nth-child(1)').allTextContents();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const search = page.getByLabel('Search consultations');

    await search.fill('订单');
    await expect.poll(names, { timeout: 15_000 }).toEqual(['华东贸易']);
    await preview.shot('search-chinese-substring');

    await search.fill('σαββατο');
    await expect.poll(names, { timeout: 15_000 }).toEqual(['Ταβέρνα Νίκος']);
    await preview.shot('search-unaccented-greek');

    for (const text of ['😀', '*']) {
      // From a list of one, so an empty list is this search's answer, not an earlier one's.
      await search.fill('munchen');
      await expect.poll(names, { timeout: 15_000 }).toEqual(['Café München']);
      await search.fill(text);
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(0);
    }
    await search.fill('');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    expect(preview.errors).toEqual([]);
  });
});
