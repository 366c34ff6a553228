import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAppHost, type AppHost } from '../src/main/appHost';
import { startHttpBridge, type HttpBridge } from '../src/main/web/httpBridge';
import { atBoundary } from '../test/tempDatabase';

/** The consultation operations of a host as the renderer calls them (inputs parsed by the contract). */
export const consultationsOf = (host: AppHost) => atBoundary(host.services.consultations, 'consultations');
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM, chromiumPdfPrinter } from '../src/main/pdf/chromiumPrinter';

export const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts', 'e2e');

export interface Preview {
  host: AppHost;
  bridge: HttpBridge;
  browser: Browser;
  page: Page;
  dataFolder: string;
  errors: string[];
  open(path?: string): Promise<void>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The browser preview on loopback with a fresh data folder, and a Chromium page on it. */
export async function startPreview(
  options: { colorScheme?: 'light' | 'dark'; seed?: (host: AppHost) => void; bypassCSP?: boolean; dataFolder?: string } = {},
): Promise<Preview> {
  // A folder filled beforehand (the UI bench) makes start-up open real data; it is removed on close like a fresh one.
  const dataFolder = options.dataFolder ?? mkdtempSync(join(tmpdir(), 'fieldbook-e2e-'));
  const host = startAppHost({ dataFolder, shell: 'browser-preview', version: '0.0.0-e2e', validateOutput: true, pdfPrinter: chromiumPdfPrinter(CHROMIUM) });
  options.seed?.(host);
  const bridge = await startHttpBridge({ host, rendererDir: resolve(import.meta.dirname, '..', 'out', 'renderer') });
  // A UTF-8 locale, so downloads keep non-Latin file names (under LANG=C Chromium names them "download").
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    host,
    bridge,
    browser,
    page,
    dataFolder,
    errors,
    async open(path = '/') {
      await page.goto(`${bridge.url}/#token=${bridge.token}`);
      if (path !== '/') await page.evaluate(`window.location.hash = ${JSON.stringify(path)}`);
    },
    async shot(name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
    },
    async close() {
      await browser.close();
      await bridge.close();
      host.close();
      rmSync(dataFolder, { recursive: true, force: true });
    },
  };
}

/** First-run profile through the welcome screen. */
export async function completeWelcome(page: Page, name = 'Ada Lovelace', email = 'ada@fieldbook.test') {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Your work email').fill(email);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('heading', { name: 'Your first consultation' }).waitFor();
}

/** Presses Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo(page: Page, selector: string, max = 80) {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const AXE_SOURCE = readFileSync(resolve(import.meta.dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core on the page; returns serious and critical violations (needs a bypassCSP context). */
export async function seriousA11yViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE_SOURCE });
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
