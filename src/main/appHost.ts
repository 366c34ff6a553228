import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type LocalDatabase } from './db/client';
import { findMigrationsFolder, readMigrations } from './db/migrate';
import { createServices, type Services } from './services';
import { createDispatch, type DesktopFiles, type Dispatch } from './handlers';
import { EventBus } from './eventBus';
import { BackupService, inspectBackup } from './backup/backupService';
import { ExportsService } from './exports/exportsService';
import { findShippedFolder } from './appResources';
import { AppFailure } from '../shared/errors';
import { SyncService } from './sync/syncService';
import { ConflictsService } from './sync/conflictsService';
import { FileSecretStore, type SecretStore } from './settings/secretStore';
import type { AppInfo } from '../shared/contract';

export const DATABASE_FILE = 'fieldbook.db';

export interface AppHostOptions {
  dataFolder: string;
  shell: AppInfo['shell'];
  version: string;
  migrationsFolder?: string;
  fontsFolder?: string;
  validateOutput?: boolean;
  /** Daily automatic backups into <data>/backups (default on). */
  autoBackup?: boolean;
  /** Where the Turso token is kept (Electron passes safeStorage; default a 0600 file in the data folder). */
  secrets?: SecretStore;
  /** Run the background sync job (default on; it does nothing until sync is set up). */
  backgroundSync?: boolean;
  /** Where `secrets` keeps the token, as Settings tells the consultant (default a 0600 file). */
  secretStorage?: AppInfo['secretStorage'];
  /** Native save dialogs and "Show in folder" (the Electron shell only). */
  desktop?: DesktopFiles;
}

const HOUR_MS = 60 * 60 * 1000;

export interface HostServices extends Services {
  exports: ExportsService;
  backups: BackupService;
  conflicts: ConflictsService;
}

export interface AppHost {
  /** The services over the database open now (a restore replaces them). */
  readonly services: HostServices;
  dispatch: Dispatch;
  events: EventBus;
  sync: SyncService;
  /** Stops background work (waiting for a sync in progress), then closes the database. */
  stop(): Promise<void>;
  /** Replaces the live database with a checked backup; the current one is kept in backups/ first. */
  restoreFrom(bytes: Buffer): Promise<{ consultations: number; safetyCopy: string }>;
  close(): void;
}

/** Everything the main process runs, independent of Electron: the shell and the preview both start this. */
export function startAppHost(options: AppHostOptions): AppHost {
  mkdirSync(options.dataFolder, { recursive: true });
  const databaseFile = join(options.dataFolder, DATABASE_FILE);
  const backupsFolder = join(options.dataFolder, 'backups');
  const migrationsFolder = options.migrationsFolder ?? findMigrationsFolder();
  const migrations = readMigrations(migrationsFolder);
  const fontsFolder = options.fontsFolder ?? findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');

  let database: LocalDatabase = openDatabase(databaseFile, { migrationsFolder });
  const build = (): HostServices => {
    const core = createServices(database);
    return {
      ...core,
      exports: new ExportsService(database, core.consultations, core.users, fontsFolder),
      backups: new BackupService(() => database, backupsFolder),
      conflicts: new ConflictsService(database, () => core.users.requireCurrentId()),
    };
  };
  let services = build();
  const events = new EventBus();
  const sync = new SyncService(
    () => database,
    () => services.settings,
    options.secrets ?? new FileSecretStore(options.dataFolder),
    migrations,
    (status) => events.emit('sync.status', status),
    () => events.emit('consultations.changed', { ids: [] }),
  );
  const appInfo = (): AppInfo => ({
    name: 'Fieldbook',
    version: options.version,
    dataFolder: options.dataFolder,
    schemaVersion: database.migration.schemaVersion,
    shell: options.shell,
    secretStorage: options.secretStorage ?? 'file',
  });
  const host: AppHost = {
    get services() {
      return services;
    },
    dispatch: null as unknown as Dispatch,
    events,
    sync,
    async stop() {
      await sync.stop();
      host.close();
    },
    async restoreFrom(bytes) {
      const incoming = join(options.dataFolder, 'restore-incoming.db');
      writeFileSync(incoming, bytes);
      try {
        const { consultations } = inspectBackup(incoming, migrations);
        mkdirSync(backupsFolder, { recursive: true });
        const safetyCopy = join(backupsFolder, `before-restore-${Date.now()}.db`);
        await services.backups.backupTo(safetyCopy);
        database.close();
        for (const suffix of ['-wal', '-shm']) rmSync(databaseFile + suffix, { force: true });
        renameSync(incoming, databaseFile);
        try {
          database = openDatabase(databaseFile, { migrationsFolder });
        } catch (error) {
          // Put the previous database back: a restore must never leave the app without its data.
          copyFileSync(safetyCopy, databaseFile);
          database = openDatabase(databaseFile, { migrationsFolder });
          services = build();
          throw new AppFailure('validation', `This backup could not be opened (${(error as Error).message}). Your data is as it was.`);
        }
        services = build();
        events.emit('consultations.changed', { ids: [] });
        return { consultations, safetyCopy };
      } finally {
        if (existsSync(incoming)) rmSync(incoming, { force: true });
      }
    },
    close() {
      void sync.scheduler.stop();
      database.close();
    },
  };
  host.dispatch = createDispatch({ services: () => services, host, appInfo, validateOutput: options.validateOutput, desktop: options.desktop });
  if (options.backgroundSync !== false) sync.scheduler.start();
  if (options.autoBackup !== false) {
    const backupNow = () => services.backups.ensureDaily().catch((error: unknown) => console.error('Automatic backup failed', error));
    void backupNow();
    const timer = setInterval(backupNow, HOUR_MS);
    timer.unref();
    const close = host.close;
    host.close = () => {
      clearInterval(timer);
      close();
    };
  }
  return host;
}
