import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { completeWelcome, seriousA11yViolations, startPreview, tabTo, type Preview, consultationsOf } from './harness';
import { seedConsultations } from '../bench/seed';
import { fullSections } from '../test/arbitraries';
import { editsForSections } from '@shared/consultation/edits';

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

const saved = (page: Page) => expect.poll(() => page.getByTestId('save-indicator').textContent(), { timeout: 10_000 }).toMatch(/Saved|All changes saved/);

describe('guided intake', () => {
  it('a full intake by keyboard only: welcome, every step, save version, mark completed', async () => {
    preview = await startPreview();
    const { page } = preview;
    await preview.open();
    await page.keyboard.type('Grace Hopper');
    await page.keyboard.press('Tab');
    await page.keyboard.type('grace@fieldbook.test');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your first consultation' }).waitFor();
    await page.keyboard.press('Control+n');
    await page.getByRole('heading', { name: 'Contact', level: 2 }).waitFor();

    const type = async (selector: string, text: string) => {
      await tabTo(page, selector);
      await page.keyboard.type(text);
    };
    // Contact
    await type('#f-contact_info-business_name', 'Keyboard Café');
    await type('#f-contact_info-contact_person', 'Ada Byron');
    await type('#f-contact_info-email', 'ada@keyboard.cafe');
    await page.keyboard.press('Alt+ArrowRight');
    // Business
    await page.getByRole('heading', { name: 'Business', level: 2 }).waitFor();
    await type('#f-business_context-industry', 'Hospitality');
    await type('#f-business_context-team_size', '12');
    await type('#f-business_context-digital_presence', 'Website');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Instagram');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Alt+ArrowRight');
    // Pain points: a list, then urgency by arrow keys in the radio group
    await page.getByRole('heading', { name: 'Pain points', level: 2 }).waitFor();
    await type('#f-pain_points-primary_challenges', 'Queues at lunch');
    await page.keyboard.press('Enter');
    await tabTo(page, '#f-pain_points-urgency_level');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    // Goals, with a date typed into the date input
    await page.getByRole('heading', { name: 'Goals', level: 2 }).waitFor();
    await type('#f-goals_objectives-primary_goals', 'Online pre-orders');
    await page.keyboard.press('Enter');
    await tabTo(page, '#f-goals_objectives-timeline-desired_start');
    await page.keyboard.type('03152027');
    await page.keyboard.press('Alt+ArrowRight');
    await page.getByRole('heading', { name: 'Review', level: 2 }).waitFor();
    await saved(page);
    await preview.shot('10-review');
    await page.keyboard.press('Control+s');
    await page.getByText('Version 2').waitFor();

    await tabTo(page, 'button[data-action=complete]:not([disabled])');
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog').waitFor();
    await tabTo(page, '[role=alertdialog] button.primary');
    await page.keyboard.press('Enter');
    await page.locator('.badge.status-completed').first().waitFor();

    const detail = consultationsOf(preview.host).list().items[0]!;
    expect(detail).toMatchObject({ businessName: 'Keyboard Café', status: 'completed', urgency: 'high' });
    const record = consultationsOf(preview.host).get({ consultationId: detail.id }).consultation.sections;
    expect(record.business_context).toMatchObject({ industry: 'Hospitality', team_size: 12, digital_presence: ['Website', 'Instagram'] });
    expect(record.goals_objectives.timeline?.desired_start).toBe('2027-03-15');
    expect(preview.errors).toEqual([]);
  });

  it('"what is missing" leads to the field; complete, reopen and archive ask first', async () => {
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        const s = fullSections('Missing Bits Ltd');
        delete s.business_context.industry;
        consultationsOf(host).create({ sections: s });
      },
    });
    const { page } = preview;
    await preview.open();
    await page.getByTestId('consultation-row').first().click();
    const missing = page.getByRole('button', { name: /^Industry/ });
    await missing.click();
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-business_context-industry');
    expect(page.url()).toMatch(/#\/c\/.+\/business$/);
    await preview.shot('11-missing-field-focused');
    await page.keyboard.type('Retail');
    await saved(page);
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Version 2').waitFor();

    await page.getByRole('button', { name: 'Mark completed' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Mark completed' }).click();
    await page.locator('.meta .badge.status-completed').waitFor();
    await expect.poll(() => page.getByLabel('Industry').isDisabled()).toBe(true);
    await preview.shot('12-completed');

    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.meta .badge.status-completed').waitFor();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reopen' }).click();
    await page.locator('.meta .badge.status-draft').waitFor();

    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Archive' }).click();
    await page.locator('.meta .badge.status-archived').waitFor();
    await page.getByText('This consultation is archived. Unarchive it to make changes.').waitFor();
    const versions = consultationsOf(preview.host).listVersions({ consultationId: consultationsOf(preview.host).list().items[0]!.id });
    // Status moves are events in the history, not versions.
    expect(versions.map((v) => v.changeSummary)).toEqual([expect.stringMatching(/^Created/), 'Business: Industry']);
    const moves = consultationsOf(preview.host).statusEvents({ consultationId: consultationsOf(preview.host).list().items[0]!.id });
    expect(moves.map((e) => `${e.from}->${e.to}`)).toEqual(['draft->completed', 'completed->draft', 'draft->archived']);
  });

  it('history shows a side-by-side diff of any two versions and restores an old one as a new version', async () => {
    let id = '';
    preview = await startPreview({
      seed: (host) => {
        host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        const c = consultationsOf(host).create({ sections: { contact_info: { business_name: 'Orbit Labs', email: 'hi@orbit.io' } } }).consultation;
        consultationsOf(host).autosave({
          consultationId: c.id,
          edits: editsForSections({ contact_info: { business_name: 'Orbit Labs', email: 'team@orbit.io' } }),
        });
        consultationsOf(host).saveVersion({ consultationId: c.id, expectedVersion: 1, note: 'New shared inbox' });
        id = c.id;
      },
    });
    const { page } = preview;
    await preview.open(`/c/${id}/history`);
    const table = page.locator('table.diff-table');
    await table.waitFor();
    expect(await table.locator('tbody tr th').allTextContents()).toEqual(['Contact › Email']);
    // Side by side, with the changed words marked on each side.
    expect(await table.locator('td.before').textContent()).toBe('hi@orbit.io');
    expect(await table.locator('td.after').textContent()).toBe('team@orbit.io');
    expect(await table.locator('td.before del').allTextContents()).toEqual(['hi']);
    expect(await table.locator('td.after ins').allTextContents()).toEqual(['team']);
    await page.getByText('“New shared inbox”').waitFor();
    await preview.shot('13-history-diff');
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await page.locator('.versions li').filter({ hasText: 'Restored version 1' }).waitFor();
    const c = consultationsOf(preview.host).get({ consultationId: id }).consultation;
    expect(c.currentVersion).toBe(3);
    expect(c.sections.contact_info.email).toBe('hi@orbit.io');
    expect(consultationsOf(preview.host).listVersions({ consultationId: id })).toHaveLength(3);
  });
});

