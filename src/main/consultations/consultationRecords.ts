import { and, eq, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { consultationDrafts, consultations, consultationVersions, users } from '../db/schema';
import type { DraftSections, Sections } from '../../shared/consultation/sections';
import type { Consultation, Draft } from '../../shared/consultation/model';
import type { Status } from '../../shared/consultation/status';
import { AppFailure } from '../../shared/errors';
import { newId } from '../clock';
import { completionOf } from '../../shared/consultation/completion';

// Row access shared by the consultation operations: one place that reads and writes the three tables
// by id, with prepared statements for the paths autosave takes on every pause in typing.

export type ConsultationRow = typeof consultations.$inferSelect;
export type DraftRow = typeof consultationDrafts.$inferSelect;

interface SectionColumns {
  contactInfo: unknown;
  businessContext: unknown;
  painPoints: unknown;
  goalsObjectives: unknown;
}

export function sectionsOf<T extends Sections | DraftSections = Sections>(row: SectionColumns): T {
  return {
    contact_info: row.contactInfo,
    business_context: row.businessContext,
    pain_points: row.painPoints,
    goals_objectives: row.goalsObjectives,
  } as T;
}

export function sectionColumns(sections: Sections | DraftSections) {
  return {
    contactInfo: sections.contact_info ?? {},
    businessContext: sections.business_context ?? {},
    painPoints: sections.pain_points ?? {},
    goalsObjectives: sections.goals_objectives ?? {},
  };
}

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
  };
}

