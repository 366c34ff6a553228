import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPreview } from '../e2e/harness';
import { openDatabase } from '../src/main/db/client';
import { createServices } from '../src/main/services';
import { seedConsultations } from './seed';
import { AUTOSAVE_DELAY_MS, SEARCH_DEBOUNCE_MS } from '@shared/uiTimings';
import { median, type Row } from './measure';
import { CONSULTATIONS } from './storage';

// The renderer in Chromium against the preview with 100,000 consultations. Needs a built renderer
// (npm run bench builds it) and /usr/bin/chromium.

// Stamps, in page time, when list data arrives and when the list's DOM changes.
const OBSERVER = `
  window.__bench = { mutations: [], data: [], keydown: 0 };
  window.addEventListener('keydown', () => { window.__bench.keydown = performance.now(); }, true);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name.includes('/api/consultations.list')) window.__bench.data.push(e.responseEnd);
  }).observe({ type: 'resource', buffered: true });
  new MutationObserver((records) => {
    if (records.some((r) => r.target instanceof Element ? r.target.closest('[data-testid=consultation-table]') : r.target.parentElement?.closest('[data-testid=consultation-table]')))
      window.__bench.mutations.push(performance.now());
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

/** When the list changed on screen after the latest data arrived (or the arrival, if nothing had to change). */
const PAINT_AFTER_DATA = `(() => {
  const b = window.__bench;
  const data = b.data.at(-1);
  const paint = b.mutations.find((t) => t >= data);
  return { data, paint: paint ?? data };
})()`;

/** A data folder with the consultations already in it, so the app starts on them as a consultant's would. */
function seededDataFolder(rows: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'fieldbook-bench-ui-'));
  const database = openDatabase(join(folder, 'fieldbook.db'));
  const user = createServices(database).users.saveProfile({ name: 'Bench', email: 'bench@example.com' });
  seedConsultations(database.sqlite, user.id, rows);
  database.close();
  return folder;
}

export async function uiBench(): Promise<Row[]> {
  const rows = Number(process.env.BENCH_ROWS ?? CONSULTATIONS);
  // Seed first, then start: start-up (open, migration check, first list) runs on the full database.
  const dataFolder = seededDataFolder(rows);
  const started = performance.now();
  // bypassCSP: the app's CSP (rightly) forbids the string evaluation Playwright's waitForFunction uses.
  const preview = await startPreview({ bypassCSP: true, dataFolder });
  const hostStart = performance.now() - started;
  const { page } = preview;
  try {
    await page.addInitScript(OBSERVER);
    const opened = performance.now();
    await preview.open();
    await page.getByTestId('consultation-row').first().waitFor();
    const firstRows = performance.now() - opened;
    const paints: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await page.goto(`${preview.bridge.url}/#/`);
      await page.getByTestId('consultation-row').first().waitFor();
      await page.waitForTimeout(300);
      const { data, paint } = (await page.evaluate(PAINT_AFTER_DATA)) as { data: number; paint: number };
      paints.push(paint - data);
    }

    const searches: number[] = [];
    for (const word of ['lumière', 'harbour', 'clinic', 'queues', 'optics', 'maple', 'refunds']) {
      await page.getByLabel('Search consultations').fill('');
      await page.waitForTimeout(500);
      await page.getByLabel('Search consultations').pressSequentially(word, { delay: 30 });
      const typedAt = (await page.evaluate('window.__bench.keydown')) as number;
      await page.waitForFunction(`(window.__bench.data.at(-1) ?? 0) > ${typedAt}`, undefined, { timeout: 10_000 });
      await page.waitForTimeout(200);
      const { paint } = (await page.evaluate(PAINT_AFTER_DATA)) as { data: number; paint: number };
      searches.push(paint - typedAt - SEARCH_DEBOUNCE_MS);
    }

    const consultation = preview.host.services.consultations.create({ sections: { contact_info: { business_name: 'Bench typing' } } }).consultation;
    await preview.open(`/c/${consultation.id}/contact`);
    const field = page.getByLabel('Contact person');
    await field.waitFor();
    const saves: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      await field.press('x');
      const t0 = Date.now();
      await page.waitForFunction(`document.querySelector('[data-testid=save-indicator]').textContent.startsWith('Saved')`, undefined, {
        timeout: 10_000,
        polling: 5,
      });
      saves.push(Date.now() - t0);
      await page.waitForTimeout(50);
    }
    const save = median(saves);
    return [
      {
        name: 'Keystroke to "Saved" (includes the autosave pause)',
        ms: save,
        aim: `pause ${AUTOSAVE_DELAY_MS} ms + save`,
        note: `save itself ≈ ${Math.max(0, save - AUTOSAVE_DELAY_MS)} ms`,
      },
      { name: 'Dashboard: first list paint after data arrives', ms: median(paints), aim: '< 100 ms', note: `${rows.toLocaleString('en-US')} consultations` },
      {
        name: 'Start-up on the seeded data: open the page to first rows shown',
        ms: firstRows,
        note: `one run, cold renderer; before it, starting the app host, HTTP bridge and Chromium took ${Math.round(hostStart)} ms`,
      },
      { name: 'Search as you type: results after the debounce', ms: median(searches), aim: '< 50 ms', note: `debounce ${SEARCH_DEBOUNCE_MS} ms not counted` },
    ];
  } catch (error) {
    await preview.shot('bench-ui-failure');
    throw error;
  } finally {
    await preview.close();
  }
}
