import type Database from 'better-sqlite3';
import type { LocalDatabase } from '../db/client';
import { AppFailure } from '@shared/errors';
import { newId } from '../clock';
import { diffFields } from '@shared/consultation/diff';
import type { WorkingSections } from '@shared/consultation/sections';
import type { Version, VersionDiff, VersionSummary } from '@shared/consultation/model';
import type { Status } from '@shared/consultation/status';
import type { StatusEvent, StatusEventView } from '@shared/consultation/statusEvents';
import {
  consultationCodec,
  sectionColumns,
  sectionsOf,
  sectionValues,
  userCodec,
  versionCodec,
  type ConsultationRow,
  type UserRow,
  type VersionRow,
} from './rows';
import type { SqlRow } from './columns';
import { ConsultationList } from './consultationList';

// The one door to the consultation tables: consultations (each row is the working copy, the record the
// consultant sees), consultation_versions (named snapshots), consultation_drafts (now only the private
// notes), consultation_conflicts and consultation_tombstones. Services, import/export and sync call these
// named operations; none of them holds SQL for these tables. Statements are prepared once per database.

export interface NewVersion {
  consultation: ConsultationRow;
  authorId: string;
  /** The version's content. */
  sections: WorkingSections;
  status: Status;
  completedAt: string | null;
  completionPercentage: number;
  changedFields: string[];
  changeSummary: string;
  note: string | null;
  createdAt: string;
  /** The client's sign-off, written with the version (a version is never signed afterwards). */
  signOff?: { signerName: string; signedAt: string; signatureImage: string | null; contentHash: string };
}

