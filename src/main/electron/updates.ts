import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: unknown;
  checkForUpdatesAndNotify(): Promise<unknown>;
}

export const UPDATE_CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * Turns electron-updater on only for a packaged build that carries a feed (app-update.yml, written by
 * electron-builder when FIELDBOOK_UPDATE_URL was set): never in development, never without a feed. Checks
 * at start and every few hours; failures (offline in the field) only reach the log.
 */
export function startUpdates(
  getUpdater: () => Updater,
  options: { isPackaged: boolean; resourcesPath: string; log: { warn(...args: unknown[]): void } },
): { state: 'off: development build' | 'off: no update feed' | 'on'; stop(): void } {
  if (!options.isPackaged) return { state: 'off: development build', stop() {} };
  if (!existsSync(join(options.resourcesPath, 'app-update.yml'))) return { state: 'off: no update feed', stop() {} };
  // Created only now: with no feed, no updater object exists at all.
  const updater = getUpdater();
  updater.logger = options.log;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  const check = () => void updater.checkForUpdatesAndNotify().catch((error: unknown) => options.log.warn('Update check failed', error));
  check();
  const timer = setInterval(check, UPDATE_CHECK_EVERY_MS);
  timer.unref();
  return { state: 'on', stop: () => clearInterval(timer) };
}
