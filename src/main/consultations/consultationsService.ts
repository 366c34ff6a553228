import type { ConsultationStore } from '../store/consultationStore';
import { sectionsOf, toConsultation, type ConsultationRow } from '../store/rows';
import { after, newId, now } from '../clock';
import { AppFailure, validationFailure, type FieldIssue } from '@shared/errors';
import { assess, versionIssues } from '@shared/consultation/assessment';
import { completionOf } from '@shared/consultation/completion';
import { deepEqual, diffFields, summarizeChanges } from '@shared/consultation/diff';
import { applyEdits } from '@shared/consultation/edits';
import { fieldLabel, fieldPathOf } from '@shared/consultation/fields';
import { canonicalSections, normalizeForVersion } from '@shared/consultation/normalize';
import { EMPTY_SECTIONS, HARD_LIMITS, strictSectionsSchema, type WorkingSections } from '@shared/consultation/sections';
import { editRefusal, isEditable, nextStatus, statusMoveRefusal, type StatusAction } from '@shared/consultation/status';
import { withStatusEvent, type StatusEventView } from '@shared/consultation/statusEvents';
import type { OperationName, OperationOutput, ParsedInput } from '@shared/contract';
import { signedContentHash } from '../store/signOffHash';
import {
  listQuerySchema,
  type AutosaveResult,
  type ConsultationDetail,
  type ListPage,
  type ListQuery,
  type StatusCounts,
  type Version,
  type VersionDiff,
  type VersionSummary,
} from '@shared/consultation/model';

/** An operation's input as the boundary (handlers.ts) parsed it against the contract. */
type In<K extends OperationName> = NonNullable<ParsedInput<K>>;

/** "Some fields need attention: Contact › Email, Business › Team size" — the fields named, not only counted. */
function namedIssues(issues: FieldIssue[], lead: string): AppFailure {
  const labels = [...new Set(issues.map((issue) => fieldLabel(fieldPathOf(issue.path))))];
  return new AppFailure('validation', `${lead}: ${labels.join(', ')}.`, issues);
}

/**
 * What a consultant does to consultations: ownership and status rules, working-copy edits, versions.
 * Every read and write goes through the consultation store; every write is one immediate transaction.
 */
export class ConsultationsService {
  constructor(
    private readonly store: ConsultationStore,
    /** The current user's id; throws a profile_required error before first-run setup. */
    private readonly actorId: () => string,
  ) {}

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

  private versionContent(row: ConsultationRow): WorkingSections {
    return this.store.versionSections(row.id, row.currentVersion) ?? canonicalSections(EMPTY_SECTIONS);
  }

  private changedSinceVersion(row: ConsultationRow): boolean {
    return !deepEqual(sectionsOf(row), this.versionContent(row));
  }

  /** Newest signed version, and whether the working copy differs from what was signed. */
  private signOffState(row: ConsultationRow): ConsultationDetail['signOff'] {
    const signedVersion = this.store.newestSignedVersion(row.id);
    if (signedVersion === null) return { signedVersion: null, changedSinceSigned: false };
    const signed = this.store.versionSections(row.id, signedVersion);
    return { signedVersion, changedSinceSigned: !signed || !deepEqual(sectionsOf(row), signed) };
  }

  /** The earlier visit's newest version content (what a follow-up was prefilled from), if it is still here. */
  private lastVisit(row: ConsultationRow): { consultationId: string; versionNumber: number; sections: WorkingSections } | null {
    if (!row.followUpOf) return null;
    const previous = this.store.find(row.followUpOf);
    if (!previous) return null;
    return { consultationId: previous.id, versionNumber: previous.currentVersion, sections: this.versionContent(previous) };
  }

  /** A follow-up's changes from the earlier visit to `sections` (the working copy, or a version being printed). */
  sinceLastVisitOf(row: ConsultationRow, sections: WorkingSections): ConsultationDetail['sinceLastVisit'] {
    const last = this.lastVisit(row);
    return last ? { consultationId: last.consultationId, versionNumber: last.versionNumber, changes: diffFields(last.sections, sections) } : null;
  }

