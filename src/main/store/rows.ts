import { z } from 'zod';
import { consultationDrafts, consultations, consultationVersions, users } from '../db/schema';
import { codecOf, type SqlRow } from './columns';
import { idSchema } from '@shared/consultation/model';
import { HARD_LIMITS, workingSectionSchemas } from '@shared/consultation/sections';
import { cleanSections, fieldPathSchema, sectionsBytes } from '@shared/consultation/edits';
import { STATUSES } from '@shared/consultation/status';
import { statusEventsSchema } from '@shared/consultation/statusEvents';
import { canonicalSections } from '@shared/consultation/normalize';
import type { WorkingSections } from '@shared/consultation/sections';
import type { Consultation } from '@shared/consultation/model';
import type { ConflictRow } from './consultationStore';
import { contentHashSchema, signatureImageSchema, signerNameSchema } from '@shared/consultation/signoff';
import { signedContentHash } from './signOffHash';

// Rows of the consultation tables as the store reads and writes them, and the checks every row from
// outside (an import file, the team database) passes before it is stored.

export type ConsultationRow = typeof consultations.$inferSelect;
export type VersionRow = typeof consultationVersions.$inferSelect;
export type DraftRow = typeof consultationDrafts.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export const consultationCodec = codecOf(consultations);
export const versionCodec = codecOf(consultationVersions);
export const draftCodec = codecOf(consultationDrafts);
export const userCodec = codecOf(users);

interface SectionColumns {
  contactInfo: unknown;
  businessContext: unknown;
  painPoints: unknown;
  goalsObjectives: unknown;
}

export function sectionsOf(row: SectionColumns): WorkingSections {
  return canonicalSections({
    contact_info: row.contactInfo,
    business_context: row.businessContext,
    pain_points: row.painPoints,
    goals_objectives: row.goalsObjectives,
  }) as WorkingSections;
}

export function sectionColumns(sections: Partial<WorkingSections>) {
  const c = canonicalSections(sections) as WorkingSections;
  return { contactInfo: c.contact_info, businessContext: c.business_context, painPoints: c.pain_points, goalsObjectives: c.goals_objectives };
}

/** A consultation row as the domain value the renderer sees (owner's name, and whether it is the actor's). */
export function toConsultation(row: ConsultationRow, ownerName: string | null, actorId: string | null): Consultation {
  return {
    id: row.id,
    userId: row.userId,
    ownerName,
    sections: sectionsOf(row),
    status: row.status,
    completionPercentage: row.completionPercentage,
    currentVersion: row.currentVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt,
    isOwn: row.userId === actorId,
    followUpOf: row.followUpOf ?? null,
  };
}

/** The four section columns as SQL values (canonical JSON text), in column order. */
export function sectionValues(sections: Partial<WorkingSections>): string[] {
  const c = sectionColumns(sections);
  return [c.contactInfo, c.businessContext, c.painPoints, c.goalsObjectives].map((section) => JSON.stringify(section));
}

const timestamp = z.string().min(1).max(40);
const sectionColumnsSchema = {
  contactInfo: workingSectionSchemas.contact_info,
  businessContext: workingSectionSchemas.business_context,
  painPoints: workingSectionSchemas.pain_points,
  goalsObjectives: workingSectionSchemas.goals_objectives,
};
const withinSizeCap = (row: SectionColumns) => sectionsBytes(sectionsOf(row)) <= HARD_LIMITS.consultationBytes;
const sizeCapError = { error: `Larger than a consultation may be (${HARD_LIMITS.consultationBytes / 1_000_000} MB)` };

const consultationRowSchema = z
  .object({
    id: idSchema,
    userId: idSchema,
    ...sectionColumnsSchema,
    status: z.enum(STATUSES),
    completionPercentage: z.number().int().min(0).max(100),
    currentVersion: z.number().int().min(0).max(1_000_000),
    createdAt: timestamp,
    updatedAt: timestamp,
    completedAt: timestamp.nullable(),
    followUpOf: idSchema.nullable().default(null),
    statusEvents: statusEventsSchema,
  })
  .refine(withinSizeCap, sizeCapError);