export interface ConflictRow {
  id: string;
  consultation_id: string;
  field_path: string;
  base_value: string | null;
  our_value: string | null;
  their_value: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface TombstoneRow {
  id: string;
  user_id: string;
  deleted_at: string;
}

const C = consultationCodec;
const V = versionCodec;
/** Where the four section columns' JSON texts sit among a consultation's SQL values. */
const SECTION_AT = ['contact_info', 'business_context', 'pain_points', 'goals_objectives'].map((name) => C.names.indexOf(name));

function prepare(sqlite: Database.Database) {
  const p = (text: string) => sqlite.prepare(text);
  const sectionSet = `"contact_info" = ?, "business_context" = ?, "pain_points" = ?, "goals_objectives" = ?`;
  return {
    byId: p(`SELECT * FROM "consultations" WHERE "id" = ?`),
    ownerOf: p(`SELECT "user_id" AS u FROM "consultations" WHERE "id" = ?`),
    withOwner: p(`SELECT c.*, u."name" AS "owner_name" FROM "consultations" c LEFT JOIN "users" u ON u."id" = c."user_id" WHERE c."id" = ?`),
    insert: p(`INSERT INTO "consultations" (${C.list}) VALUES (${C.placeholders})`),
    replace: p(
      `UPDATE "consultations" SET ${C.names
        .filter((n) => n !== 'id')
        .map((n) => `"${n}" = ?`)
        .join(', ')} WHERE "id" = ?`,
    ),
    writeWorking: p(`UPDATE "consultations" SET ${sectionSet}, "completion_percentage" = ?, "updated_at" = ? WHERE "id" = ?`),
    moveToVersion: p(`UPDATE "consultations" SET ${sectionSet}, "status" = ?, "completion_percentage" = ?, "current_version" = ?,
      "updated_at" = ?, "completed_at" = ? WHERE "id" = ? AND "current_version" = ?`),
    moveStatus: p(`UPDATE "consultations" SET "status" = ?, "completed_at" = ?, "status_events" = ?, "updated_at" = ? WHERE "id" = ?`),
    setCurrentVersion: p(`UPDATE "consultations" SET "current_version" = ? WHERE "id" = ?`),
    newestVersion: p(`SELECT max("version_number") AS n FROM "consultation_versions" WHERE "consultation_id" = ?`),
    versionStatus: p(`SELECT "status" FROM "consultation_versions" WHERE "consultation_id" = ? AND "version_number" = ?`),
    newestSigned: p(`SELECT max("version_number") AS n FROM "consultation_versions" WHERE "consultation_id" = ? AND "signed_at" IS NOT NULL`),
    delete: p(`DELETE FROM "consultations" WHERE "id" = ?`),
    countOwned: p(`SELECT count(*) AS n FROM "consultations" WHERE "user_id" = ?`),
    all: p(`SELECT * FROM "consultations" ORDER BY "id"`),
    notes: p(`SELECT "draft_notes" AS notes FROM "consultation_drafts" WHERE "consultation_id" = ?`),
    upsertNotes:
      p(`INSERT INTO "consultation_drafts" ("id", "consultation_id", "user_id", "draft_notes", "has_changes", "base_version", "created_at", "updated_at")
      VALUES (?, ?, ?, ?, 0, 0, ?, ?) ON CONFLICT("consultation_id") DO UPDATE SET "draft_notes" = excluded."draft_notes", "updated_at" = excluded."updated_at"`),
    deleteNotes: p(`DELETE FROM "consultation_drafts" WHERE "consultation_id" = ?`),
    version: p(`SELECT v.*, u."name" AS "author_name" FROM "consultation_versions" v LEFT JOIN "users" u ON u."id" = v."user_id"
      WHERE v."consultation_id" = ? AND v."version_number" = ?`),
    versions: p(`SELECT v.*, u."name" AS "author_name" FROM "consultation_versions" v LEFT JOIN "users" u ON u."id" = v."user_id"
      WHERE v."consultation_id" = ? ORDER BY v."version_number"`),
    versionIds: p(`SELECT "id" FROM "consultation_versions" WHERE "consultation_id" = ?`),
    versionById: p(`SELECT * FROM "consultation_versions" WHERE "id" = ?`),
    insertVersion: p(`INSERT INTO "consultation_versions" (${V.list}) VALUES (${V.placeholders})`),
    insertVersionIfNew: p(`INSERT OR IGNORE INTO "consultation_versions" (${V.list}) VALUES (${V.placeholders})`),
    renumber: p(`UPDATE "consultation_versions" SET "version_number" = ? WHERE "id" = ?`),
    allVersions: p(`SELECT * FROM "consultation_versions" ORDER BY "consultation_id", "version_number"`),
    unpushedVersions: p(`SELECT v.* FROM "consultation_versions" v WHERE v."consultation_id" = ? AND EXISTS
      (SELECT 1 FROM "sync_outbox" o WHERE o."entity" = 'version' AND o."entity_id" = v."id") ORDER BY v."version_number"`),
    openConflicts: p(`SELECT * FROM "consultation_conflicts" WHERE "consultation_id" = ? AND "resolved_at" IS NULL ORDER BY "created_at", "field_path"`),
    conflict: p(`SELECT * FROM "consultation_conflicts" WHERE "id" = ? AND "resolved_at" IS NULL`),
    insertConflict: p(`INSERT INTO "consultation_conflicts" ("id", "consultation_id", "field_path", "base_value", "our_value", "their_value", "created_at")
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    resolveConflict: p(`UPDATE "consultation_conflicts" SET "resolved_at" = ? WHERE "id" = ?`),
    conflictsOf: p(`SELECT * FROM "consultation_conflicts" WHERE "consultation_id" = ? ORDER BY "created_at", "id"`),
    insertConflictIfNew:
      p(`INSERT OR IGNORE INTO "consultation_conflicts" ("id", "consultation_id", "field_path", "base_value", "our_value", "their_value", "created_at", "resolved_at")
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    closeOpenConflict: p(`UPDATE "consultation_conflicts" SET "resolved_at" = ? WHERE "id" = ? AND "resolved_at" IS NULL`),
    closeConflictsAt: p(`UPDATE "consultation_conflicts" SET "resolved_at" = ? WHERE "consultation_id" = ? AND "field_path" = ? AND "resolved_at" IS NULL`),
    insertTombstone: p(`INSERT OR IGNORE INTO "consultation_tombstones" ("id", "user_id", "deleted_at") VALUES (?, ?, ?)`),
    tombstone: p(`SELECT * FROM "consultation_tombstones" WHERE "id" = ?`),
    deleteTombstone: p(`DELETE FROM "consultation_tombstones" WHERE "id" = ?`),
    user: p(`SELECT * FROM "users" WHERE "id" = ?`),
    reassignConsultations: p(`UPDATE "consultations" SET "user_id" = ? WHERE "user_id" = ?`),
    reassignVersions: p(`UPDATE "consultation_versions" SET "user_id" = ? WHERE "user_id" = ?`),
    reassignNotes: p(`UPDATE "consultation_drafts" SET "user_id" = ? WHERE "user_id" = ?`),
    reassignTombstones: p(`UPDATE "consultation_tombstones" SET "user_id" = ? WHERE "user_id" = ?`),
    // Status moves a never-shared profile made are the adopted identity's too (the list is JSON text).
    reassignEventAuthors: p(`UPDATE "consultations" SET "status_events" = (SELECT json_group_array(CASE WHEN json_extract(e."value", '$.by') = ?
      THEN json_set(e."value", '$.by', ?) ELSE json(e."value") END) FROM json_each("consultations"."status_events") e)
      WHERE "user_id" = ? AND instr("status_events", ?) > 0`),
    userNames: p(`SELECT "id", "name" FROM "users"`),
    insertUserIfNew: p(`INSERT OR IGNORE INTO "users" (${userCodec.list}) VALUES (${userCodec.placeholders})`),
  };
}

type Statements = ReturnType<typeof prepare>;

/** A row read with its joined name column. */
type Named<K extends string> = SqlRow & Record<K, string | null>;

function toSummary(row: VersionRow, authorName: string | null): VersionSummary {
  return {
    id: row.id,
    versionNumber: row.versionNumber,
    userId: row.userId,
    authorName,
    status: row.status,
    completionPercentage: row.completionPercentage,
    changeSummary: row.changeSummary,
    changedFields: row.changedFields,
    note: row.note,
    createdAt: row.createdAt,
    signOff:
      row.signerName !== null && row.signedAt !== null && row.contentHash !== null
        ? { signerName: row.signerName, signedAt: row.signedAt, contentHash: row.contentHash, hasDrawing: row.signatureImage !== null }
        : null,
  };
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

export class ConsultationStore {
  private readonly q: Statements;
  readonly list: ConsultationList;

  constructor(private readonly database: LocalDatabase) {
    this.q = prepare(database.sqlite);
    this.list = new ConsultationList(database.sqlite);
  }

  /** Runs work in one immediate (write-locking) transaction; nested calls join the outer one. */
  transaction<T>(work: () => T): T {
    const sqlite = this.database.sqlite;
    return sqlite.inTransaction ? work() : sqlite.transaction(work).immediate();
  }

  // ---- consultations -----------------------------------------------------------------------------------

  find(id: string): ConsultationRow | undefined {
    const row = this.q.byId.get(id) as SqlRow | undefined;
    return row ? C.fromSql(row) : undefined;
  }

  /** Who owns it, if it is here: the row's owner alone, without reading its sections. */
  ownerOf(id: string): string | undefined {
    return (this.q.ownerOf.get(id) as { u: string } | undefined)?.u;
  }

  require(id: string): ConsultationRow {
    const row = this.find(id);
    if (!row) throw new AppFailure('not_found', 'This consultation no longer exists.');
    return row;
  }

  requireWithOwner(id: string): { row: ConsultationRow; ownerName: string | null } {
    const found = this.q.withOwner.get(id) as Named<'owner_name'> | undefined;
    if (!found) throw new AppFailure('not_found', 'This consultation no longer exists.');
    return { row: C.fromSql(found), ownerName: found.owner_name };
  }

  insert(row: ConsultationRow): void {
    this.q.insert.run(...C.toSql({ ...row, ...sectionColumns(sectionsOf(row)) }));
  }

  /** Overwrites every column of an existing consultation (a newer row from the team or an import). */
  replace(row: ConsultationRow): void {
    const values = C.toSql({ ...row, ...sectionColumns(sectionsOf(row)) });
    this.q.replace.run(...values.slice(1), row.id);
  }

  /** Saves the working copy: what the consultant typed is the record from this moment. */
  writeWorkingCopy(id: string, sections: WorkingSections, completionPercentage: number, updatedAt: string): void {
    this.q.writeWorking.run(...sectionValues(sections), completionPercentage, updatedAt, id);
  }

  /** The content of a numbered version, or undefined when there is none. */
  versionSections(consultationId: string, versionNumber: number): WorkingSections | undefined {
    const row = this.q.version.get(consultationId, versionNumber) as SqlRow | undefined;
    return row ? sectionsOf(V.fromSql(row)) : undefined;
  }

  /** Writes the next numbered version and moves the consultation (and its working copy) onto it. */
  writeVersion(v: NewVersion): { versionId: string; versionNumber: number } {
    const versionNumber = v.consultation.currentVersion + 1;
    const versionId = newId();
    const changedElsewhere = () => new AppFailure('conflict', 'This consultation was changed elsewhere. Reload it and try again.');
    const sections = sectionColumns(v.sections);
    try {
      this.q.insertVersion.run(
        ...V.toSql({
          id: versionId,
          consultationId: v.consultation.id,
          userId: v.authorId,
          versionNumber,
          ...sections,
          status: v.status,
          completionPercentage: v.completionPercentage,
          changeSummary: v.changeSummary,
          changedFields: v.changedFields,
          note: v.note,
          createdAt: v.createdAt,
          signerName: v.signOff?.signerName ?? null,
          signedAt: v.signOff?.signedAt ?? null,
          signatureImage: v.signOff?.signatureImage ?? null,
          contentHash: v.signOff?.contentHash ?? null,
        }),
      );
    } catch (error) {
      // Another writer (sync, a second window) took this version number first.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw changedElsewhere();
      throw error;
    }
    const moved = this.q.moveToVersion.run(
      ...sectionValues(v.sections),
      v.status,
      v.completionPercentage,
      versionNumber,
      v.createdAt,
      v.completedAt,
      v.consultation.id,
      v.consultation.currentVersion,
    );
    if (moved.changes !== 1) throw changedElsewhere();
    return { versionId, versionNumber };
  }

  /** Moves the status with no content version: the move is an event in the row's history list. */
  moveStatus(id: string, move: { status: Status; completedAt: string | null; statusEvents: StatusEvent[]; updatedAt: string }): void {
    this.q.moveStatus.run(move.status, move.completedAt, JSON.stringify(move.statusEvents), move.updatedAt, id);
  }

  /** Deletes a consultation with its versions, notes and conflicts (the sync trigger leaves a tombstone). */
  delete(id: string): void {
    this.q.delete.run(id);
  }

  countOwnedBy(userId: string): number {
    return (this.q.countOwned.get(userId) as { n: number }).n;
  }

  // ---- private notes -----------------------------------------------------------------------------------

  notes(consultationId: string): string | null {
    return (this.q.notes.get(consultationId) as { notes: string | null } | undefined)?.notes ?? null;
  }

  writeNotes(row: ConsultationRow, authorId: string, notes: string | null, updatedAt: string): void {
    if (notes) this.q.upsertNotes.run(newId(), row.id, authorId, notes, updatedAt, updatedAt);
    else this.q.deleteNotes.run(row.id);
  }

  // ---- history -----------------------------------------------------------------------------------------

  listVersions(consultationId: string): VersionSummary[] {
    return (this.q.versions.all(consultationId) as Named<'author_name'>[]).map((row) => toSummary(V.fromSql(row), row.author_name));
  }

  /** The consultation's status moves, oldest first, with who made each. */
  statusEvents(consultationId: string): StatusEventView[] {
    const names = this.userNames();
    return this.require(consultationId).statusEvents.map((event) => ({ ...event, byName: names.get(event.by) ?? null }));
  }

  getVersion(consultationId: string, versionNumber: number): Version {
    const found = this.q.version.get(consultationId, versionNumber) as Named<'author_name'> | undefined;
    if (!found) throw new AppFailure('not_found', `Version ${versionNumber} does not exist.`);
    const row = V.fromSql(found);
    return { ...toSummary(row, found.author_name), consultationId, sections: sectionsOf(row), signatureImage: row.signatureImage };
  }

  diffVersions(consultationId: string, from: number, to: number): VersionDiff {
    // Version "0" is the empty form every consultation starts from, so version 1 compares with something.
    const a = from === 0 ? { sections: {}, status: 'draft' } : this.getVersion(consultationId, from);
    const b = this.getVersion(consultationId, to);
    const changes = diffFields(a.sections, b.sections);
    if (a.status !== b.status) changes.push({ path: 'status', before: a.status, after: b.status });
    return { from, to, changes };
  }

  // ---- conflicts ---------------------------------------------------------------------------------------

  openConflicts(consultationId: string): ConflictRow[] {
    return this.q.openConflicts.all(consultationId) as ConflictRow[];
  }

  openConflict(id: string): ConflictRow | undefined {
    return this.q.conflict.get(id) as ConflictRow | undefined;
  }

  addConflict(consultationId: string, path: string, values: { base: unknown; ours: unknown; theirs: unknown }, createdAt: string): void {
    const json = (value: unknown) => JSON.stringify(value ?? null);
    this.q.insertConflict.run(newId(), consultationId, path, json(values.base), json(values.ours), json(values.theirs), createdAt);
  }

  resolveConflict(id: string, resolvedAt: string): void {
    this.q.resolveConflict.run(resolvedAt, id);
  }

  /** Every conflict of a consultation, open or resolved (what a push carries to the team). */
  conflictsOf(consultationId: string): ConflictRow[] {
    return this.q.conflictsOf.all(consultationId) as ConflictRow[];
  }

  /** A conflict another device recorded (already checked by rows.ts); one already here keeps its state. */
  addConflictIfNew(row: ConflictRow): boolean {
    const { id, consultation_id, field_path, base_value, our_value, their_value, created_at, resolved_at } = row;
    return this.q.insertConflictIfNew.run(id, consultation_id, field_path, base_value, our_value, their_value, created_at, resolved_at).changes === 1;
  }

  /** Closes a conflict if it is still open (a resolution from another device, or a field changed since). */
  closeOpenConflict(id: string, resolvedAt: string): boolean {
    return this.q.closeOpenConflict.run(resolvedAt, id).changes === 1;
  }

  /** The consultant edited the field again: whatever was in conflict there is settled by that edit. */
  closeConflictsAt(consultationId: string, path: string, resolvedAt: string): void {
    this.q.closeConflictsAt.run(resolvedAt, consultationId, path);
  }

  // ---- whole-database reads (export) -------------------------------------------------------------------

  allConsultations(): ConsultationRow[] {
    return (this.q.all.all() as SqlRow[]).map((row) => C.fromSql(row));
  }

  allVersions(): VersionRow[] {
    return (this.q.allVersions.all() as SqlRow[]).map((row) => V.fromSql(row));
  }

  byIds(ids: readonly string[]): ConsultationRow[] {
    const byId = new Map<string, ConsultationRow>();
    for (const part of chunks(ids, 500)) {
      const rows = this.database.sqlite.prepare(`SELECT * FROM "consultations" WHERE "id" IN (${part.map(() => '?').join(', ')})`).all(...part) as SqlRow[];
      for (const row of rows) byId.set(String(row.id), C.fromSql(row));
    }
    return ids.map((id) => byId.get(id)).filter((row): row is ConsultationRow => row !== undefined);
  }

  userNames(): Map<string, string> {
    return new Map((this.q.userNames.all() as { id: string; name: string }[]).map((u) => [u.id, u.name]));
  }

  // ---- rows from outside (import, the team database), already checked by rows.ts -------------------------

  versionIds(consultationId: string): Set<string> {
    return new Set((this.q.versionIds.all(consultationId) as { id: string }[]).map((r) => r.id));
  }

  versionById(id: string): VersionRow | undefined {
    const row = this.q.versionById.get(id) as SqlRow | undefined;
    return row ? V.fromSql(row) : undefined;
  }

  versionsOf(consultationId: string): VersionRow[] {
    return (this.q.versions.all(consultationId) as SqlRow[]).map((row) => V.fromSql(row));
  }

  /** Of these ids, the consultations here, by id: one query per 500 ids (a pull page asks once, not per row). */
  foundAmong(ids: readonly string[]): Map<string, ConsultationRow> {
    return new Map(this.byIds(ids).map((row) => [row.id, row]));
  }

  /** Of these ids, those with a tombstone here. */
  tombstonedAmong(ids: readonly string[]): Set<string> {
    return new Set(this.rowsForPush('consultation_tombstones', ids).map((row) => String(row.id)));
  }

  /** The version ids each of these consultations has here (consultations with none are left out). */
  versionIdsAmong(consultationIds: readonly string[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const part of chunks(consultationIds, 500)) {
      const rows = this.database.sqlite
        .prepare(`SELECT "id", "consultation_id" AS c FROM "consultation_versions" WHERE "consultation_id" IN (${part.map(() => '?').join(', ')})`)
        .all(...part) as { id: string; c: string }[];
      for (const row of rows) out.set(row.c, (out.get(row.c) ?? new Set()).add(row.id));
    }
    return out;
  }

  /**
   * Consultations new here, each written once as it will stay: every row (its current version the newest of
   * its versions), then every version, then those whose current version needs settling (a version was
   * already here under another consultation). Rows first: versions written between rows cost about three
   * times as much (measured on a 10,000-consultation pull). Rows come checked and canonical (rows.ts).
   * Returns each row's four section texts as written (what the sync base keeps of it).
   */
  insertAllWithVersions(list: readonly { row: ConsultationRow; versions: readonly VersionRow[] }[]): string[][] {
    const texts: string[][] = [];
    for (const { row, versions } of list) {
      const newest = versions.reduce((n, v) => Math.max(n, v.versionNumber), 0);
      const values = C.toSql({ ...row, currentVersion: newest });
      this.q.insert.run(...values);
      texts.push(SECTION_AT.map((at) => values[at] as string));
    }
    for (const { row, versions } of list) {
      let all = true;
      for (const v of versions) all = this.q.insertVersionIfNew.run(...V.toSql(v)).changes === 1 && all;
      if (!all) this.settleCurrentVersion(row.id);
    }
    return texts;
  }

  /** settleCurrentVersion for a row already read. */
  settleCurrentVersionOf(row: ConsultationRow): void {
    const newest = (this.q.newestVersion.get(row.id) as { n: number | null }).n ?? 0;
    if (row.currentVersion !== newest) this.setCurrentVersion(row.id, newest);
  }

  /** Adds a version another device or a file made; a version already here (same id) is left as it is. */
  addVersionIfNew(row: VersionRow): boolean {
    return this.q.insertVersionIfNew.run(...V.toSql({ ...row, ...sectionColumns(sectionsOf(row)) })).changes === 1;
  }

  addUserIfNew(row: UserRow): void {
    this.q.insertUserIfNew.run(...userCodec.toSql(row));
  }

  /** This device's versions of a consultation not yet pushed to the team, oldest first. */
  unpushedVersions(consultationId: string): VersionRow[] {
    return (this.q.unpushedVersions.all(consultationId) as SqlRow[]).map((row) => V.fromSql(row));
  }

  /** Moves versions to new numbers (two passes, so the unique (consultation, number) index never clashes). */
  renumberVersions(moves: readonly { id: string; versionNumber: number }[]): void {
    for (const move of moves) this.q.renumber.run(move.versionNumber + 10_000_000, move.id);
    for (const move of moves) this.q.renumber.run(move.versionNumber, move.id);
  }

  setCurrentVersion(consultationId: string, versionNumber: number): void {
    this.q.setCurrentVersion.run(versionNumber, consultationId);
  }

  /**
   * Points the consultation at the newest version it actually has: rows and versions from the team can arrive
   * in different pages (or a version can be quarantined), and "changed since version N", "Discard changes" and
   * the next version number must always be about a version that is here.
   */
  settleCurrentVersion(consultationId: string): void {
    const newest = (this.q.newestVersion.get(consultationId) as { n: number | null }).n ?? 0;
    const row = this.find(consultationId);
    if (row && row.currentVersion !== newest) this.setCurrentVersion(consultationId, newest);
  }

  /** The newest version the client signed, or null. */
  newestSignedVersion(consultationId: string): number | null {
    return (this.q.newestSigned.get(consultationId) as { n: number | null }).n;
  }

  /** The status a numbered version recorded (draft when there is none). */
  versionStatus(consultationId: string, versionNumber: number): Status {
    return (this.q.versionStatus.get(consultationId, versionNumber) as { status: Status } | undefined)?.status ?? 'draft';
  }

  tombstone(id: string): TombstoneRow | undefined {
    return this.q.tombstone.get(id) as TombstoneRow | undefined;
  }

  addTombstone(row: TombstoneRow): void {
    this.q.insertTombstone.run(row.id, row.user_id, row.deleted_at);
  }

  /** The consultation lives again (work this device had not seen when it deleted it). */
  deleteTombstone(id: string): void {
    this.q.deleteTombstone.run(id);
  }

  /** Rows of one table by id, as SQL values, for a push to the team database. */
  rowsForPush(table: 'consultations' | 'consultation_versions' | 'consultation_tombstones' | 'users', ids: readonly string[]): SqlRow[] {
    const out: SqlRow[] = [];
    for (const part of chunks(ids, 500)) {
      out.push(...(this.database.sqlite.prepare(`SELECT * FROM "${table}" WHERE "id" IN (${part.map(() => '?').join(', ')})`).all(...part) as SqlRow[]));
    }
    return out;
  }

  /** Everything a never-shared local profile owns becomes the adopted team identity's. */
  reassignOwner(from: string, to: string): void {
    for (const statement of [this.q.reassignConsultations, this.q.reassignVersions, this.q.reassignNotes, this.q.reassignTombstones]) statement.run(to, from);
    this.q.reassignEventAuthors.run(from, to, to, from);
  }

  user(id: string): UserRow | undefined {
    const row = this.q.user.get(id) as SqlRow | undefined;
    return row ? userCodec.fromSql(row) : undefined;
  }
}
