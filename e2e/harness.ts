import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAppHost, type AppHost } from '../src/main/appHost';
import { startHttpBridge, type HttpBridge } from '../src/main/web/httpBridge';

export const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

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
export async function startPreview(options: { colorScheme?: 'light' | 'dark'; seed?: (host: AppHost) => void } = {}): Promise<Preview> {
  const dataFolder = mkdtempSync(join(tmpdir(), 'fieldbook-e2e-'));
  const host = startAppHost({ dataFolder, shell: 'browser-preview', version: '0.0.0-e2e', validateOutput: true });
  options.seed?.(host);
  const bridge = await startHttpBridge({ host, rendererDir: resolve(import.meta.dirname, '..', 'out', 'renderer') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: options.colorScheme ?? 'light' });
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