  private currentActorOrNull(): string | null {
    try {
      return this.actorId();
    } catch {
      return null;
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------

  get({ consultationId }: In<'consultations.get'>): ConsultationDetail {
    const { row, ownerName } = this.store.requireWithOwner(consultationId);
    const sections = sectionsOf(row);
    const { completion, issues } = assess(sections);
    return {
      consultation: toConsultation(row, ownerName, this.currentActorOrNull()),
      notes: this.store.notes(row.id),
      changedSinceVersion: this.changedSinceVersion(row),
      completion,
      issues,
      signOff: this.signOffState(row),
      sinceLastVisit: this.sinceLastVisitOf(row, sections),
    };
  }

  list(query: In<'consultations.list'>): ListPage {
    return this.store.list.page(query);
  }

  /** Query plan of a list call, for the tests and benchmarks that prove the indexes are used (not an operation). */
  explainList(query: ListQuery = {}): string[] {
    return this.store.list.explain(listQuerySchema.parse(query));
  }

  counts(): StatusCounts {
    return this.store.list.counts();
  }

  industries(): string[] {
    return this.store.list.industries();
  }

  listVersions({ consultationId }: In<'consultations.listVersions'>): VersionSummary[] {
    this.store.require(consultationId);
    return this.store.listVersions(consultationId);
  }

  statusEvents({ consultationId }: In<'consultations.statusEvents'>): StatusEventView[] {
    return this.store.statusEvents(consultationId);
  }

  getVersion({ consultationId, versionNumber }: In<'consultations.getVersion'>): Version {
    return this.store.getVersion(consultationId, versionNumber);
  }

  diffVersions({ consultationId, from, to }: In<'consultations.diffVersions'>): VersionDiff {
    return this.store.diffVersions(consultationId, from, to);
  }

  // ---- writes ------------------------------------------------------------------------------------------

  create({ sections: given }: In<'consultations.create'> = {}, followUpOf: string | null = null): ConsultationDetail {
    const actor = this.actorId();
    const parsed = strictSectionsSchema.safeParse(normalizeForVersion({ ...EMPTY_SECTIONS, ...given }));
    if (!parsed.success) throw validationFailure(parsed.error, 'Some fields need attention');
    const sections = canonicalSections(parsed.data);
    const id = newId();
    const timestamp = now();
    this.store.transaction(() => {
      const empty = canonicalSections(EMPTY_SECTIONS);
      this.store.insert({
        id,
        userId: actor,
        contactInfo: empty.contact_info,
        businessContext: empty.business_context,
        painPoints: empty.pain_points,
        goalsObjectives: empty.goals_objectives,
        status: 'draft',
        completionPercentage: 0,
        currentVersion: 0,
        createdAt: timestamp,
        updatedAt: timestamp,
        completedAt: null,
        followUpOf,
        statusEvents: [],
      });
      const changedFields = diffFields(EMPTY_SECTIONS, sections).map((change) => change.path);
      this.store.writeVersion({
        consultation: this.store.require(id),
        authorId: actor,
        sections,
        status: 'draft',
        completedAt: null,
        completionPercentage: completionOf(sections).percentage,
        changedFields,
        changeSummary: `${followUpOf ? 'Follow-up visit' : 'Created'}${changedFields.length ? ` · ${summarizeChanges(changedFields)}` : ''}`,
        note: null,
        createdAt: timestamp,
      });
    });
    return this.get({ consultationId: id });
  }

  /**
   * Saves field edits into the working copy. Whatever was typed is kept (the version rules are reported,
   * never a reason to refuse); only a hard limit refuses, and only that field. A field another window
   * changed since this one read it comes back as a conflict instead of being overwritten.
   */
  autosave({ consultationId, edits, notes }: In<'consultations.autosave'>): AutosaveResult {
    const actor = this.actorId();
    return this.store.transaction(() => {
      const row = this.store.require(consultationId);
      this.requireEditable(row, actor);
      const current = sectionsOf(row);
      const outcome = applyEdits(current, edits);
      const updatedAt = after(row.updatedAt);
      const { completion, issues } = assess(outcome.next);
      if (!deepEqual(outcome.next, current)) {
        this.store.writeWorkingCopy(row.id, outcome.next, completion.percentage, updatedAt);
      }
      for (const path of outcome.applied) this.store.closeConflictsAt(row.id, path, updatedAt);
      if (notes !== undefined && (notes?.length ?? 0) > HARD_LIMITS.notesChars) {
        outcome.rejected.push({
          path: 'notes',
          message: `Too long to keep: at most ${HARD_LIMITS.notesChars.toLocaleString('en-US')} characters. Everything else is saved.`,
        });
      } else if (notes !== undefined) {
        this.store.writeNotes(row, actor, notes?.trim() ? notes : null, updatedAt);
      }
      return {
        updatedAt,
        completion,
        issues,
        rejected: outcome.rejected,
        conflicts: outcome.conflicts,
        changedSinceVersion: !deepEqual(outcome.next, this.versionContent(row)),
        currentVersion: row.currentVersion,
      };
    });
  }

  /** Snapshots the working copy as the next version, if it passes the version rules (fields named if not). */
  private snapshot(row: ConsultationRow, actor: string, note: string | null, summaryPrefix = ''): ConsultationRow {
    const checked = strictSectionsSchema.safeParse(normalizeForVersion(sectionsOf(row)));
    if (!checked.success) throw namedIssues(versionIssues(sectionsOf(row)), 'Some fields need attention before saving a version');
    const sections = canonicalSections(checked.data) as WorkingSections;
    const changedFields = diffFields(this.versionContent(row), sections).map((change) => change.path);
    const timestamp = after(row.updatedAt);
    if (changedFields.length === 0) {
      // Only blanks or spacing differed: the working copy takes the tidy form, no version is needed.
      if (!deepEqual(sections, sectionsOf(row))) this.store.writeWorkingCopy(row.id, sections, completionOf(sections).percentage, timestamp);
      return this.store.require(row.id);
    }
    this.store.writeVersion({
      consultation: row,
      authorId: actor,
      sections,
      status: row.status,
      completedAt: row.completedAt,
      completionPercentage: completionOf(sections).percentage,
      changedFields,
      changeSummary: `${summaryPrefix}${summarizeChanges(changedFields)}`,
      note,
      createdAt: timestamp,
    });
    return this.store.require(row.id);
  }

  saveVersion({ consultationId, expectedVersion, note }: In<'consultations.saveVersion'>): OperationOutput<'consultations.saveVersion'> {
    const actor = this.actorId();
    const versionNumber = this.store.transaction(() => {
      const row = this.store.require(consultationId);
      this.requireEditable(row, actor);
      this.requireVersion(row, expectedVersion);
      if (!this.changedSinceVersion(row)) throw new AppFailure('invalid_state', `Nothing changed since version ${row.currentVersion}.`);
      const saved = this.snapshot(row, actor, note?.trim() || null);
      return saved.currentVersion === row.currentVersion ? null : saved.currentVersion;
    });
    return {
      detail: this.get({ consultationId }),
      version: versionNumber === null ? null : this.store.getVersion(consultationId, versionNumber),
    };
  }

  /** Puts the working copy back to its newest version; private notes stay. */
  discardChanges({ consultationId }: In<'consultations.discardChanges'>): ConsultationDetail {
    const actor = this.actorId();
    this.store.transaction(() => {
      const row = this.store.require(consultationId);
      this.requireEditable(row, actor);
      const content = this.versionContent(row);
      this.store.writeWorkingCopy(row.id, content, assess(content).completion.percentage, after(row.updatedAt));
    });
    return this.get({ consultationId });
  }

  changeStatus(action: StatusAction, { consultationId, expectedVersion }: In<'consultations.complete'>): ConsultationDetail {
    const actor = this.actorId();
    this.store.transaction(() => {
      let row = this.store.require(consultationId);
      this.requireOwn(row, actor);
      this.requireVersion(row, expectedVersion);
      const status = nextStatus(row.status, action, row.completedAt !== null);
      if (!status) throw new AppFailure('invalid_state', statusMoveRefusal(row.status, action));
      if (action === 'complete') {
        // What the consultant sees is what gets completed: changes since the last version are saved first.
        if (this.changedSinceVersion(row)) row = this.snapshot(row, actor, null);
        const completion = assess(sectionsOf(row)).completion;
        if (!completion.canComplete) {
          const missing = completion.missing.filter((m) => m.essential);
          throw new AppFailure(
            'validation',
            `To complete, fill in: ${missing.map((m) => m.label).join(', ')}.`,
            missing.map((m) => ({ path: m.path, message: `${m.label} is needed to complete` })),
          );
        }
      }
      // A status move is an event in the history, not a version: the content did not change with it.
      const timestamp = after(row.updatedAt);
      this.store.moveStatus(row.id, {
        status,
        completedAt: action === 'complete' ? timestamp : action === 'reopen' ? null : row.completedAt,
        statusEvents: withStatusEvent(row.statusEvents, { id: newId(), at: timestamp, by: actor, from: row.status, to: status }),
        updatedAt: timestamp,
      });
    });
    return this.get({ consultationId });
  }

  complete(input: In<'consultations.complete'>) {
    return this.changeStatus('complete', input);
  }
  reopen(input: In<'consultations.reopen'>) {
    return this.changeStatus('reopen', input);
  }
  archive(input: In<'consultations.archive'>) {
    return this.changeStatus('archive', input);
  }
  unarchive(input: In<'consultations.unarchive'>) {
    return this.changeStatus('unarchive', input);
  }

  /**
   * Brings an old version back as a new version: history is never rewritten, and changes since the newest
   * version are first kept as a version of their own, so a restore never drops what was typed.
   */
  restoreVersion({ consultationId, versionNumber, expectedVersion }: In<'consultations.restoreVersion'>): ConsultationDetail {
    const actor = this.actorId();
    this.store.transaction(() => {
      let row = this.store.require(consultationId);
      this.requireEditable(row, actor);
      this.requireVersion(row, expectedVersion);
      const target = this.store.getVersion(row.id, versionNumber);
      if (this.changedSinceVersion(row)) row = this.snapshot(row, actor, null, 'Kept before a restore · ');
      const changedFields = diffFields(sectionsOf(row), target.sections).map((change) => change.path);
      if (changedFields.length === 0) {
        throw new AppFailure('invalid_state', `Version ${versionNumber} has the same content as the current one.`);
      }
      this.store.writeVersion({
        consultation: row,
        authorId: actor,
        sections: target.sections,
        status: row.status,
        completedAt: row.completedAt,
        completionPercentage: assess(target.sections).completion.percentage,
        changedFields,
        changeSummary: `Restored version ${versionNumber} · ${summarizeChanges(changedFields)}`,
        note: null,
        createdAt: after(row.updatedAt),
      });
    });
    return this.get({ consultationId });
  }

  /**
   * The next visit to the same client: a new consultation of the current consultant, prefilled from the
   * earlier visit's newest version and linked to it, so the form and the PDF can say what changed since.
   */
  createFollowUp({ consultationId }: In<'consultations.createFollowUp'>): ConsultationDetail {
    this.store.require(consultationId);
    // Asked from an earlier visit of a client who was seen since: the new visit follows the last one.
    const previous = this.store.require(this.store.list.latestVisitFrom(consultationId));
    return this.create({ sections: this.versionContent(previous) }, previous.id);
  }

  /**
   * Client sign-off: the working copy, as the client just read it, becomes a new numbered version carrying
   * the signer's name, the time, the drawing (if any) and a SHA-256 of its canonical content. That version is
   * never edited; typing afterwards makes the consultation "changed since signed".
   */
  signOff({
    consultationId,
    expectedVersion,
    expectedUpdatedAt,
    signerName,
    signatureImage,
  }: In<'consultations.signOff'>): OperationOutput<'consultations.signOff'> {
    const actor = this.actorId();
    const versionNumber = this.store.transaction(() => {
      const row = this.store.require(consultationId);
      this.requireEditable(row, actor);
      this.requireVersion(row, expectedVersion);
      if (expectedUpdatedAt !== undefined && row.updatedAt !== expectedUpdatedAt) {
        throw new AppFailure('conflict', 'The record changed while the client was reading it. Show it to them again before they sign.');
      }
      const checked = strictSectionsSchema.safeParse(normalizeForVersion(sectionsOf(row)));
      if (!checked.success) throw namedIssues(versionIssues(sectionsOf(row)), 'Some fields need attention before the client signs');
      const sections = canonicalSections(checked.data) as WorkingSections;
      // When the client signed, by this laptop's clock; the version's own time still orders after the row's.
      const signedAt = now();
      const signOff = { signerName, signedAt, signatureImage };
      const changedFields = diffFields(this.versionContent(row), sections).map((change) => change.path);
      const { versionNumber: signed } = this.store.writeVersion({
        consultation: row,
        authorId: actor,
        sections,
        status: row.status,
        completedAt: row.completedAt,
        completionPercentage: completionOf(sections).percentage,
        changedFields,
        changeSummary: `Signed by ${signerName}${changedFields.length ? ` · ${summarizeChanges(changedFields)}` : ''}`,
        note: null,
        createdAt: after(row.updatedAt),
        signOff: { ...signOff, contentHash: signedContentHash(row.id, sections, signOff) },
      });
      return signed;
    });
    return { detail: this.get({ consultationId }), version: this.store.getVersion(consultationId, versionNumber) };
  }

  delete({ consultationId }: In<'consultations.delete'>): { deleted: true } {
    const actor = this.actorId();
    this.store.transaction(() => {
      const row = this.store.require(consultationId);
      this.requireOwn(row, actor);
      this.store.delete(consultationId);
    });
    return { deleted: true };
  }
}
