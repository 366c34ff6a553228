import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { completeWelcome, consultationsOf, startPreview, type Preview } from './harness';
import { fullSections } from '../test/arbitraries';
import { HARD_LIMITS } from '@shared/consultation/sections';

// The four ways typed text was lost in the browser preview (issue 11), each driven as a consultant would,
// by roles and labels. Every one of them failed on the code before the working copy became the record.

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

const indicator = (page: Page) => page.getByTestId('save-indicator');
const saved = (page: Page) => expect.poll(() => indicator(page).textContent(), { timeout: 15_000 }).toMatch(/Saved|All changes saved/);
const step = (page: Page, name: string | RegExp) => page.getByRole('navigation', { name: 'Intake steps' }).getByRole('link', { name });

async function newConsultation(p: Preview) {
  await p.open();
  await completeWelcome(p.page);
  await p.page.keyboard.press('Control+n');
  await p.page.getByLabel('Business name').waitFor();
}

describe('never lose a word at the keyboard', () => {
  it('a field the version rules would refuse never stops the rest of the form saving', async () => {
    preview = await startPreview();
    const { page } = preview;
    await newConsultation(preview);
    await step(page, /Pain points/).click();
    await page.getByLabel('Impact assessment').fill('Saturdays lose the most orders');
    await step(page, /Contact/).click();
    await page.getByLabel('Business name').fill('Harbour Bakery');
    await page.getByLabel('Email').fill('not-an-email');
    await saved(page);
    await page.reload();
    await expect.poll(() => page.getByLabel('Business name').inputValue()).toBe('Harbour Bakery');
    expect(await page.getByLabel('Email').inputValue()).toBe('not-an-email');
    await step(page, /Pain points/).click();
    await expect.poll(() => page.getByLabel('Impact assessment').inputValue()).toBe('Saturdays lose the most orders');
    await preview.shot('keep-01-invalid-field-kept');
  });

  it('an oversized paste is refused at its field, with words, while every other edit keeps saving', async () => {
    preview = await startPreview();
    const { page } = preview;
    await newConsultation(preview);
    const longName = 'N'.repeat(5000);
    await page.getByLabel('Business name').fill(longName);
    await step(page, /Pain points/).click();
    await page.getByLabel('Impact assessment').fill('x'.repeat(HARD_LIMITS.fieldChars * 2));
    await page.getByText(/Too long to keep/).waitFor({ timeout: 15_000 });
    await expect.poll(() => indicator(page).textContent(), { timeout: 15_000 }).toMatch(/Not saved/);
    await preview.shot('keep-02-oversized-refused');
    await step(page, /Contact/).click();
    await page.getByLabel('Contact person').fill('Amira Haddad');
    await expect
      .poll(
        async () => {
          const id = consultationsOf(preview!.host).list().items[0]!.id;
          return consultationsOf(preview!.host).get({ consultationId: id }).consultation.sections.contact_info;
        },
        { timeout: 15_000 },
      )
      .toEqual({ business_name: longName, contact_person: 'Amira Haddad' });
    // Leaving now would lose the refused paste: the page asks first.
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => (resolve(dialog.type()), void dialog.dismiss())));
    await page.reload({ timeout: 5_000 }).catch(() => undefined);
    expect(await asked).toBe('beforeunload');
  });

  it('two tabs on one consultation: neither blanks the other, a field both changed is a conflict, and each shows the other live', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        id = consultationsOf(host).create({ sections: fullSections('Two Tabs Ltd') }).consultation.id;
      },
    });
    const a = preview.page;
    await preview.open(`/c/${id}/contact`);
    const b = await a.context().newPage();
    await b.goto(`${preview.bridge.url}/#token=${preview.bridge.token}`);
    await b.evaluate(`window.location.hash = ${JSON.stringify(`/c/${id}/contact`)}`);
    for (const page of [a, b]) await page.getByLabel('Business name').waitFor();
    await a.getByLabel('Phone').fill('+1 555 0101');
    await saved(a);
    await b.getByLabel('Website').fill('https://two-tabs.example');
    await saved(b);
    // Tab B shows A's phone without a reload, and A shows B's website.
    await expect.poll(() => b.getByLabel('Phone').inputValue(), { timeout: 15_000 }).toBe('+1 555 0101');
    await expect.poll(() => a.getByLabel('Website').inputValue(), { timeout: 15_000 }).toBe('https://two-tabs.example');
    const stored = () => consultationsOf(preview!.host).get({ consultationId: id }).consultation.sections.contact_info;
    expect(stored()).toMatchObject({ phone: '+1 555 0101', website: 'https://two-tabs.example' });
    // Both change the contact person before seeing each other's: the later one is told, nothing is overwritten.
    await a.getByLabel('Contact person').fill('Typed in A');
    await b.getByLabel('Contact person').fill('Typed in B');
    await saved(a);
    const conflicts = [a, b].map((page) =>
      page.getByRole('region', { name: 'Changed in another window' }).or(page.getByRole('heading', { name: 'Changed in another window' })),
    );
    await expect.poll(async () => (await conflicts[0]!.count()) + (await conflicts[1]!.count()), { timeout: 15_000 }).toBeGreaterThan(0);
    const loser = (await conflicts[0]!.count()) > 0 ? a : b;
    const winnerValue = stored().contact_person;
    expect(['Typed in A', 'Typed in B']).toContain(winnerValue);
    await preview.shot('keep-03-two-tabs-conflict');
    await loser.getByRole('button', { name: 'Keep mine' }).click();
    const mine = loser === a ? 'Typed in A' : 'Typed in B';
    await expect.poll(() => stored().contact_person, { timeout: 15_000 }).toBe(mine);
    await b.close();
  });

  it('discarding changes since a version stays discarded after more typing and a reload', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        id = consultationsOf(host).create({ sections: { contact_info: { business_name: 'Discard Co' } } }).consultation.id;
      },
    });
    const { page } = preview;
    await preview.open(`/c/${id}/contact`);
    await page.getByLabel('Contact person').fill('Should go');
    await saved(page);
    await page.reload();
    await page.getByRole('button', { name: 'Discard changes since version 1' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => page.getByLabel('Contact person').inputValue()).toBe('');
    await page.getByLabel('Email').fill('kept@discard.example');
    await saved(page);
    await page.reload();
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe('kept@discard.example');
    expect(await page.getByLabel('Contact person').inputValue()).toBe('');
  });
});

