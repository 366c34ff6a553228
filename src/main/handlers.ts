import type { WriterTurns } from './db/writerTurns';
import { AppFailure, validationFailure, type AppError } from '@shared/errors';
import { MAX_UPLOAD_BYTES, isOperationName, operations, type OperationName, type OperationOutput, type ParsedInput, type WireResult } from '@shared/contract';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppHost, HostServices } from './appHost';
import type { AppInfo, FilePayload } from '@shared/contract';
import { BrandingStore } from './pdf/brandingStore';
import { assessReadiness, freeBytesAt, missingFontsIn } from './fieldReady/fieldReadiness';

// The contract served by the services: validate the input, call, map errors to values. Both transports
// call `dispatch`; neither knows what an operation does.

/** One handler per operation, typed from the contract: it receives the parsed input and returns the output. */
export type Handlers = {
  [K in OperationName]: (input: ParsedInput<K>) => OperationOutput<K> | Promise<OperationOutput<K>>;
};

export interface HandlerContext {
  /** The services now (a restored backup replaces them). */
  services: () => HostServices;
  host: Pick<AppHost, 'restoreFrom' | 'sync'>;
  appInfo: () => AppInfo;
  /** Check outputs against the contract too (development and tests; off in packaged builds for speed). */
  validateOutput?: boolean;
  log?: (message: string, error: unknown) => void;
  /** Told after an operation changed consultations, so every window can show it at once. */
  changed?: (ids: string[]) => void;
  /** Native file dialogs (the Electron shell); the preview downloads instead. */
  desktop?: DesktopFiles;
  /** Where the PDF fonts are shipped, for the field-ready check. */
  fontsFolder?: string;
  /** Writes here are announced: a pull worker lets them through first (WRITES_HERE). */
  writers?: WriterTurns;
}

export interface DesktopFiles {
  save(file: FilePayload): Promise<{ path: string | null }>;
  open(purpose: 'import' | 'restore'): Promise<{ path: string | null; name: string | null }>;
  /** A file the consultant chose through `open` in this session, as a regular file's path; refuses any other. */
  chosen(path: string): string;
  showInFolder(path: string): { shown: boolean };
}

/** A chosen export as text: the same size limit as an upload, checked before reading, so a huge file gets words. */
function chosenText(file: string): string {
  if (statSync(file).size > MAX_UPLOAD_BYTES) throw new AppFailure('validation', 'This file is too large to be a Fieldbook export.');
  return readFileSync(file, 'utf8');
}

const desktopOnly = (): never => {
  throw new AppFailure('unavailable', 'Only the desktop app saves through a dialog; this browser downloads the file instead.');
};

/** Operations that change a consultation named by their input's consultationId. */
const CHANGES_ONE: ReadonlySet<OperationName> = new Set([
  'consultations.autosave',
  'consultations.saveVersion',
  'consultations.discardChanges',
  'consultations.complete',
  'consultations.reopen',
  'consultations.archive',
  'consultations.unarchive',
  'consultations.delete',
  'consultations.restoreVersion',
  'consultations.signOff',
]);

/** Operations that may change consultations other than one named in the input (every window re-reads). */
const CHANGES_SOME: ReadonlySet<OperationName> = new Set([
  'consultations.create',
  'consultations.createFollowUp',
  'consultations.resolveConflict',
  'exports.importJson',
  'exports.importFile',
]);

/**
 * Operations that write on the main process's connection: announced to a pull worker (db/writerTurns.ts), which
 * lets them through before its next transaction. Not the others: a "Sync now" waits for the very pull the
 * worker applies, and an import writes from its own worker.
 */
const WRITES_HERE: ReadonlySet<OperationName> = new Set([
  ...CHANGES_ONE,
  'consultations.create',
  'consultations.createFollowUp',
  'consultations.resolveConflict',
  'users.saveProfile',
  'settings.savePdfBranding',
  'sync.saveSettings',
]);

