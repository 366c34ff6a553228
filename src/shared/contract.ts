import { z } from 'zod';
import {
  autosaveResultSchema,
  consultationDetailSchema,
  idSchema,
  listPageSchema,
  listQuerySchema,
  profileInputSchema,
  statusCountsSchema,
  userSchema,
  versionDiffSchema,
  versionSchema,
  versionSummarySchema,
} from './consultation/model';
import {
  autosaveInputSchema,
  consultationRefSchema,
  createInputSchema,
  diffInputSchema,
  restoreInputSchema,
  saveVersionInputSchema,
  statusChangeInputSchema,
  versionRefSchema,
} from './consultation/inputs';
import { appErrorSchema } from './errors';
import { importReportSchema } from './exportFile';
import { conflictSchema, saveSyncSettingsSchema, syncSettingsSchema, testConnectionSchema } from './sync';
import { pdfBrandingSchema } from './pdfBranding';
import { signOffInputSchema } from './consultation/signoff';
import { fieldReadinessInputSchema, fieldReadinessSchema } from './fieldReadiness';
import { statusEventViewSchema } from './consultation/statusEvents';

// The one contract between the renderer and the main process: operation -> { input, output }, plus the
// events main may send. Both transports (Electron IPC, the preview's HTTP bridge) serve exactly this.
// An operation's name is also its handler's and its service method's name.

const none = z.strictObject({}).optional();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Where this device keeps its data: shown in Settings. */
  dataFolder: z.string(),
  schemaVersion: z.number(),
  shell: z.enum(['electron', 'browser-preview']),
  /** Where the sync token is kept: the OS keychain, a 0600 file (preview), or only in memory until quit. */
  secretStorage: z.enum(['os-keychain', 'file', 'memory']).optional(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** A file for the renderer to save (a download in the preview, a save dialog in Electron). */
export const filePayloadSchema = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() });
export type FilePayload = z.infer<typeof filePayloadSchema>;

