import type Database from 'better-sqlite3';
import type { LocalDatabase } from '../db/client';
import { sectionsOf, sectionValues, userCodec, type UserRow } from './rows';
import type { SqlRow } from './columns';
import type { WorkingSections } from '@shared/consultation/sections';

// The sync bookkeeping on this device: the outbox (filled by triggers in the same transaction as each
// change), the "applying" switch that keeps pulled rows out of it, the team's users, and the merge base
// of each consultation. The sync engine holds the protocol; this holds its SQL.

export type Entity = 'user' | 'consultation' | 'version' | 'tombstone';
/** The column rowsForPush adds to a consultation: the team row's updated_at when this device last exchanged it (null: never). */
export const BASE_UPDATED_AT = 'sync_base_updated_at';

/** Bytes of the open conflicts a pushed consultation carries with it (src/main/sync/conflictTravel.ts). */
const OPEN_CONFLICT_BYTES = `(SELECT coalesce(sum(coalesce(length(CAST(k."base_value" AS BLOB)), 0) + coalesce(length(CAST(k."our_value" AS BLOB)), 0)
  + coalesce(length(CAST(k."their_value" AS BLOB)), 0)), 0) FROM "consultation_conflicts" k WHERE k."consultation_id" = "consultations"."id" AND k."resolved_at" IS NULL)`;

const SECTION_COLUMNS = ['contact_info', 'business_context', 'pain_points', 'goals_objectives'];

/**
 * The long text columns of the rows sync carries, both ways: what a push batch and a pull page weigh. A signed
 * version carries its drawing (up to 200,000 characters): left out, a batch of them was sized at a tenth.
 */
export const WIRE_TEXT = {
  consultation: [...SECTION_COLUMNS, 'status_events'],
  version: [...SECTION_COLUMNS, 'change_summary', 'changed_fields', 'note', 'signer_name', 'signature_image'],
} as const;

/** The text columns of what a push carries, per outbox entity (for sizing a batch to the link). */
const PUSHED_TEXT: Record<Entity, { table: string; columns: readonly string[]; extra?: string }> = {
  user: { table: 'users', columns: ['name', 'email'] },
  consultation: { table: 'consultations', columns: WIRE_TEXT.consultation, extra: OPEN_CONFLICT_BYTES },
  version: { table: 'consultation_versions', columns: WIRE_TEXT.version },
  tombstone: { table: 'consultation_tombstones', columns: ['id'] },
};

/** The rows an entity's push reads, by a JSON array of ids (one statement, prepared once, for any number of ids). */
const PUSHED_ROWS: Record<Entity, string> = {
  user: `SELECT * FROM "users" WHERE "id" IN (SELECT value FROM json_each(?))`,
  // With the team row's updated_at this device last exchanged (the compare-and-set of its upsert).
  consultation: `SELECT c.*, b."updated_at" AS "${BASE_UPDATED_AT}" FROM "consultations" c LEFT JOIN "consultation_sync_base" b ON b."consultation_id" = c."id"
    WHERE c."id" IN (SELECT value FROM json_each(?))`,
  // A consultation's versions in number order: the team checks each number against the one before.
  version: `SELECT * FROM "consultation_versions" WHERE "id" IN (SELECT value FROM json_each(?)) ORDER BY "consultation_id", "version_number"`,
  tombstone: `SELECT * FROM "consultation_tombstones" WHERE "id" IN (SELECT value FROM json_each(?))`,
};