describe('dashboard', () => {
  it('search and filters find the right rows among 1,000 seeded ones', async () => {
    preview = await startPreview({
      seed: (host) => {
        const user = host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
        seedConsultations(host.services.database.sqlite, user.id, 1000);
        consultationsOf(host).create({
          sections: {
            contact_info: { business_name: 'Zanzibar Kite School' },
            business_context: { industry: 'Travel' },
            pain_points: { urgency_level: 'critical', primary_challenges: ['Wind forecasts are unreliable'] },
          },
        });
      },
    });
    const { page } = preview;
    await preview.open();
    const rows = page.getByTestId('consultation-row');
    await rows.first().waitFor();
    await preview.shot('14-dashboard-1000');
    const counts = consultationsOf(preview.host).counts();
    expect(await page.getByRole('button', { name: /^Active/ }).textContent()).toContain(String(counts.draft + counts.completed));

    await page.getByLabel('Search consultations').focus();
    await page.keyboard.type('forecasts unreli');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Zanzibar Kite School')]);
    await page.getByLabel('Search consultations').fill('');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);

    const firstNames = async () => rows.locator('[role=cell]:nth-child(1)').allTextContents();
    await page.getByLabel('Industry').selectOption('Retail');
    await page.getByLabel('Urgency').selectOption('critical');
    const expected = consultationsOf(preview.host).list({ industry: 'Retail', urgency: 'critical', status: 'active', limit: 200 }).items;
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.every((e) => e.status !== 'archived')).toBe(true);
    // The rows shown are the first of the expected ones, in the same order.
    await expect
      .poll(async () => {
        const names = await firstNames();
        return names.length > 0 && names.every((name, i) => name.startsWith(expected[i]!.businessName!));
      })
      .toBe(true);
    expect(await rows.locator('[role=cell]:nth-child(3)').allTextContents()).toEqual((await firstNames()).map(() => 'Retail'));
    await page.getByRole('button', { name: /^Archived/ }).click();
    const archived = consultationsOf(preview.host).list({ industry: 'Retail', urgency: 'critical', status: 'archived', limit: 200 }).items;
    await expect.poll(async () => (await firstNames()).map((n) => n.replace(/Changed since version \d+/, ''))).toEqual(archived.map((e) => e.businessName));
    await preview.shot('15-dashboard-filtered');
  });
});

describe('accessibility', () => {
  it('axe finds no serious or critical violations on any screen, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      let id = '';
      preview = await startPreview({
        bypassCSP: true,
        colorScheme,
        seed: (host) => {
          const s = fullSections('Axe & Co');
          host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
          id = consultationsOf(host).create({ sections: s }).consultation.id;
          consultationsOf(host).autosave({ consultationId: id, edits: editsForSections({ contact_info: { ...s.contact_info, email: 'bad@' } }) });
        },
      });
      const { page } = preview;
      const screens: [string, string, string][] = [
        ['dashboard', '/', '[data-testid=consultation-row]'],
        ['contact', `/c/${id}/contact`, '#f-contact_info-email'],
        ['business', `/c/${id}/business`, '#f-business_context-industry'],
        ['pain-points', `/c/${id}/pain-points`, '#f-pain_points-impact_assessment'],
        ['goals', `/c/${id}/goals`, '#f-goals_objectives-budget_range'],
        ['review', `/c/${id}/review`, '.review'],
        ['history', `/c/${id}/history`, '.versions'],
        ['settings', '/settings', '#settings-name'],
      ];
      await preview.open();
      for (const [name, path, ready] of screens) {
        await page.evaluate(`window.location.hash = ${JSON.stringify(path)}`);
        await page.locator(ready).first().waitFor();
        if (name === 'contact')
          await page
            .getByLabel(/Email/)
            .first()
            .focus()
            .then(() => page.keyboard.press('Tab'));
        await preview.shot(`20-${colorScheme}-${name}`);
        expect({ screen: `${colorScheme} ${name}`, violations: await seriousA11yViolations(page) }).toEqual({
          screen: `${colorScheme} ${name}`,
          violations: [],
        });
      }
      await preview.close();
      preview = null;
    }
    // The welcome screen, before any profile exists.
    preview = await startPreview({ bypassCSP: true });
    await preview.open();
    await preview.page.getByLabel('Your name').waitFor();
    expect(await seriousA11yViolations(preview.page)).toEqual([]);
    await completeWelcome(preview.page);
    expect(await seriousA11yViolations(preview.page)).toEqual([]);
  });
});
