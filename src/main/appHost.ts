import { join } from 'node:path';
import { openDatabase, waitForOtherWriters, type LocalDatabase } from './db/client';
import { WriterTurns } from './db/writerTurns';
import { findMigrationsFolder, readMigrations } from './db/migrate';
import { createServices, type Services } from './services';
import { createDispatch, type DesktopFiles, type Dispatch } from './handlers';
import { EventBus } from './eventBus';
import { BackupService } from './backup/backupService';
import { recoverInterruptedRestore, restoreBackup, type BackupSource } from './backup/restore';
import { ensurePrivateFolder } from './db/privateFiles';
import { ExportsService } from './exports/exportsService';
import { OffThreadExports } from './exports/offThreadExports';
import { findShippedFolder } from './appResources';
import { SyncService } from './sync/syncService';
import { forgetSyncIdentity } from './sync/syncEngine';
import { ConflictsService } from './sync/conflictsService';
import { FileSecretStore, type SecretStore } from './settings/secretStore';
import type { AppInfo } from '@shared/contract';
import { SummaryPdf } from './pdf/summaryPdf';
import { BrandingStore } from './pdf/brandingStore';
import type { PdfPrinter } from './pdf/pdfPrinter';

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
  /** Prints client PDFs: Electron's printToPDF in the app, Playwright's Chromium in the preview and tests. */
  pdfPrinter?: PdfPrinter;
  /** Where `secrets` keeps the token, as Settings tells the consultant (default a 0600 file). */
  secretStorage?: AppInfo['secretStorage'];
  /** Native save dialogs and "Show in folder" (the Electron shell only). */
  desktop?: DesktopFiles;
}

const HOUR_MS = 60 * 60 * 1000;

/** Without a printer (a host started for data work only) exporting a PDF says so instead of crashing. */
const missingPrinter: PdfPrinter = {
  print: () => Promise.reject(new Error('No PDF printer was given to this app host')),
  close: () => Promise.resolve(),
};

export interface HostServices extends Services {
  exports: ExportsService;
  /** JSON import and export in a worker thread with its own connection (the main thread keeps answering). */
  exportsOffThread: OffThreadExports;
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
  restoreFrom(source: BackupSource): Promise<{ consultations: number; safetyCopy: string }>;
  close(): void;
}

/** Everything the main process runs, independent of Electron: the shell and the preview both start this. */
export function startAppHost(options: AppHostOptions): AppHost {
  ensurePrivateFolder(options.dataFolder);
  const databaseFile = join(options.dataFolder, DATABASE_FILE);
  const backupsFolder = join(options.dataFolder, 'backups');
  const migrationsFolder = options.migrationsFolder ?? findMigrationsFolder();
  const migrations = readMigrations(migrationsFolder);
  const fontsFolder = options.fontsFolder ?? findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');

  const pdfPrinter = options.pdfPrinter ?? missingPrinter;
  recoverInterruptedRestore(databaseFile, backupsFolder);
  let database: LocalDatabase = openDatabase(databaseFile, { migrationsFolder });
  // Progress is only emitted once a job runs, after `events` below exists.
  const exportsOffThread = new OffThreadExports({
    databaseFile,
    migrationsFolder,
    progress: (p) => events.emit('imports.progress', p),
    // While the worker's import holds the write lock, a write here fails at once as "busy" (autosave retries)
    // instead of holding every window for the 5 s busy_timeout of db/client.ts.
    importing: (running) => waitForOtherWriters(database, !running),
  });
  const build = (over: LocalDatabase = database): HostServices => {
    const core = createServices(over);
    return {
      ...core,
      exports: new ExportsService(
        core.store,
        core.consultations,
        core.users,
        new SummaryPdf(pdfPrinter, fontsFolder, () => new BrandingStore(core.settings).get()),
      ),
      exportsOffThread,
      backups: new BackupService(() => database, backupsFolder),
      conflicts: new ConflictsService(core.store, () => core.users.requireCurrentId()),
    };
  };
  let services = build();
  const events = new EventBus();
  // The windows' writes go before a pull worker's next transaction instead of waiting out a whole one.
  const writers = new WriterTurns();
  const sync = new SyncService(
    () => database,
    () => services.settings,
    options.secrets ?? new FileSecretStore(options.dataFolder),
    migrations,
    (status) => events.emit('sync.status', status),
    () => events.emit('consultations.changed', { ids: [] }),
    { migrationsFolder, writers },
  );
  const appInfo = (): AppInfo => ({
    name: 'Fieldbook',
    version: options.version,
    dataFolder: options.dataFolder,
    schemaVersion: database.migration.schemaVersion,
    shell: options.shell,
    secretStorage: options.secretStorage ?? 'file',
  });
  // One restore at a time (a double click): each stages the same incoming file and closes the database open when it starts.
  let restoring: Promise<unknown> = Promise.resolve();
  const restoreFrom: AppHost['restoreFrom'] = (source) => {
    const run = restoring.then(() => restoreOne(source));
    restoring = run.catch(() => {});
    return run;
  };
  const restoreOne: AppHost['restoreFrom'] = (source) =>
    restoreBackup(source, {
      databaseFile,
      backupsFolder,
      migrationsFolder,
      migrations,
      current: database,
      build,
      adopt: (next, built) => {
        database = next;
        services = built;
        // A restored laptop is new to the team: it re-reads the log and gets back what it pushed since.
        forgetSyncIdentity(built.settings);
        events.emit('consultations.changed', { ids: [] });
      },
      // A pull worker's page and a running import are rolled back: the restore replaces everything they wrote.
      release: async () => {
        await Promise.all([sync.releaseDatabase(), exportsOffThread.close()]);
      },
    });
  const dispatch = createDispatch({
    services: () => services,
    host: { restoreFrom, sync },
    appInfo,
    validateOutput: options.validateOutput,
    changed: (ids) => events.emit('consultations.changed', { ids }),
    writers,
    desktop: options.desktop,
    fontsFolder,
  });
  // Daily automatic backups, checked hourly (the first right away).
  const backupNow = () => services.backups.ensureDaily().catch((error: unknown) => console.error('Automatic backup failed', error));
  const backupTimer = options.autoBackup === false ? null : setInterval(backupNow, HOUR_MS);
  backupTimer?.unref();
  const close = () => {
    if (backupTimer) clearInterval(backupTimer);
    void sync.scheduler.stop();
    void pdfPrinter.close();
    void exportsOffThread.close();
    database.close();
  };
  const host: AppHost = {
    // Every collaborator reaches the services through this getter: a restore swaps the one object behind it.
    get services() {
      return services;
    },
    dispatch,
    events,
    sync,
    async stop() {
      await sync.stop();
      close();
    },
    restoreFrom,
    close,
  };
  if (options.backgroundSync !== false) sync.scheduler.start();
  if (backupTimer) void backupNow();
  return host;
}