const versionRowSchema = z
  .object({
    id: idSchema,
    consultationId: idSchema,
    userId: idSchema,
    versionNumber: z.number().int().min(1).max(1_000_000),
    ...sectionColumnsSchema,
    status: z.enum(STATUSES),
    completionPercentage: z.number().int().min(0).max(100),
    changeSummary: z.string().max(2000).nullable(),
    changedFields: z.array(z.string().max(200)).max(500),
    note: z.string().max(2000).nullable(),
    createdAt: timestamp,
    // Older devices and files have no sign-off columns: absent reads as unsigned.
    signerName: signerNameSchema.nullable().default(null),
    // Printed as a date on every teammate's PDF: a real ISO time, not just a string.
    signedAt: z.iso.datetime({ offset: true }).nullable().default(null),
    signatureImage: signatureImageSchema.nullable().default(null),
    contentHash: contentHashSchema.nullable().default(null),
  })
  .refine(withinSizeCap, sizeCapError)
  .refine(
    (v) =>
      (v.signerName === null) === (v.signedAt === null) &&
      (v.signerName === null) === (v.contentHash === null) &&
      (v.signerName !== null || v.signatureImage === null),
    {
      error: 'A sign-off needs its signer, time and hash together',
      path: ['signerName'],
    },
  );

const userRowSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(200),
  email: z.string().max(320),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** A field's value as JSON text: what a field may hold (nothing, text, a number, a list of texts). */
const conflictValue = z
  .string()
  .max(HARD_LIMITS.consultationBytes, { error: `Larger than a field may be (${HARD_LIMITS.consultationBytes / 1_000_000} MB)` })
  .nullable()
  .refine(
    (text) => {
      if (text === null) return true;
      try {
        const value: unknown = JSON.parse(text);
        return (
          value === null || ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
        );
      } catch {
        return false;
      }
    },
    { error: 'Not a value a field can hold' },
  );

const conflictRowSchema = z.strictObject({
  id: idSchema,
  consultation_id: idSchema,
  field_path: fieldPathSchema,
  base_value: conflictValue,
  our_value: conflictValue,
  their_value: conflictValue,
  created_at: timestamp,
  resolved_at: timestamp.nullable(),
});

/** A row from outside that does not hold what the tables may hold: kept aside, never stored. */
export class RowRefused extends Error {
  constructor(
    readonly entity: 'consultation' | 'version' | 'user' | 'tombstone' | 'conflict',
    readonly id: string,
    readonly reason: string,
  ) {
    super(`${entity} ${id}: ${reason}`);
    this.name = 'RowRefused';
  }
}

function checked<S extends z.ZodType>(schema: S, entity: RowRefused['entity'], record: Record<string, unknown>): z.output<S> {
  const numeric = (value: unknown) => (typeof value === 'bigint' ? Number(value) : value);
  const result = schema.safeParse(Object.fromEntries(Object.entries(record).map(([k, v]) => [k, numeric(v)])));
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw new RowRefused(entity, String(record.id ?? '?').slice(0, 64), `${first?.path.join('.') || 'row'}: ${first?.message ?? 'invalid'}`);
}

/** A consultation from outside, checked, with canonical sections; throws RowRefused. */
export function checkConsultation(record: Record<string, unknown>): ConsultationRow {
  const row = checked(consultationRowSchema, 'consultation', record) as ConsultationRow;
  // Text from outside gets the hygiene typed text gets (no control or bidi-override characters).
  return { ...row, ...sectionColumns(cleanSections(sectionsOf(row))) };
}

export function checkVersion(record: Record<string, unknown>): VersionRow {
  const row = checked(versionRowSchema, 'version', record) as VersionRow;
  const clean = { ...row, ...sectionColumns(cleanSections(sectionsOf(row))) };
  // A signature must still cover exactly the content it came with: anything else is not what the client signed.
  if (
    clean.contentHash !== null &&
    signedContentHash(clean.consultationId, sectionsOf(clean), {
      signerName: clean.signerName ?? '',
      signedAt: clean.signedAt ?? '',
      signatureImage: clean.signatureImage,
    }) !== clean.contentHash
  ) {
    throw new RowRefused('version', clean.id, 'content_hash: does not match the signed content');
  }
  return clean;
}

/** The same checks for rows as SQL values (the team database). */
export const checkedConsultationRow = (raw: SqlRow) => checkConsultation(consultationCodec.fromSql(raw));
export const checkedVersionRow = (raw: SqlRow) => checkVersion(versionCodec.fromSql(raw));
/** A conflict from the team database (SQL names as the table has them), checked; throws RowRefused. */
export const checkedConflictRow = (raw: SqlRow): ConflictRow => checked(conflictRowSchema, 'conflict', raw) as ConflictRow;
export const checkedUserRow = (raw: SqlRow): UserRow => checked(userRowSchema, 'user', userCodec.fromSql(raw)) as UserRow;