export function toDraft(row: DraftRow): Draft {
  return {
    sections: sectionsOf<DraftSections>(row),
    hasChanges: row.hasChanges,
    autoSaved: row.autoSaved,
    draftNotes: row.draftNotes,
    baseVersion: row.baseVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface NewVersion {
  consultation: ConsultationRow;
  authorId: string;
  sections: Sections;
  status: Status;
  completedAt: string | null;
  completionPercentage: number;
  changedFields: string[];
  changeSummary: string;
  note: string | null;
  createdAt: string;
}

export interface DraftWrite {
  content: DraftSections;
  draftNotes: string | null;
  autoSaved: boolean;
  hasChanges: boolean;
  updatedAt: string;
}

export class ConsultationRecords {
  private readonly byId;
  private readonly withOwner;
  private readonly draftOf;
  // Autosave runs on every pause in typing: its writes are prepared once (drizzle would rebuild the SQL
  // on every call, which was most of autosave's cost in docs/benchmarks.md).
  private readonly updateDraft: Database.Statement;
  private readonly insertDraft: Database.Statement;
  private readonly deleteDraft: Database.Statement;

  constructor(
    private readonly db: Db,
    sqlite: Database.Database,
  ) {
    this.updateDraft = sqlite.prepare(`UPDATE "consultation_drafts" SET "contact_info" = ?, "business_context" = ?, "pain_points" = ?,
      "goals_objectives" = ?, "draft_notes" = ?, "auto_saved" = ?, "has_changes" = ?, "updated_at" = ? WHERE "id" = ?`);
    this.insertDraft = sqlite.prepare(`INSERT INTO "consultation_drafts" ("id", "consultation_id", "user_id", "contact_info",
      "business_context", "pain_points", "goals_objectives", "draft_notes", "auto_saved", "has_changes", "base_version",
      "created_at", "updated_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.deleteDraft = sqlite.prepare(`DELETE FROM "consultation_drafts" WHERE "id" = ?`);
    this.byId = db.select().from(consultations).where(eq(consultations.id, sql.placeholder('id'))).prepare();
    this.withOwner = db
      .select({ row: consultations, ownerName: users.name })
      .from(consultations)
      .leftJoin(users, eq(users.id, consultations.userId))
      .where(eq(consultations.id, sql.placeholder('id')))
      .prepare();
    this.draftOf = db
      .select()
      .from(consultationDrafts)
      .where(eq(consultationDrafts.consultationId, sql.placeholder('id')))
      .prepare();
  }

  find(id: string): ConsultationRow | undefined {
    return this.byId.get({ id });
  }

  require(id: string): ConsultationRow {
    const row = this.find(id);
    if (!row) throw new AppFailure('not_found', 'This consultation no longer exists.');
    return row;
  }

  requireWithOwner(id: string): { row: ConsultationRow; ownerName: string | null } {
    const found = this.withOwner.get({ id });
    if (!found) throw new AppFailure('not_found', 'This consultation no longer exists.');
    return found;
  }

  draft(consultationId: string): DraftRow | undefined {
    return this.draftOf.get({ id: consultationId });
  }

  /** Creates, updates or removes the consultation's one draft, as autosave decided. */
  writeDraft(row: ConsultationRow, existing: DraftRow | undefined, authorId: string, write: DraftWrite | null): void {
    if (!write) {
      if (existing) this.deleteDraft.run(existing.id);
      return;
    }
    const c = write.content;
    const sections = [c.contact_info, c.business_context, c.pain_points, c.goals_objectives].map((s) => JSON.stringify(s ?? {}));
    const flags = [write.draftNotes, write.autoSaved ? 1 : 0, write.hasChanges ? 1 : 0] as const;
    if (existing) this.updateDraft.run(...sections, ...flags, write.updatedAt, existing.id);
    else this.insertDraft.run(newId(), row.id, authorId, ...sections, ...flags, row.currentVersion, write.updatedAt, write.updatedAt);
  }

  /** Writes the next numbered version and moves the consultation onto it. */
  writeVersion(v: NewVersion): { versionId: string; versionNumber: number } {
    const versionNumber = v.consultation.currentVersion + 1;
    const versionId = newId();
    const changedElsewhere = () => new AppFailure('conflict', 'This consultation was changed elsewhere. Reload it and try again.');
    try {
      this.db
        .insert(consultationVersions)
        .values({
          id: versionId,
          consultationId: v.consultation.id,
          userId: v.authorId,
          versionNumber,
          ...sectionColumns(v.sections),
          status: v.status,
          completionPercentage: v.completionPercentage,
          changeSummary: v.changeSummary,
          changedFields: v.changedFields,
          note: v.note,
          createdAt: v.createdAt,
        })
        .run();
    } catch (error) {
      // Another writer (sync, a second window) took this version number first.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw changedElsewhere();
      throw error;
    }
    const updated = this.db
      .update(consultations)
      .set({
        ...sectionColumns(v.sections),
        status: v.status,
        completionPercentage: v.completionPercentage,
        currentVersion: versionNumber,
        updatedAt: v.createdAt,
        completedAt: v.completedAt,
      })
      // Guarded by the version read at the start: a concurrent writer makes this a no-op.
      .where(and(eq(consultations.id, v.consultation.id), eq(consultations.currentVersion, v.consultation.currentVersion)))
      .run();
    if (updated.changes !== 1) throw changedElsewhere();
    return { versionId, versionNumber };
  }

  /** A version with new content (save, restore, a resolved conflict): status and completion date stay. */
  writeContentVersion(
    row: ConsultationRow,
    authorId: string,
    sections: Sections,
    change: { changedFields: string[]; changeSummary: string; note?: string | null; createdAt: string },
  ): { versionId: string; versionNumber: number } {
    return this.writeVersion({
      consultation: row,
      authorId,
      sections,
      status: row.status,
      completedAt: row.completedAt,
      completionPercentage: completionOf(sections).percentage,
      changedFields: change.changedFields,
      changeSummary: change.changeSummary,
      note: change.note ?? null,
      createdAt: change.createdAt,
    });
  }

  /** After a save or discard the draft's content is the saved one; its private notes, if any, stay. */
  settleDraft(draft: DraftRow | undefined, saved: Sections, versionNumber: number, updatedAt: string): void {
    if (!draft) return;
    if (!draft.draftNotes) {
      this.db.delete(consultationDrafts).where(eq(consultationDrafts.id, draft.id)).run();
      return;
    }
    this.db
      .update(consultationDrafts)
      .set({ ...sectionColumns(saved), hasChanges: false, baseVersion: versionNumber, updatedAt })
      .where(eq(consultationDrafts.id, draft.id))
      .run();
  }
}
