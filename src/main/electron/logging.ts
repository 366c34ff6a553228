import type { NodeLogger } from 'electron-log';
import { redactValue } from '../logging/redact';

/** The log file rotates past this size (the previous one is kept as main.old.log). */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Sends the main process's log to a rotating file in the app's logs folder (and the console in development),
 * every value redacted first. console.* is routed there too, so existing messages reach the file.
 */
export function configureLogging(
  log: Pick<NodeLogger, 'transports' | 'hooks' | 'functions'>,
  options: { logFile?: string; isPackaged: boolean; maxBytes?: number },
): void {
  log.transports.file.level = 'info';
  log.transports.file.maxSize = options.maxBytes ?? LOG_MAX_BYTES;
  if (options.logFile) {
    const file = options.logFile;
    log.transports.file.resolvePathFn = () => file;
  }
  log.transports.console.level = options.isPackaged ? false : 'debug';
  log.hooks.push((message) => ({ ...message, data: message.data.map(redactValue) }));
  Object.assign(console, log.functions);
}