function prepare(sqlite: Database.Database) {
  const p = (text: string) => sqlite.prepare(text);
  const bytesExpression = ({ columns, extra }: { columns: readonly string[]; extra?: string }) =>
    [...columns.map((c) => `coalesce(length(CAST("${c}" AS BLOB)), 0)`), ...(extra ? [extra] : [])].join(' + ');
  const bytesOf = (t: { table: string; columns: readonly string[]; extra?: string }) => p(`SELECT ${bytesExpression(t)} AS n FROM "${t.table}" WHERE "id" = ?`);
  // Each entry's text bytes computed by SQLite in the same read as the page (not one query per entry).
  const sized = Object.entries(PUSHED_TEXT)
    .map(([entity, t]) => `WHEN '${entity}' THEN (SELECT ${bytesExpression(t)} FROM "${t.table}" WHERE "id" = o."entity_id")`)
    .join(' ');
  return {
    textBytes: Object.fromEntries(Object.entries(PUSHED_TEXT).map(([entity, t]) => [entity, bytesOf(t)])) as Record<Entity, Database.Statement>,
    page: p(`SELECT "seq", "entity", "entity_id" AS id FROM "sync_outbox" ORDER BY "seq" LIMIT ?`),
    sizedPageAfter: p(`SELECT o."seq", o."entity", o."entity_id" AS id, coalesce(CASE o."entity" ${sized} END, 0) AS bytes
      FROM "sync_outbox" o WHERE o."seq" > ? ORDER BY o."seq" LIMIT ?`),
    pushedRows: Object.fromEntries(Object.entries(PUSHED_ROWS).map(([entity, sql]) => [entity, p(sql)])) as Record<Entity, Database.Statement>,
    deleteUpTo: p(`DELETE FROM "sync_outbox" WHERE "seq" <= ?`),
    has: p(`SELECT 1 FROM "sync_outbox" WHERE "entity" = ? AND "entity_id" = ? LIMIT 1`),
    hasWorkFor: p(`SELECT 1 FROM "sync_outbox" o WHERE (o."entity" = 'consultation' AND o."entity_id" = ?)
      OR (o."entity" = 'version' AND o."entity_id" IN (SELECT "id" FROM "consultation_versions" WHERE "consultation_id" = ?)) LIMIT 1`),
    enqueue: p(`INSERT INTO "sync_outbox" ("entity", "entity_id") VALUES (?, ?)`),
    drop: p(`DELETE FROM "sync_outbox" WHERE "entity" = ? AND "entity_id" = ?`),
    applying: p(`UPDATE "sync_control" SET "applying" = ? WHERE "id" = 1`),
    sending: p(`UPDATE "sync_control" SET "sent_up_to" = ? WHERE "id" = 1`),
    upsertUser: p(`INSERT INTO "users" (${userCodec.list}) VALUES (${userCodec.placeholders})
      ON CONFLICT("id") DO UPDATE SET "name" = excluded."name", "email" = excluded."email", "updated_at" = excluded."updated_at"
      WHERE excluded."updated_at" > "users"."updated_at"`),
    userById: p(`SELECT "id", "email" FROM "users" WHERE "id" = ?`),
    deleteUser: p(`DELETE FROM "users" WHERE "id" = ?`),
    base: p(`SELECT * FROM "consultation_sync_base" WHERE "consultation_id" = ?`),
    present: p(`SELECT 1 FROM "consultations" WHERE "id" = ?`),
    setBase: p(`INSERT INTO "consultation_sync_base" ("consultation_id", "contact_info", "business_context", "pain_points", "goals_objectives", "updated_at")
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT("consultation_id") DO UPDATE SET "contact_info" = excluded."contact_info",
      "business_context" = excluded."business_context", "pain_points" = excluded."pain_points", "goals_objectives" = excluded."goals_objectives",
      "updated_at" = excluded."updated_at"`),
  };
}

export class SyncOutbox {
  private readonly q: ReturnType<typeof prepare>;

  constructor(private readonly database: LocalDatabase) {
    this.q = prepare(database.sqlite);
  }

  page(limit: number): { seq: number; entity: Entity; id: string }[] {
    return this.q.page.all(limit) as { seq: number; entity: Entity; id: string }[];
  }

  /** The entries after `seq` (a batch still in flight carries those up to it), each with the text bytes its row carries (textBytes), read together. */
  sizedPageAfter(seq: number, limit: number): { seq: number; entity: Entity; id: string; bytes: number }[] {
    return this.q.sizedPageAfter.all(seq, limit) as { seq: number; entity: Entity; id: string; bytes: number }[];
  }

  /** The rows a push of these ids carries (rows gone since they were queued are left out); consultations with BASE_UPDATED_AT. */
  rowsForPush(entity: Entity, ids: readonly string[]): SqlRow[] {
    return ids.length === 0 ? [] : (this.q.pushedRows[entity].all(JSON.stringify(ids)) as SqlRow[]);
  }

  deleteUpTo(seq: number): void {
    this.q.deleteUpTo.run(seq);
  }

  /**
   * A push batch carrying the outbox up to `seq` is in flight (0: none). Meanwhile an entity it carries is
   * queued again when changed, so the change is not lost when the batch's entries are deleted.
   */
  sending(seq: number): void {
    this.q.sending.run(seq);
  }

  /** Changes waiting to be pushed, each entity once. */
  pending(): number {
    return pendingChanges(this.database.sqlite);
  }