export function createHandlers({ services: now, host, appInfo, desktop, fontsFolder }: HandlerContext): Handlers {
  const c = () => now().consultations;
  return {
    'app.info': () => appInfo(),
    'users.current': () => now().users.current(),
    'users.saveProfile': (input) => now().users.saveProfile(input),
    'consultations.create': (input) => c().create(input ?? {}),
    'consultations.get': (input) => c().get(input),
    'consultations.list': (input) => c().list(input),
    'consultations.counts': () => c().counts(),
    'consultations.industries': () => c().industries(),
    'consultations.autosave': (input) => c().autosave(input),
    'consultations.saveVersion': (input) => c().saveVersion(input),
    'consultations.discardChanges': (input) => c().discardChanges(input),
    'consultations.complete': (input) => c().complete(input),
    'consultations.reopen': (input) => c().reopen(input),
    'consultations.archive': (input) => c().archive(input),
    'consultations.unarchive': (input) => c().unarchive(input),
    'consultations.delete': (input) => c().delete(input),
    'consultations.listVersions': (input) => c().listVersions(input),
    'consultations.statusEvents': (input) => c().statusEvents(input),
    'consultations.getVersion': (input) => c().getVersion(input),
    'consultations.diffVersions': (input) => c().diffVersions(input),
    'consultations.restoreVersion': (input) => c().restoreVersion(input),
    'exports.summaryPdf': (input) => now().exports.summaryPdf(input),
    'exports.printSummary': (input) => now().exports.printSummary(input),
    'exports.csv': (input) => now().exports.csv(input),
    'exports.json': () => now().exportsOffThread.exportAllFile(),
    'exports.importJson': (input) => now().exportsOffThread.importAll(input),
    'backups.list': () => now().backups.list(),
    'backups.create': async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fieldbook-backup-'));
      try {
        const file = join(dir, 'fieldbook.db');
        await now().backups.backupTo(file);
        return {
          fileName: `fieldbook-backup-${new Date().toISOString().slice(0, 10)}.db`,
          mimeType: 'application/vnd.sqlite3',
          base64: readFileSync(file).toString('base64'),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    'sync.getSettings': () => host.sync.getSettings(),
    'sync.saveSettings': (input) => host.sync.saveSettings(input),
    'sync.testConnection': (input) => host.sync.testConnection(input),
    'sync.now': () => host.sync.syncNow(),
    'sync.status': () => host.sync.scheduler.status,
    'consultations.conflicts': (input) => now().conflicts.list(input),
    'consultations.resolveConflict': (input) => now().conflicts.resolve(input),
    'backups.restore': (input) => host.restoreFrom(Buffer.from(input.base64, 'base64')),
    'backups.restoreListed': (input) => host.restoreFrom(now().backups.readListed(input.file)),
    'settings.pdfBranding': () => new BrandingStore(now().settings).get(),
    'settings.savePdfBranding': (input) => new BrandingStore(now().settings).save(input),
    'consultations.signOff': (input) => c().signOff(input),
    'consultations.createFollowUp': (input) => c().createFollowUp(input),
    'settings.fieldReadiness': async (input) => {
      if (input?.fix === 'backup') await now().backups.ensureDaily();
      const info = appInfo();
      const settings = host.sync.getSettings();
      return assessReadiness({
        now: new Date(),
        sync: host.sync.scheduler.status,
        syncConfigured: settings.enabled && settings.url !== '',
        newestBackupAt: now().backups.newest()?.createdAt ?? null,
        freeBytes: await freeBytesAt(info.dataFolder),
        secretStorage: info.secretStorage,
        hasToken: settings.hasToken,
        missingFonts: missingFontsIn(fontsFolder),
      });
    },
    'files.save': (input) => (desktop ? desktop.save(input) : desktopOnly()),
    'files.showInFolder': (input) => (desktop ? desktop.showInFolder(input.path) : desktopOnly()),
    'files.open': (input) => (desktop ? desktop.open(input.purpose) : desktopOnly()),
    'exports.importFile': (input) => (desktop ? now().exportsOffThread.importAll({ text: chosenText(desktop.chosen(input.path)) }) : desktopOnly()),
    'backups.restoreFile': (input) => (desktop ? host.restoreFrom({ file: desktop.chosen(input.path) }) : desktopOnly()),
  };
}

export type Dispatch = (operation: unknown, input: unknown) => Promise<WireResult>;

export function createDispatch(context: HandlerContext): Dispatch {
  const handlers = createHandlers(context);
  const log = context.log ?? ((message, error) => console.error(message, error));
  return async (operation, input) => {
    try {
      if (!isOperationName(operation)) throw new AppFailure('not_found', 'Unknown operation.');
      const spec = operations[operation];
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) throw validationFailure(parsed.error, 'Some fields need attention');
      // The parsed input matches this operation's handler; TypeScript cannot follow the key through the union.
      const handler = handlers[operation] as (input: unknown) => unknown;
      const writers = WRITES_HERE.has(operation) ? context.writers : undefined;
      const value = await (writers ? writers.during(() => handler(parsed.data)) : handler(parsed.data));
      if (context.validateOutput) {
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          log(`Output of ${operation} breaks the contract`, checked.error);
          throw new AppFailure('internal', 'Something went wrong on our side. Your saved work is safe.');
        }
      }
      if (CHANGES_ONE.has(operation)) context.changed?.([(parsed.data as { consultationId: string }).consultationId]);
      else if (CHANGES_SOME.has(operation)) context.changed?.([]);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toErrorValue(error, operation, log) };
    }
  };
}

function toErrorValue(error: unknown, operation: unknown, log: NonNullable<HandlerContext['log']>): AppError {
  if (error instanceof AppFailure) return error.toValue();
  const code = (error as { code?: unknown })?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { code: 'unavailable', message: 'The database is busy. Try again in a moment.' };
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return { code: 'unavailable', message: 'The disk is full. Free some space; nothing already saved was lost.' };
  }
  if (code === 'SQLITE_READONLY' || code === 'EACCES' || code === 'EROFS') {
    return { code: 'unavailable', message: 'The data folder cannot be written to. Check its permissions; nothing already saved was lost.' };
  }
  // Details stay in the log: the renderer gets no stack trace.
  log(`Operation ${String(operation)} failed`, error);
  return { code: 'internal', message: 'Something went wrong on our side. Your saved work is safe.' };
}
