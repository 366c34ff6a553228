import { z } from 'zod';
import { workingSectionsSchema } from './consultation/sections';
import { STATUSES } from './consultation/status';
import { idSchema } from './consultation/model';
import { statusEventsSchema } from './consultation/statusEvents';

// The whole-database export: one JSON file with users, consultations and every version. Import validates
// it completely before touching anything.

export const EXPORT_FORMAT = 'fieldbook-export';
/** 2: a consultation's sections are its working copy (what the consultant sees), not its last version. */
/** 3: a consultation carries its status moves (statusEvents); older apps refuse it as newer, not as broken. */
export const EXPORT_FORMAT_VERSION = 3;

const id = idSchema;
const timestamp = z.iso.datetime({ offset: true });

export const exportedVersionSchema = z.strictObject({
  id,
  versionNumber: z.number().int().min(1),
  userId: id,
  sections: workingSectionsSchema,
  status: z.enum(STATUSES),
  completionPercentage: z.number().int().min(0).max(100),
  changeSummary: z.string().max(5000).nullable(),
  changedFields: z.array(z.string().max(200)).max(200),
  note: z.string().max(5000).nullable(),
  createdAt: timestamp,
  /** The client's sign-off of this version (checked again, hash included, when imported). */
  signOff: z
    .strictObject({ signerName: z.string().max(200), signedAt: timestamp, signatureImage: z.string().nullable(), contentHash: z.string().max(64) })
    .optional(),
});

export const exportedConsultationSchema = z.strictObject({
  id,
  userId: id,
  sections: workingSectionsSchema,
  status: z.enum(STATUSES),
  completionPercentage: z.number().int().min(0).max(100),
  currentVersion: z.number().int().min(0),
  createdAt: timestamp,
  updatedAt: timestamp,
  completedAt: timestamp.nullable(),
  /** The earlier visit this one follows up. */
  followUpOf: id.nullable().optional(),
  /** Absent in format 1 and 2 files: no status moves recorded. */
  statusEvents: statusEventsSchema.optional(),
  versions: z.array(exportedVersionSchema),
});

export const exportFileSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT, { error: 'This is not a Fieldbook export file.' }),
  formatVersion: z.union([z.literal(1), z.literal(2), z.literal(EXPORT_FORMAT_VERSION)], {
    error: 'This export was made by a newer Fieldbook. Update the app to import it.',
  }),
  exportedAt: timestamp,
  users: z.array(z.strictObject({ id, name: z.string().max(200), email: z.string().max(200), createdAt: timestamp, updatedAt: timestamp })),
  consultations: z.array(exportedConsultationSchema),
});

export type ExportFile = z.infer<typeof exportFileSchema>;

export const importReportSchema = z.object({
  consultationsAdded: z.number(),
  consultationsUpdated: z.number(),
  versionsAdded: z.number(),
  unchanged: z.number(),
  /** Consultations left out (a teammate's, or another owner's than the one here), with why. */
  skipped: z.array(z.object({ id: z.string(), name: z.string().nullable(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof importReportSchema>;