describe('the record as a consultant expects it', () => {
  it('save version names the fields that need attention, marks their step and takes focus to the first', async () => {
    preview = await startPreview();
    const { page } = preview;
    await newConsultation(preview);
    await page.getByLabel('Business name').fill('Marked Steps Ltd');
    await page.getByLabel('Email').fill('not-an-email');
    await saved(page);
    await step(page, /Goals/).click();
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText(/Some fields need attention before saving a version: Contact › Email/).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-contact_info-email');
    await expect.poll(() => step(page, /Contact/).textContent()).toContain('needs attention');
    expect(await step(page, /Business/).textContent()).not.toContain('needs attention');
    await preview.shot('keep-05-fields-named');
  });

  it('an empty untitled consultation made by Ctrl+N can be deleted, after a confirmation', async () => {
    preview = await startPreview();
    const { page } = preview;
    await newConsultation(preview);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('alertdialog', { name: /Delete this untitled consultation/ })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('heading', { name: 'Your first consultation' }).waitFor();
    expect(consultationsOf(preview.host).counts()).toEqual({ draft: 0, completed: 0, archived: 0 });
  });

  it('history: version 1 shows what it started with, and restore keeps typed changes as a version first', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        id = consultationsOf(host).create({ sections: { contact_info: { business_name: 'History Co', email: 'first@history.example' } } }).consultation.id;
        consultationsOf(host).autosave({ consultationId: id, edits: [{ path: 'contact_info.email', value: 'second@history.example' }] });
        consultationsOf(host).saveVersion({ consultationId: id });
        consultationsOf(host).autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0777' }] });
      },
    });
    const { page } = preview;
    await preview.open(`/c/${id}/history`);
    await page.getByRole('button', { name: 'Show what it started with' }).click();
    await page.getByRole('columnheader', { name: 'Empty form' }).waitFor();
    await page.getByRole('cell', { name: 'first@history.example' }).waitFor();
    await page.getByRole('button', { name: 'Restore' }).first().click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => consultationsOf(preview!.host).listVersions({ consultationId: id }).length).toBe(4);
    const versions = consultationsOf(preview.host).listVersions({ consultationId: id });
    expect(versions[2]!.changeSummary).toMatch(/^Kept before a restore/);
    expect(consultationsOf(preview.host).getVersion({ consultationId: id, versionNumber: 3 }).sections.contact_info.phone).toBe('+1 555 0777');
  });
});