/** Uploads (JSON import, backup restore) may be large; everything else is bounded to 1 MiB. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
export const UPLOAD_OPERATIONS: readonly string[] = ['exports.importJson', 'backups.restore'];

const op = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const operations = {
  'app.info': op(none, appInfoSchema),
  'users.current': op(none, userSchema.nullable()),
  'users.saveProfile': op(profileInputSchema, userSchema),
  'consultations.create': op(createInputSchema.optional(), consultationDetailSchema),
  'consultations.get': op(consultationRefSchema, consultationDetailSchema),
  'consultations.list': op(listQuerySchema, listPageSchema),
  'consultations.counts': op(none, statusCountsSchema),
  'consultations.industries': op(none, z.array(z.string())),
  'consultations.autosave': op(autosaveInputSchema, autosaveResultSchema),
  'consultations.saveVersion': op(saveVersionInputSchema, z.object({ detail: consultationDetailSchema, version: versionSummarySchema.nullable() })),
  'consultations.discardChanges': op(consultationRefSchema, consultationDetailSchema),
  'consultations.complete': op(statusChangeInputSchema, consultationDetailSchema),
  'consultations.reopen': op(statusChangeInputSchema, consultationDetailSchema),
  'consultations.archive': op(statusChangeInputSchema, consultationDetailSchema),
  'consultations.unarchive': op(statusChangeInputSchema, consultationDetailSchema),
  'consultations.delete': op(consultationRefSchema, z.object({ deleted: z.literal(true) })),
  'consultations.listVersions': op(consultationRefSchema, z.array(versionSummarySchema)),
  'consultations.statusEvents': op(consultationRefSchema, z.array(statusEventViewSchema)),
  'consultations.getVersion': op(versionRefSchema, versionSchema),
  'consultations.diffVersions': op(diffInputSchema, versionDiffSchema),
  'consultations.restoreVersion': op(restoreInputSchema, consultationDetailSchema),
  'exports.summaryPdf': op(z.strictObject({ consultationId: idSchema, versionNumber: z.number().int().min(1).optional() }), filePayloadSchema),
  /** Desktop only: the client summary to the system's print dialog; printed is false when cancelled. */
  'exports.printSummary': op(
    z.strictObject({ consultationId: idSchema, versionNumber: z.number().int().min(1).optional() }),
    z.object({ printed: z.boolean() }),
  ),
  'exports.csv': op(listQuerySchema.omit({ cursor: true, limit: true }), filePayloadSchema),
  'exports.json': op(none, filePayloadSchema),
  'exports.importJson': op(z.strictObject({ text: z.string().max(MAX_UPLOAD_BYTES) }), importReportSchema),
  'backups.list': op(none, z.array(z.object({ file: z.string(), bytes: z.number(), createdAt: z.string() }))),
  'backups.create': op(none, filePayloadSchema),
  'sync.getSettings': op(none, syncSettingsSchema),
  'sync.saveSettings': op(saveSyncSettingsSchema, syncSettingsSchema),
  'sync.testConnection': op(testConnectionSchema, z.object({ ok: z.boolean(), message: z.string() })),
  'sync.now': op(
    none,
    z.lazy(() => syncStatusSchema),
  ),
  'sync.status': op(
    none,
    z.lazy(() => syncStatusSchema),
  ),
  'consultations.conflicts': op(consultationRefSchema, z.array(conflictSchema)),
  'consultations.resolveConflict': op(z.strictObject({ conflictId: idSchema, keep: z.enum(['ours', 'theirs']) }), z.object({ resolved: z.literal(true) })),
  'backups.restore': op(z.strictObject({ base64: z.string().max(MAX_UPLOAD_BYTES) }), z.object({ consultations: z.number(), safetyCopy: z.string() })),
  'settings.pdfBranding': op(none, pdfBrandingSchema),
  'settings.savePdfBranding': op(pdfBrandingSchema, pdfBrandingSchema),
  /** Restores one of the automatic backups, named as `backups.list` returned it. */
  'backups.restoreListed': op(z.strictObject({ file: z.string().min(1).max(4096) }), z.object({ consultations: z.number(), safetyCopy: z.string() })),
  /** Client sign-off: the working copy becomes a signed, frozen version. */
  'consultations.signOff': op(signOffInputSchema, z.object({ detail: consultationDetailSchema, version: versionSchema })),
  /** The next visit to the same client, prefilled from the earlier visit's newest version and linked to it. */
  'consultations.createFollowUp': op(consultationRefSchema, consultationDetailSchema),
  /** Settings › Ready for the field: each check green, or red with the one action that fixes it. */
  'settings.fieldReadiness': op(fieldReadinessInputSchema, fieldReadinessSchema),
  /** Desktop only: a native save dialog, the file written by main; `path` is null when cancelled. */
  'files.save': op(filePayloadSchema.strict(), z.object({ path: z.string().nullable() })),
  /**
   * Desktop only: the system's open dialog. Main remembers the chosen path, and only such a path is accepted
   * by `exports.importFile` and `backups.restoreFile` (the renderer cannot name arbitrary files).
   */
  'files.open': op(z.strictObject({ purpose: z.enum(['import', 'restore']) }), z.object({ path: z.string().nullable(), name: z.string().nullable() })),
  /** Desktop only: imports the JSON export chosen through `files.open`, read by main. */
  'exports.importFile': op(z.strictObject({ path: z.string().min(1).max(4096) }), importReportSchema),
  /** Desktop only: restores the backup chosen through `files.open`, read by main. */
  'backups.restoreFile': op(z.strictObject({ path: z.string().min(1).max(4096) }), z.object({ consultations: z.number(), safetyCopy: z.string() })),
  /** Desktop only: shows a file this session saved in the system's file manager. */
  'files.showInFolder': op(z.strictObject({ path: z.string().min(1).max(4096) }), z.object({ shown: z.boolean() })),
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<K extends OperationName> = z.input<Operations[K]['input']>;
/** What a handler receives: the input after the boundary parsed it (defaults filled in). */
export type ParsedInput<K extends OperationName> = z.output<Operations[K]['input']>;
export type OperationOutput<K extends OperationName> = z.output<Operations[K]['output']>;

export const OPERATION_NAMES = Object.keys(operations) as OperationName[];
export const isOperationName = (name: unknown): name is OperationName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);

/** What every call returns over either transport. */
export const resultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: appErrorSchema }),
]);
export type WireResult = z.infer<typeof resultSchema>;

/** Events the main process sends to the renderer. */
export const syncStatusSchema = z.object({
  state: z.enum(['disabled', 'offline', 'syncing', 'up_to_date', 'error']),
  pending: z.number().int(),
  lastSyncedAt: z.string().nullable(),
  message: z.string().nullable(),
  progress: z.object({ done: z.number(), total: z.number() }).nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** What the desktop menu asks the renderer to do (each has its standard accelerator in the menu). */
export const MENU_COMMANDS = ['consultation.new', 'export.pdf', 'backup.now', 'settings.open', 'sync.now'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const events = {
  'sync.status': syncStatusSchema,
  'consultations.changed': z.object({ ids: z.array(z.string()) }),
  'menu.command': z.object({ command: z.enum(MENU_COMMANDS) }),
  /** A JSON import under way: consultations of the file done so far. */
  'imports.progress': z.object({ done: z.number().int(), total: z.number().int() }),
} as const;
export type EventName = keyof typeof events;
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>;
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
