import { eq } from 'drizzle-orm';
import type { LocalDatabase } from '../db/client';
import { consultations } from '../db/schema';
import { after, newId, now } from '../clock';
import { AppFailure, validationFailure, type FieldIssue, issuesFromZod } from '../../shared/errors';
import { completionOf } from '../../shared/consultation/completion';
import { deepEqual, diffFields, summarizeChanges } from '../../shared/consultation/diff';
import { canonicalSections, normalizeForVersion } from '../../shared/consultation/normalize';
import { strictSectionsSchema, EMPTY_SECTIONS, type DraftSections } from '../../shared/consultation/sections';
import { editRefusal, isEditable, nextStatus, statusMoveRefusal, type StatusAction } from '../../shared/consultation/status';
import {
  listQuerySchema,
  type AutosaveResult,
  type ConsultationDetail,
  type ListPage,
  type StatusCounts,
  type Version,
  type VersionDiff,
  type VersionSummary,
} from '../../shared/consultation/model';
import {
  autosaveInputSchema,
  consultationRefSchema,
  createInputSchema,
  diffInputSchema,
  restoreInputSchema,
  saveVersionInputSchema,
  statusChangeInputSchema,
  versionRefSchema,
} from '../../shared/consultation/inputs';
import { ConsultationRecords, sectionColumns, sectionsOf, toConsultation, toDraft, type ConsultationRow } from './consultationRecords';
import { ConsultationList } from './consultationList';
import { VersionHistory } from './versionHistory';
import { parseInput } from './parseInput';

const STATUS_SUMMARY: Record<StatusAction, string> = {
  complete: 'Marked completed',
  reopen: 'Reopened',
  archive: 'Archived',
  unarchive: 'Unarchived',
};

/** Format problems that would stop this draft becoming a version (empty when it could be saved). */
export function versionIssues(draft: DraftSections): FieldIssue[] {
  const result = strictSectionsSchema.safeParse(normalizeForVersion(draft));
  return result.success ? [] : issuesFromZod(result.error);
}

/**
 * The one way the app touches consultations. Every operation parses its input, checks ownership and
 * status, and does its writes in one immediate transaction.
 */
export class ConsultationsService {
  private readonly records: ConsultationRecords;
  private readonly listing: ConsultationList;
  private readonly history: VersionHistory;

  constructor(
    private readonly database: LocalDatabase,
    /** The current user's id; throws a profile_required error before first-run setup. */
    private readonly actorId: () => string,
  ) {
    this.records = new ConsultationRecords(database.db, database.sqlite);
    this.listing = new ConsultationList(database.sqlite);
    this.history = new VersionHistory(database.db);
  }

  private get db() {
    return this.database.db;
  }

  private transaction<T>(work: () => T): T {
    return this.database.sqlite.transaction(work).immediate();
  }

  private requireOwn(row: ConsultationRow, actor: string): void {
    if (row.userId !== actor) {
      throw new AppFailure('forbidden', 'This consultation belongs to a teammate. Only its owner can change it.');
    }
  }

  private requireEditable(row: ConsultationRow, actor: string): void {
    this.requireOwn(row, actor);
    if (!isEditable(row.status)) throw new AppFailure('invalid_state', editRefusal(row.status));
  }

  private requireVersion(row: ConsultationRow, expected: number | undefined): void {
    if (expected !== undefined && row.currentVersion !== expected) {
      throw new AppFailure(
        'conflict',
        `This consultation changed since you opened it (it is now at version ${row.currentVersion}). Reload it to see the latest.`,
      );
    }
  }

