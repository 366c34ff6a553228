import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousA11yViolations, startPreview, type Preview, consultationsOf } from './harness';
import { fullSections } from '../test/arbitraries';
import { editsForSections } from '@shared/consultation/edits';

// axe on every screen, light and dark, at 1280 and 900 px wide; and at each, nothing cut off at the right.

let preview: Preview | null = null;
afterEach(async () => {
  await preview?.close();
  preview = null;
});

/** Controls, headings and labels whose box reaches past the window's right edge, or a page that scrolls sideways. */
const cutOff = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    const name = (el) => el.tagName.toLowerCase() + ' "' + (el.textContent ?? '').trim().slice(0, 30) + '"';
    if (document.documentElement.scrollWidth > width + 1) out.push('page scrolls sideways (' + document.documentElement.scrollWidth + ' > ' + width + ')');
    for (const el of document.querySelectorAll('button, a, label, input, select, textarea, h1, h2, h3, legend')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || el.closest('.visually-hidden')) continue;
      if (box.right > width + 1) out.push(name(el) + ' ends at ' + Math.round(box.right) + ' of ' + width);
      if (el.tagName !== 'INPUT' && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden') out.push(name(el) + ' is clipped');
    }
    // Table cells: text must fit its cell (wrapping is fine, an ellipsis or a hidden line is not).
    for (const el of document.querySelectorAll('[role=cell], [role=columnheader]')) {
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) out.push(name(el) + ' is cut off');
    }
    return out;
  })()`);

describe('accessibility and layout on every screen', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`${colorScheme}: axe finds no serious or critical violations and nothing is cut off, at 1280 and 900 px`, async () => {
      let id = '';
      let moved = '';
      preview = await startPreview({
        bypassCSP: true,
        colorScheme,
        seed: (host) => {
          const s = fullSections('Axe & Co Logistik und Spedition GmbH');
          host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
          for (const level of ['low', 'medium', 'critical'] as const) {
            moved = consultationsOf(host).create({ sections: { ...fullSections(`Row ${level}`), pain_points: { ...s.pain_points, urgency_level: level } } })
              .consultation.id;
          }
          // Status moves shown in History between versions.
          for (const move of ['complete', 'reopen', 'archive'] as const) consultationsOf(host)[move]({ consultationId: moved });
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
        ['history-status-moves', `/c/${moved}/history`, '.versions .status-event'],
        ['settings', '/settings', '#settings-name'],
      ];
      await preview.open();
      const found: Record<string, unknown> = {};
      for (const width of [1280, 900]) {
        await page.setViewportSize({ width, height: 860 });
        for (const [name, path, ready] of screens) {
          await page.evaluate(`window.location.hash = ${JSON.stringify(path)}`);
          await page.locator(ready).first().waitFor();
          if (name === 'contact')
            await page
              .getByLabel(/Email/)
              .first()
              .focus()
              .then(() => page.keyboard.press('Tab'));
          if (name === 'dashboard') await page.getByTestId('consultation-row').first().focus();
          await preview.shot(`50-${colorScheme}-${width}-${name}`);
          const violations = await seriousA11yViolations(page);
          const clipped = await cutOff(page);
          if (violations.length || clipped.length) found[`${name} ${width}`] = { violations, clipped };
        }
      }
      expect(found).toEqual({});
      // The command palette, open over the dashboard, at both widths.
      for (const width of [1280, 900]) {
        await page.setViewportSize({ width, height: 860 });
        await page.evaluate(`window.location.hash = '/'`);
        await page.getByTestId('consultation-row').first().waitFor();
        await page.keyboard.press('Control+k');
        await page.getByRole('combobox', { name: 'Jump to a consultation or run a command' }).waitFor();
        await page.keyboard.type('Row');
        await page.getByRole('option', { name: /Row critical/ }).waitFor();
        await preview.shot(`50-${colorScheme}-${width}-palette`);
        expect({ width, violations: await seriousA11yViolations(page) }).toEqual({ width, violations: [] });
        await page.keyboard.press('Escape');
      }
    });
  }

  it('the welcome screen, light and dark, at 900 px', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      preview = await startPreview({ bypassCSP: true, colorScheme });
      await preview.page.setViewportSize({ width: 900, height: 860 });
      await preview.open();
      await preview.page.getByLabel('Your name').waitFor();
      await preview.shot(`50-${colorScheme}-900-welcome`);
      expect({ colorScheme, violations: await seriousA11yViolations(preview.page), clipped: await cutOff(preview.page) }).toEqual({
        colorScheme,
        violations: [],
        clipped: [],
      });
      await preview.close();
      preview = null;
    }
  });
});
