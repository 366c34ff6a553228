import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { WorkingSections } from '@shared/consultation/sections';
import { STATUSES } from '@shared/consultation/status';
import type { StatusEvent } from '@shared/consultation/statusEvents';

// The local schema, adapted from the seed for SQLite (its compatibility notes): ids are UUIDv7 text made
// by the app, timestamps ISO-8601 UTC text made by the app, JSONB becomes JSON text checked by json_valid,
// GIN indexes become expression indexes on the exact json_extract the queries use.
// The seed's separate indexes on consultation_id are covered by the UNIQUE constraints that lead with it.

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

const jsonObject = (column: AnySQLiteColumn) => sql`json_valid(${column}) AND json_type(${column}) = 'object'`;

/** The exact expressions the 0001_search indexes are built on: queries must use these, character for character. */
export const expr = {
  // ifnull: a NULL sort key would fall out of keyset row-value comparisons and lose rows between pages.
  businessNameKey: sql.raw(`ifnull(lower(json_extract("contact_info", '$.business_name')), '')`),
  industry: sql.raw(`json_extract("business_context", '$.industry')`),
  urgency: sql.raw(`json_extract("pain_points", '$.urgency_level')`),
};

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  ...timestamps,
});

export const consultations = sqliteTable(
  'consultations',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactInfo: text('contact_info', { mode: 'json' }).$type<WorkingSections['contact_info']>().notNull().default({}),
    businessContext: text('business_context', { mode: 'json' }).$type<WorkingSections['business_context']>().notNull().default({}),
    painPoints: text('pain_points', { mode: 'json' }).$type<WorkingSections['pain_points']>().notNull().default({}),
    goalsObjectives: text('goals_objectives', { mode: 'json' }).$type<WorkingSections['goals_objectives']>().notNull().default({}),
    status: text('status', { enum: STATUSES }).notNull().default('draft'),
    completionPercentage: integer('completion_percentage').notNull().default(0),
    /** The version number whose content the row holds; a draft or a save names it as its base. */
    currentVersion: integer('current_version').notNull().default(0),
    ...timestamps,
    completedAt: text('completed_at'),
    /** The earlier visit this one follows up (no foreign key: the earlier one may be deleted or not yet pulled). */
    followUpOf: text('follow_up_of'),
    /** Status moves (who, when, from -> to): history events that travel with the row, not content versions. */
    statusEvents: text('status_events', { mode: 'json' }).$type<StatusEvent[]>().notNull().default([]),
  },
  (t) => [
    check('consultations_status_valid', sql`${t.status} IN ('draft', 'completed', 'archived')`),
    check('consultations_completion_range', sql`${t.completionPercentage} >= 0 AND ${t.completionPercentage} <= 100`),
    check('consultations_contact_info_json', jsonObject(t.contactInfo)),
    check('consultations_business_context_json', jsonObject(t.businessContext)),
    check('consultations_pain_points_json', jsonObject(t.painPoints)),
    check('consultations_goals_objectives_json', jsonObject(t.goalsObjectives)),
    index('idx_consultations_user_id').on(t.userId),
    index('idx_consultations_status').on(t.status),
    // Sort keys carry the id as tie-breaker so keyset pages walk the index without a sort step.
    index('idx_consultations_created_at').on(t.createdAt, t.id),
    index('idx_consultations_updated_at').on(t.updatedAt, t.id),
    index('idx_consultations_completion').on(t.completionPercentage, t.id),
    // The dashboard asks, per row, whether a later visit follows this one.
    index('idx_consultations_follow_up_of').on(t.followUpOf),
    // The expression indexes on business name, industry and urgency are in the custom migration
    // 0001_search: drizzle-kit splits an expression at its commas and writes invalid SQL for them.
  ],
);

