import { z } from 'zod';
import { idSchema } from './model';
import { HARD_LIMITS, workingSectionsPatchSchema } from './sections';
import { FIELD_PATHS, fieldEditSchema } from './edits';

// What each consultation operation accepts. The service parses its input with these, and the IPC/HTTP
// contract names the same schemas, so a call is checked the same way whichever door it came through.

const versionNumber = z.number({ error: 'Expected a version number' }).int().min(0).max(1_000_000);

export const consultationRefSchema = z.strictObject({ consultationId: idSchema });

export const createInputSchema = z.strictObject({
  /** Optional first content; it is saved as version 1 and must pass the version rules. */
  sections: workingSectionsPatchSchema.optional(),
});

export const autosaveInputSchema = z.strictObject({
  consultationId: idSchema,
  /** The fields that changed; each is checked on its own. */
  edits: z
    .array(fieldEditSchema)
    .max(FIELD_PATHS.length * 4)
    .default([]),
  /**
   * Private working notes; omit to keep them as they are, null to clear. Only a bound on the request here:
   * notes over HARD_LIMITS.notesChars are refused alone by the service, and the field edits beside them saved.
   */
  notes: z
    .string()
    .max(HARD_LIMITS.notesChars * 10, { error: 'These notes are far too long to send' })
    .nullable()
    .optional(),
});

export const saveVersionInputSchema = z.strictObject({
  consultationId: idSchema,
  /** The version the consultant was looking at: a different current version is a conflict. */
  expectedVersion: versionNumber.optional(),
  note: z.string().max(2000, { error: 'Keep the note under 2,000 characters' }).optional(),
});

export const statusChangeInputSchema = z.strictObject({
  consultationId: idSchema,
  expectedVersion: versionNumber.optional(),
});

export const restoreInputSchema = z.strictObject({
  consultationId: idSchema,
  versionNumber: versionNumber.min(1),
  expectedVersion: versionNumber,
});

export const versionRefSchema = z.strictObject({ consultationId: idSchema, versionNumber: versionNumber.min(1) });

export const diffInputSchema = z.strictObject({
  consultationId: idSchema,
  /** 0: the empty form the consultation started from. */
  from: versionNumber.min(0),
  to: versionNumber.min(1),
});
