import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from './db/client';
import { createServices, type Services } from './services';
import { createDispatch, type Dispatch } from './handlers';
import { EventBus } from './eventBus';
import type { AppInfo } from '../shared/contract';

export const DATABASE_FILE = 'fieldbook.db';

export interface AppHostOptions {
  dataFolder: string;
  shell: AppInfo['shell'];
  version: string;
  migrationsFolder?: string;
  validateOutput?: boolean;
}

export interface AppHost {
  services: Services;
  dispatch: Dispatch;
  events: EventBus;
  close(): void;
}

/** Everything the main process runs, independent of Electron: the shell and the preview both start this. */
export function startAppHost(options: AppHostOptions): AppHost {
  mkdirSync(options.dataFolder, { recursive: true });
  const database = openDatabase(join(options.dataFolder, DATABASE_FILE), { migrationsFolder: options.migrationsFolder });
  const services = createServices(database);
  const events = new EventBus();
  const appInfo = (): AppInfo => ({
    name: 'Fieldbook',
    version: options.version,
    dataFolder: options.dataFolder,
    schemaVersion: database.migration.schemaVersion,
    shell: options.shell,
  });
  const dispatch = createDispatch({ services, appInfo, validateOutput: options.validateOutput });
  let closed = false;
  return {
    services,
    dispatch,
    events,
    close() {
      if (closed) return;
      closed = true;
      database.close();
    },
  };
}