  /** Bytes of text a pushed entry carries (0 when its row is gone). */
  textBytes(entity: Entity, id: string): number {
    return (this.q.textBytes[entity].get(id) as { n: number } | undefined)?.n ?? 0;
  }

  has(entity: Entity, id: string): boolean {
    return this.q.has.get(entity, id) !== undefined;
  }

  /** This device changed the consultation (its working copy or a version) since its last push. */
  hasWorkFor(consultationId: string): boolean {
    return this.q.hasWorkFor.get(consultationId, consultationId) !== undefined;
  }

  enqueue(entity: Entity, id: string): void {
    if (!this.has(entity, id)) this.q.enqueue.run(entity, id);
  }

  drop(entity: Entity, id: string): void {
    this.q.drop.run(entity, id);
  }

  /**
   * Runs work whose commits need not wait for the disk: the caller commits a synced write after it (a pull
   * page's cursor). WAL keeps commits in order, so that write makes them durable too, and a page lost to a
   * power cut is pulled again from the team. Autosaves keep synchronous=FULL: it is restored before returning.
   */
  syncedLater<T>(work: () => T): T {
    const sqlite = this.database.sqlite;
    const synchronous = sqlite.pragma('synchronous', { simple: true }) as number;
    sqlite.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      sqlite.pragma(`synchronous = ${synchronous}`);
    }
  }

  /** Runs work with pulled rows kept out of the outbox; `own` inside it records this device's own writes. */
  applying<T>(work: (own: <R>(write: () => R) => R) => T): T {
    const own = <R>(write: () => R): R => {
      this.q.applying.run(0);
      try {
        return write();
      } finally {
        this.q.applying.run(1);
      }
    };
    const run = () => {
      this.q.applying.run(1);
      try {
        return work(own);
      } finally {
        this.q.applying.run(0);
      }
    };
    // In a pull's transaction (a step of a page), no savepoint: a step that fails fails that whole transaction,
    // and a savepoint per step cost about a fifth of a fresh device's insert time (SQLite keeps the original
    // of every page a savepoint changes, to roll it back).
    const sqlite = this.database.sqlite;
    return sqlite.inTransaction ? run() : sqlite.transaction(run).immediate();
  }

  upsertUser(row: UserRow): void {
    this.q.upsertUser.run(...userCodec.toSql(row));
  }

  user(id: string): { id: string; email: string } | undefined {
    return this.q.userById.get(id) as { id: string; email: string } | undefined;
  }

  /** Removes a local profile that was never shared (the laptop adopted the consultant's team identity). */
  forgetUnsharedUser(id: string): void {
    this.q.drop.run('user', id);
    this.q.deleteUser.run(id);
  }

  base(consultationId: string): WorkingSections | undefined {
    const row = this.q.base.get(consultationId) as Record<string, string> | undefined;
    if (!row) return undefined;
    return sectionsOf({
      contactInfo: JSON.parse(row.contact_info!),
      businessContext: JSON.parse(row.business_context!),
      painPoints: JSON.parse(row.pain_points!),
      goalsObjectives: JSON.parse(row.goals_objectives!),
    });
  }

  setBase(consultationId: string, sections: WorkingSections, updatedAt: string): void {
    this.q.setBase.run(consultationId, ...sectionValues(sections), updatedAt);
  }

  /** setBase from the four section columns' JSON texts, for a consultation known to be here (a pull's new one). */
  putBaseText(consultationId: string, texts: readonly string[], updatedAt: string): void {
    this.q.setBase.run(consultationId, ...texts, updatedAt);
  }

  /** setBase from the four section columns' JSON texts as stored (a push: what the team took is our text). */
  setBaseText(consultationId: string, texts: readonly string[], updatedAt: string): void {
    // Deleted here while its batch was in flight: no base to keep (the row is gone), its tombstone goes out next.
    if (this.q.present.get(consultationId) === undefined) return;
    this.putBaseText(consultationId, texts, updatedAt);
  }
}

const pendingStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Changes waiting in the outbox (each entity once): for the engine and for the status when sync is off.
 * A counter the outbox triggers keep (migration 0009_syncperf), so it costs the same at any outbox size.
 */
export function pendingChanges(sqlite: Database.Database): number {
  let statement = pendingStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare(`SELECT "pending" AS n FROM "sync_control" WHERE "id" = 1`);
    pendingStatements.set(sqlite, statement);
  }
  return (statement.get() as { n: number } | undefined)?.n ?? 0;
}
