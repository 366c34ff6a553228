import { startPreview } from '../e2e/harness';
import { seedConsultations } from './seed';
import { AUTOSAVE_DELAY_MS, SEARCH_DEBOUNCE_MS } from '../src/shared/uiTimings';
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

export async function uiBench(): Promise<Row[]> {
  // bypassCSP: the app's CSP (rightly) forbids the string evaluation Playwright's waitForFunction uses.
  const preview = await startPreview({
    bypassCSP: true,
    seed: (host) => {
      const user = host.services.users.saveProfile({ name: 'Bench', email: 'bench@example.com' });
      seedConsultations(host.services.database.sqlite, user.id, Number(process.env.BENCH_ROWS ?? CONSULTATIONS));
      host.services.database.sqlite.pragma('optimize');
    },
  });
  const { page } = preview;
  try {
    await page.addInitScript(OBSERVER);
    await preview.open();
    await page.getByTestId('consultation-row').first().waitFor();
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
      await page.waitForFunction(`document.querySelector('[data-testid=save-indicator]').textContent.startsWith('Saved')`, undefined, { timeout: 10_000, polling: 5 });
      saves.push(Date.now() - t0);
      await page.waitForTimeout(50);
    }
    const save = median(saves);
    return [
      { name: 'Keystroke to "Saved" (includes the autosave pause)', ms: save, aim: `pause ${AUTOSAVE_DELAY_MS} ms + save`, note: `save itself ≈ ${Math.max(0, save - AUTOSAVE_DELAY_MS)} ms` },
      { name: 'Dashboard: first list paint after data arrives', ms: median(paints), aim: '< 100 ms', note: `${CONSULTATIONS.toLocaleString('en-US')} consultations` },
      { name: 'Search as you type: results after the debounce', ms: median(searches), aim: '< 50 ms', note: `debounce ${SEARCH_DEBOUNCE_MS} ms not counted` },
    ];
  } catch (error) {
    await preview.shot('bench-ui-failure');
    throw error;
  } finally {
    await preview.close();
  }
}
