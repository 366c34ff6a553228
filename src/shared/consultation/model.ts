import { z } from 'zod';
import { URGENCY_LEVELS } from './fields';
import { workingSectionsSchema, emailPattern, strictSectionsSchema } from './sections';
import { fieldConflictSchema } from './edits';
import { STATUSES } from './status';
import { fieldIssueSchema } from '../errors';
import { signOffStateSchema, signOffSummarySchema } from './signoff';

// The domain values that cross the boundary. The UI sees these, never rows or SQL.

export const idSchema = z.uuid({ error: 'Not a valid id' });
export const timestampSchema = z.string();

export const userSchema = z.object({
  id: idSchema,
  name: z.string(),
  email: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type User = z.infer<typeof userSchema>;

export const profileInputSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'Enter your name' }).max(120, { error: 'Keep your name under 120 characters' }),
  email: z.email({ pattern: emailPattern, error: 'Enter an email address like name@example.com' }).max(200),
});
export type ProfileInput = z.infer<typeof profileInputSchema>;

const missingFieldSchema = z.object({
  path: z.string(),
  label: z.string(),
  section: z.string(),
  essential: z.boolean(),
});

export const completionSchema = z.object({
  percentage: z.number().int().min(0).max(100),
  missing: z.array(missingFieldSchema),
  canComplete: z.boolean(),
});

export const consultationSchema = z.object({
  id: idSchema,
  userId: idSchema,
  ownerName: z.string().nullable(),
  /** The working copy: what the consultant sees and what lists, search, exports and the PDF use. */
  sections: workingSectionsSchema,
  status: z.enum(STATUSES),
  completionPercentage: z.number().int(),
  /** The newest numbered version (a named snapshot in the history). */
  currentVersion: z.number().int(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  completedAt: timestampSchema.nullable(),
  /** True when the current user owns it: a teammate's consultation is read-only here. */
  isOwn: z.boolean(),
  /** The earlier visit this one follows up, or null for a first visit. */
  followUpOf: idSchema.nullable(),
});
export type Consultation = z.infer<typeof consultationSchema>;

export const consultationDetailSchema = z.object({
  consultation: consultationSchema,
  /** The consultant's private working notes (never synced). */
  notes: z.string().nullable(),
  /** The working copy differs from its newest version. */
  changedSinceVersion: z.boolean(),
  /** Completion of the working copy, counting valid answers only. */
  completion: completionSchema,
  /** Answers that break the version rules: shown at the field, they block "Save version". */
  issues: z.array(fieldIssueSchema),
  /** The newest version the client signed, and whether the working copy changed since. */
  signOff: signOffStateSchema,
  /** A follow-up visit: the earlier visit's newest version, and each field changed since it (old -> new). */
  sinceLastVisit: z
    .object({
      consultationId: idSchema,
      versionNumber: z.number().int(),
      changes: z.array(z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() })),
    })
    .nullable(),
});
export type ConsultationDetail = z.infer<typeof consultationDetailSchema>;

export const consultationSummarySchema = z.object({
  id: idSchema,
  userId: idSchema,
  ownerName: z.string().nullable(),
  businessName: z.string().nullable(),
  contactPerson: z.string().nullable(),
  industry: z.string().nullable(),
  urgency: z.enum(URGENCY_LEVELS).nullable(),
  status: z.enum(STATUSES),
  completionPercentage: z.number().int(),
  currentVersion: z.number().int(),
  changedSinceVersion: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  /** The earlier visit this one follows up, if any. */
  followUpOf: idSchema.nullable(),
  /** A later visit to the same client follows this one: the dashboard shows that one as the latest. */
  hasLaterVisit: z.boolean(),
});
export type ConsultationSummary = z.infer<typeof consultationSummarySchema>;

export const SORT_KEYS = ['updated', 'created', 'business_name', 'completion'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A status, or "active": everything not archived (what the dashboard shows unless Archived is chosen). */
export const LIST_STATUSES = [...STATUSES, 'active'] as const;

export const listQuerySchema = z.strictObject({
  status: z.enum(LIST_STATUSES).optional(),
  industry: z.string().max(200).optional(),
  urgency: z.enum(URGENCY_LEVELS).optional(),
  ownerId: idSchema.optional(),
  /** Full-text search over all four sections. */
  search: z.string().max(200).optional(),
  /** Business names starting with this text (case-insensitive). */
  namePrefix: z.string().max(200).optional(),
  /** Each client's latest visit only: consultations no follow-up visit points back to. */
  latestVisits: z.boolean().optional(),
  sort: z.enum(SORT_KEYS).default('updated'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(1000).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListQuery = z.input<typeof listQuerySchema>;
export type ParsedListQuery = z.output<typeof listQuerySchema>;

export const listPageSchema = z.object({
  items: z.array(consultationSummarySchema),
  nextCursor: z.string().nullable(),
});
export type ListPage = z.infer<typeof listPageSchema>;

export const statusCountsSchema = z.object({ draft: z.number(), completed: z.number(), archived: z.number() });
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export const fieldChangeSchema = z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });

export const versionSummarySchema = z.object({
  id: idSchema,
  versionNumber: z.number().int(),
  userId: idSchema,
  authorName: z.string().nullable(),
  status: z.enum(STATUSES),
  completionPercentage: z.number().int(),
  changeSummary: z.string().nullable(),
  changedFields: z.array(z.string()),
  note: z.string().nullable(),
  createdAt: timestampSchema,
  /** Set when the client signed this version (it is then never edited). */
  signOff: signOffSummarySchema.nullable(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export const versionSchema = versionSummarySchema.extend({
  consultationId: idSchema,
  sections: strictSectionsSchema,
  /** The drawn signature (PNG data URL) of a signed version, when the client drew one. */
  signatureImage: z.string().nullable(),
});
export type Version = z.infer<typeof versionSchema>;

export const versionDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(fieldChangeSchema),
});
export type VersionDiff = z.infer<typeof versionDiffSchema>;

export const autosaveResultSchema = z.object({
  updatedAt: timestampSchema,
  completion: completionSchema,
  issues: z.array(fieldIssueSchema),
  /** Edits refused by a hard limit, each at its field; every other edit was saved. */
  rejected: z.array(fieldIssueSchema),
  /** Fields another window or device changed differently: nothing was overwritten. */
  conflicts: z.array(fieldConflictSchema),
  changedSinceVersion: z.boolean(),
  currentVersion: z.number().int(),
});
export type AutosaveResult = z.infer<typeof autosaveResultSchema>;