  private requireNoUnsavedChanges(consultationId: string): void {
    if (this.records.draft(consultationId)?.hasChanges) {
      throw new AppFailure('conflict', 'This consultation has unsaved changes. Save them as a version or discard them first.');
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------

  get(input: unknown): ConsultationDetail {
    const { consultationId } = parseInput(consultationRefSchema, input);
    return this.detail(consultationId);
  }

  private detail(consultationId: string): ConsultationDetail {
    const { row, ownerName } = this.records.requireWithOwner(consultationId);
    const draftRow = this.records.draft(consultationId);
    const draft = draftRow ? toDraft(draftRow) : null;
    const shown = draft?.hasChanges ? draft.sections : sectionsOf(row);
    return {
      consultation: toConsultation(row, ownerName, this.currentActorOrNull()),
      draft,
      completion: completionOf(shown),
      issues: draft?.hasChanges ? versionIssues(draft.sections) : [],
    };
  }

  private currentActorOrNull(): string | null {
    try {
      return this.actorId();
    } catch {
      return null;
    }
  }

  list(input: unknown = {}): ListPage {
    return this.listing.page(parseInput(listQuerySchema, input));
  }

  /** Query plan of a list call, for the tests that prove the indexes are used. */
  explainList(input: unknown = {}): string[] {
    return this.listing.explain(parseInput(listQuerySchema, input));
  }

  counts(): StatusCounts {
    return this.listing.counts();
  }

  industries(): string[] {
    return this.listing.industries();
  }

  listVersions(input: unknown): VersionSummary[] {
    const { consultationId } = parseInput(consultationRefSchema, input);
    this.records.require(consultationId);
    return this.history.list(consultationId);
  }

  getVersion(input: unknown): Version {
    const { consultationId, versionNumber } = parseInput(versionRefSchema, input);
    return this.history.get(consultationId, versionNumber);
  }

  diffVersions(input: unknown): VersionDiff {
    const { consultationId, from, to } = parseInput(diffInputSchema, input);
    return this.history.diff(consultationId, from, to);
  }

  // ---- writes ------------------------------------------------------------------------------------------

  create(input: unknown = {}): ConsultationDetail {
    const { sections: given } = parseInput(createInputSchema, input);
    const actor = this.actorId();
    const normalized = normalizeForVersion({ ...EMPTY_SECTIONS, ...given });
    const parsed = strictSectionsSchema.safeParse(normalized);
    if (!parsed.success) throw validationFailure(parsed.error, 'Some fields need attention');
    const sections = canonicalSections(parsed.data);
    const id = newId();
    const timestamp = now();
    this.transaction(() => {
      this.db
        .insert(consultations)
        .values({ id, userId: actor, ...sectionColumns(EMPTY_SECTIONS), createdAt: timestamp, updatedAt: timestamp })
        .run();
      const row = this.records.require(id);
      const changedFields = diffFields(EMPTY_SECTIONS, sections).map((change) => change.path);
      this.records.writeVersion({
        consultation: row,
        authorId: actor,
        sections,
        status: 'draft',
        completedAt: null,
        completionPercentage: completionOf(sections).percentage,
        changedFields,
        changeSummary: changedFields.length ? `Created · ${summarizeChanges(changedFields)}` : 'Created',
        note: null,
        createdAt: timestamp,
      });
    });
    return this.detail(id);
  }

  /** Saves work in progress into the consultation's one draft. Accepts half-typed values; reports them. */
  autosave(input: unknown): AutosaveResult {
    const parsed = parseInput(autosaveInputSchema, input, 'This change could not be saved');
    const actor = this.actorId();
    const result = this.transaction(() => {
      const row = this.records.require(parsed.consultationId);
      this.requireEditable(row, actor);
      const draft = this.records.draft(row.id);
      const saved = sectionsOf(row);
      const content = canonicalSections({ ...(draft ? sectionsOf<DraftSections>(draft) : saved), ...parsed.sections }) as DraftSections;
      const notes = parsed.draftNotes !== undefined ? parsed.draftNotes || null : (draft?.draftNotes ?? null);
      const hasChanges = !deepEqual(content, saved);
      const updatedAt = after(draft?.updatedAt);
      // Typing undone back to the saved content, and no notes: no draft is left to recover.
      const keep = hasChanges || notes !== null;
      this.records.writeDraft(row, draft, actor, keep ? { content, draftNotes: notes, autoSaved: parsed.auto ?? true, hasChanges, updatedAt } : null);
      return { content, updatedAt };
    });
    return { updatedAt: result.updatedAt, completion: completionOf(result.content), issues: versionIssues(result.content) };
  }

  /** Turns the draft into the next version: trimmed, checked by the version rules, with its changed fields. */
  saveVersion(input: unknown): { detail: ConsultationDetail; version: VersionSummary | null } {
    const parsed = parseInput(saveVersionInputSchema, input);
    const actor = this.actorId();
    const versionNumber = this.transaction(() => {
      const row = this.records.require(parsed.consultationId);
      this.requireEditable(row, actor);
      this.requireVersion(row, parsed.expectedVersion);
      const draft = this.records.draft(row.id);
      if (!draft?.hasChanges) throw new AppFailure('conflict', 'There are no unsaved changes to save.');
      const checked = strictSectionsSchema.safeParse(normalizeForVersion(sectionsOf<DraftSections>(draft)));
      if (!checked.success) throw validationFailure(checked.error, 'Some fields need attention before saving a version');
      const sections = canonicalSections(checked.data);
      const changedFields = diffFields(sectionsOf(row), sections).map((change) => change.path);
      const timestamp = after(row.updatedAt);
      if (changedFields.length === 0) {
        // Only blanks or spacing differed: nothing to record, and nothing left unsaved.
        this.records.settleDraft(draft, sections, row.currentVersion, timestamp);
        return null;
      }
      const written = this.records.writeContentVersion(row, actor, sections, {
        changedFields,
        changeSummary: summarizeChanges(changedFields),
        note: parsed.note?.trim() || null,
        createdAt: timestamp,
      });
      this.records.settleDraft(draft, sections, written.versionNumber, timestamp);
      return written.versionNumber;
    });
    const detail = this.detail(parsed.consultationId);
    const version = versionNumber === null ? null : this.history.get(parsed.consultationId, versionNumber);
    return { detail, version };
  }

  /** Drops unsaved changes; private notes, if any, are kept. */
  discardDraft(input: unknown): ConsultationDetail {
    const { consultationId } = parseInput(consultationRefSchema, input);
    const actor = this.actorId();
    this.transaction(() => {
      const row = this.records.require(consultationId);
      this.requireOwn(row, actor);
      this.records.settleDraft(this.records.draft(row.id), sectionsOf(row), row.currentVersion, after(row.updatedAt));
    });
    return this.detail(consultationId);
  }

  changeStatus(action: StatusAction, input: unknown): ConsultationDetail {
    const parsed = parseInput(statusChangeInputSchema, input);
    const actor = this.actorId();
    this.transaction(() => {
      const row = this.records.require(parsed.consultationId);
      this.requireOwn(row, actor);
      this.requireVersion(row, parsed.expectedVersion);
      const status = nextStatus(row.status, action, row.completedAt !== null);
      if (!status) throw new AppFailure('invalid_state', statusMoveRefusal(row.status, action));
      const sections = sectionsOf(row);
      const timestamp = after(row.updatedAt);
      if (action === 'complete') {
        this.requireNoUnsavedChanges(row.id);
        const completion = completionOf(sections);
        if (!completion.canComplete) {
          const missing = completion.missing.filter((m) => m.essential);
          throw new AppFailure(
            'validation',
            `To complete, fill in: ${missing.map((m) => m.label).join(', ')}.`,
            missing.map((m) => ({ path: m.path, message: `${m.label} is needed to complete` })),
          );
        }
      }
      this.records.writeVersion({
        consultation: row,
        authorId: actor,
        sections,
        status,
        completedAt: action === 'complete' ? timestamp : action === 'reopen' ? null : row.completedAt,
        completionPercentage: row.completionPercentage,
        changedFields: ['status'],
        changeSummary: STATUS_SUMMARY[action],
        note: null,
        createdAt: timestamp,
      });
    });
    return this.detail(parsed.consultationId);
  }

  complete(input: unknown) {
    return this.changeStatus('complete', input);
  }
  reopen(input: unknown) {
    return this.changeStatus('reopen', input);
  }
  archive(input: unknown) {
    return this.changeStatus('archive', input);
  }
  unarchive(input: unknown) {
    return this.changeStatus('unarchive', input);
  }

  /** Brings an old version back as a new version: history is never rewritten. */
  restoreVersion(input: unknown): ConsultationDetail {
    const parsed = parseInput(restoreInputSchema, input);
    const actor = this.actorId();
    this.transaction(() => {
      const row = this.records.require(parsed.consultationId);
      this.requireEditable(row, actor);
      this.requireVersion(row, parsed.expectedVersion);
      this.requireNoUnsavedChanges(row.id);
      const target = this.history.get(row.id, parsed.versionNumber);
      const changedFields = diffFields(sectionsOf(row), target.sections).map((change) => change.path);
      if (changedFields.length === 0) {
        throw new AppFailure('invalid_state', `Version ${parsed.versionNumber} has the same content as the current one.`);
      }
      this.records.writeContentVersion(row, actor, canonicalSections(target.sections), {
        changedFields,
        changeSummary: `Restored version ${parsed.versionNumber} · ${summarizeChanges(changedFields)}`,
        createdAt: after(row.updatedAt),
      });
    });
    return this.detail(parsed.consultationId);
  }

  delete(input: unknown): { deleted: true } {
    const { consultationId } = parseInput(consultationRefSchema, input);
    const actor = this.actorId();
    this.transaction(() => {
      const row = this.records.require(consultationId);
      this.requireOwn(row, actor);
      this.db.delete(consultations).where(eq(consultations.id, consultationId)).run();
    });
    return { deleted: true };
  }
}
