import { afterEach, describe, expect, it } from 'vitest';
import { consultationsOf, startPreview, type Preview } from '../harness';
import { fullSections } from '../../test/arbitraries';

// "New follow-up visit" as an impatient consultant uses it: a double-click, in the built renderer in Chromium.

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

describe('attack: follow-up visit button', () => {
  it('a double-click on "New follow-up visit" makes one follow-up, not two "latest visits" of one client', async () => {
    // Defect: the button has no busy state; each click flushes autosave and then asks for a follow-up, so a
    // double-click makes two follow-ups of the same visit, and "Latest visit per client" lists the client twice.
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
        id = consultationsOf(host).create({ sections: fullSections('Double Click Dairy') }).consultation.id;
      },
    });
    const page = preview.page;
    await preview.open(`/c/${id}/contact`);
    await page.getByRole('button', { name: 'New follow-up visit' }).dblclick();
    await page.getByRole('link', { name: 'Follow-up visit: see the last visit' }).waitFor();
    // Give a second request time to land before counting.
    await page.waitForTimeout(2_000);
    const latest = consultationsOf(preview.host).list({ latestVisits: true }).items;
    expect(latest.map((i) => i.followUpOf)).toEqual([id]);
    expect(preview.errors).toEqual([]);
  }, 120_000);
});