export const consultationDrafts = sqliteTable(
  'consultation_drafts',
  {
    id: text('id').primaryKey(),
    consultationId: text('consultation_id')
      .notNull()
      .references(() => consultations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactInfo: text('contact_info', { mode: 'json' }).$type<WorkingSections['contact_info']>().notNull().default({}),
    businessContext: text('business_context', { mode: 'json' }).$type<WorkingSections['business_context']>().notNull().default({}),
    painPoints: text('pain_points', { mode: 'json' }).$type<WorkingSections['pain_points']>().notNull().default({}),
    goalsObjectives: text('goals_objectives', { mode: 'json' }).$type<WorkingSections['goals_objectives']>().notNull().default({}),
    /** Was the last write an automatic one (true) or an explicit "save draft" (false). */
    autoSaved: integer('auto_saved', { mode: 'boolean' }).notNull().default(true),
    /** The consultant's private working notes, kept with the draft. */
    draftNotes: text('draft_notes'),
    /** False when the draft holds only notes and its content equals the saved version. */
    hasChanges: integer('has_changes', { mode: 'boolean' }).notNull().default(true),
    /** The consultation version the draft was started from. */
    baseVersion: integer('base_version').notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('consultation_drafts_consultation_id_unique').on(t.consultationId),
    check('consultation_drafts_contact_info_json', jsonObject(t.contactInfo)),
    check('consultation_drafts_business_context_json', jsonObject(t.businessContext)),
    check('consultation_drafts_pain_points_json', jsonObject(t.painPoints)),
    check('consultation_drafts_goals_objectives_json', jsonObject(t.goalsObjectives)),
    index('idx_consultation_drafts_user_id').on(t.userId),
    index('idx_consultation_drafts_updated_at').on(t.updatedAt),
  ],
);

export const consultationVersions = sqliteTable(
  'consultation_versions',
  {
    id: text('id').primaryKey(),
    consultationId: text('consultation_id')
      .notNull()
      .references(() => consultations.id, { onDelete: 'cascade' }),
    /** The author of this version. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    contactInfo: text('contact_info', { mode: 'json' }).$type<WorkingSections['contact_info']>().notNull().default({}),
    businessContext: text('business_context', { mode: 'json' }).$type<WorkingSections['business_context']>().notNull().default({}),
    painPoints: text('pain_points', { mode: 'json' }).$type<WorkingSections['pain_points']>().notNull().default({}),
    goalsObjectives: text('goals_objectives', { mode: 'json' }).$type<WorkingSections['goals_objectives']>().notNull().default({}),
    status: text('status', { enum: STATUSES }).notNull(),
    completionPercentage: integer('completion_percentage').notNull(),
    changeSummary: text('change_summary'),
    /** JSON array of field paths, e.g. ["contact_info.email"]. */
    changedFields: text('changed_fields', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** The consultant's optional note when saving this version. */
    note: text('note'),
    createdAt: text('created_at').notNull(),
    /** Client sign-off (all four set together, or none): the signer's name, when, the drawn signature, the content hash. */
    signerName: text('signer_name'),
    signedAt: text('signed_at'),
    /** A PNG data URL, or null when the client typed their name instead of drawing. */
    signatureImage: text('signature_image'),
    /** SHA-256 (hex) of canonicalSignedContent(): what the client agreed to. */
    contentHash: text('content_hash'),
  },
  (t) => [
    uniqueIndex('consultation_versions_consultation_version_unique').on(t.consultationId, t.versionNumber),
    check('consultation_versions_status_valid', sql`${t.status} IN ('draft', 'completed', 'archived')`),
    check('consultation_versions_completion_range', sql`${t.completionPercentage} >= 0 AND ${t.completionPercentage} <= 100`),
    check('consultation_versions_number_positive', sql`${t.versionNumber} >= 1`),
    check('consultation_versions_changed_fields_json', sql`json_valid(${t.changedFields}) AND json_type(${t.changedFields}) = 'array'`),
    check('consultation_versions_contact_info_json', jsonObject(t.contactInfo)),
    check('consultation_versions_business_context_json', jsonObject(t.businessContext)),
    check('consultation_versions_pain_points_json', jsonObject(t.painPoints)),
    check('consultation_versions_goals_objectives_json', jsonObject(t.goalsObjectives)),
    index('idx_consultation_versions_user_id').on(t.userId),
    index('idx_consultation_versions_created_at').on(t.createdAt),
  ],
);

/** Local settings of this device (current user, sync options). Never synced. */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: text('updated_at').notNull(),
});
