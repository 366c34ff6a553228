import { latestSchemaVersion, MIGRATIONS_TABLE, type MigrationMeta } from '../db/migrate';
import type { LocalDatabase } from '../db/client';
import type { RemoteClient, RemoteRow, RemoteStatement } from './remoteClient';
import { ensureRemoteSchemaOnce, forgetRemoteSchemaCheck, remoteSchemaVersion } from './remoteSchema';
import { layers } from './syncErrors';
import { fetchRowsByBytes, LinkSizer, pushSlice, weightExpression } from './batchSizing';
import { CONFLICT_COLUMNS, conflictPushStatements, fetchConflicts } from './conflictTravel';
import { newId, now } from '../clock';
import { ConsultationStore, type ConflictRow, type TombstoneRow } from '../store/consultationStore';
import { BASE_UPDATED_AT, SyncOutbox, WIRE_TEXT, type Entity } from '../store/syncOutbox';
import {
  checkedConflictRow,
  checkedConsultationRow,
  checkedUserRow,
  checkedVersionRow,
  consultationCodec,
  RowRefused,
  sectionsOf,
  userCodec,
  versionCodec,
  type ConsultationRow,
  type UserRow,
} from '../store/rows';
import type { SqlRow } from '../store/columns';
import { PageApply, type Incoming } from './pageApply';
import { OffThreadApply, type PageMark } from './offThreadApply';
import type { WriterTurns } from '../db/writerTurns';
import { keepNotice, listRefused, QUARANTINE_KEY, type QuarantinedRow } from './syncNotes';
import { deepEqual } from '@shared/consultation/diff';

export { pendingChanges } from '../store/syncOutbox';
export type { QuarantinedRow } from './syncNotes';

// Offline-first sync with the team's Turso database. The engine holds the protocol and the merge policy;
// every local read and write goes through the consultation store and the sync outbox.
// - Push: the outbox goes out in batches, each one `batch(..., 'write')` that also records its id in
//   sync_batches. A batch whose response was lost is recognised by that id on the next push. Each pushed
//   consultation's upsert returns the rows the team took (RETURNING): those become the merge base as pushed;
//   the rare row the team kept as it was is read back and compared.
// - Pull: sync_log, in commit order, from a cursor; the rows it names are read in their current state and
//   checked like any data from outside. A row that fails is quarantined (listed, never stored) and the
//   rest goes on. Applied with sync_control.applying = 1 so pulled rows are not echoed back.
// - The working copy is the record and syncs between the owner's devices. When both changed it since the
//   last exchange, fields merge three-way against that base; fields both changed differently are conflicts.
//   Versions both saved from the same number are all kept, ours renumbered after theirs.
// - Deletes: a delete covers only what the deleting device had seen. A device that still has unpushed work
//   on a consultation another device deleted keeps it and pushes it, which restores it everywhere (with a
//   notice); the team database keeps deleted consultations' rows, so a restore brings the whole history.
// Drafts' private notes never leave the device.

const TOMBSTONE_COLUMNS = ['id', 'user_id', 'deleted_at'];
const SECTION_TEXT = ['contact_info', 'business_context', 'pain_points', 'goals_objectives'];
// What a pulled row weighs: the same columns a push batch is sized on.
const CONSULTATION_TEXT = WIRE_TEXT.consultation;
const VERSION_TEXT = WIRE_TEXT.version;
const CONFLICT_TEXT = ['base_value', 'our_value', 'their_value'];
const CURSOR_KEY = 'sync_cursor';
const PENDING_BATCH_KEY = 'sync_pending_batch';
/** A first pull's snapshot of the team tables: the log position it started from, the last consultation id read, done. */
const SNAPSHOT_KEY = 'sync_snapshot';

export interface SyncProgress {
  done: number;
  total: number;
}

export interface SyncReport {
  pushed: number;
  pulled: number;
  merged: number;
  conflicts: number;
  schemaVersion: number;
  /** Rows from the team that could not be read, now listed in the quarantine. */
  quarantined: number;
  /** Things the consultant should know (a deleted consultation kept because it had work here). */
  notices: string[];
}

export interface SyncEngineOptions {
  database: () => LocalDatabase;
  remote: RemoteClient;
  deviceId: string;
  migrations: readonly MigrationMeta[];
  /** Most outbox rows per push batch (batches are also sized in bytes by `sizing`). */
  batchSize?: number;
  /** Sizes push batches and pull pages to the link; the service keeps one across runs. */
  sizing?: LinkSizer;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void; delete(key: string): void };
  onProgress?: (progress: SyncProgress) => void;
  /** Longest a pull's local transaction runs before it commits and yields (tests set 0: one step per transaction). */
  applyBudgetMs?: number;
  /**
   * Big pull pages are applied in a worker thread over its own connection (pullWorker.ts), so the window
   * stays responsive while a fresh device takes in the team's data. The app sets it; without it every page is
   * applied here. `fromRows`: the smallest page (consultations and versions) that goes to the worker.
   * `writers`: the main thread's announced writes (the windows' saves), which go before the worker's next transaction.
   * `entry`: the worker's script, when not the one next to this module (the bench runs the built one).
   */
  pullWorker?: {
    migrationsFolder: string;
    fromRows?: number;
    writers?: WriterTurns;
    entry?: URL;
    /** False while this database is being replaced (a restore): no worker opens it then. */
    mayOpen?: (database: LocalDatabase) => boolean;
  };
}

/** Bound values per multi-row statement: far below SQLite's 32,766 and what remote engines accept. */
const MAX_ARGS_PER_STATEMENT = 2_000;
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const toPlain = (row: RemoteRow, columns: readonly string[]): SqlRow => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
/** Sync log rows per entry, on the wire (for sizing log pages). */
const LOG_ROW_BYTES = 200;

/** Largest push batch (estimated bytes): encoding a request and settling its answer hold the main thread, so it stays short. */
const MAX_PUSH_BYTES = 1024 * 1024;
/** Most outbox entries read for one push batch (the byte budget fills first with ordinary rows). */
const MAX_PUSH_ENTRIES = 2_000;
/** Largest pull page answer aimed at (estimated bytes): decoding it holds the main thread too. */
const MAX_PULL_BYTES = 1024 * 1024;
/** Consultations read back per request when a push's upsert left the team's row as it was. */
const MAX_IDS_PER_READ = 100;
/** Rows checked between two turns of the event loop. */
const CHECK_SLICE = 100;
/** Pull pages with at least this many consultations and versions go to the pull worker (when the engine has one). */
const WORKER_ROWS = 200;

/** Rows a log page names, read with it; null where they did not fit the answer. */
type InlineRows = {
  users: SqlRow[];
  versions: SqlRow[] | null;
  consultations: SqlRow[] | null;
  tombstones: SqlRow[];
  histories: SqlRow[] | null;
  /** The team's conflicts of the consultations the page names (anyone's: filtered to the owner's after). */
  conflicts: SqlRow[] | null;
};
interface LogPage {
  log: { seq: number; entity: Entity; id: string; device: string }[];
  /** The log rows asked for: a page with fewer was the last. */
  limit: number;
  /** Log rows waiting when the pull began (first page only). */
  waiting: number | null;
  /** The rows the page names, when they came with it. */
  inline: InlineRows | null;
}
const NO_PAGE: LogPage = { log: [], limit: 0, waiting: null, inline: null };
interface SnapshotState {
  /** The log's head when the snapshot began: the log is pulled from there once it is done. */
  seq: number;
  /** The last consultation id applied (pages go in id order). */
  after: string;
  done: boolean;
}
interface SnapshotPage {
  ids: string[];
  inline: InlineRows;
  /** The page was as long as asked: more may follow. */
  full: boolean;
  /** First page only: the log's head and the consultations waiting. */
  head: { seq: number; waiting: number } | null;
}
/** Most consultations per snapshot page. */
const MAX_SNAPSHOT_ROWS = 2_000;

/** A push batch, built: the outbox entries up to `maxSeq`, as statements. */
interface PushBatch {
  id: string;
  maxSeq: number;
  /** Built while another batch was in flight: it may leave early, and lands only after that one. */
  gated: boolean;
  /** Estimated bytes (for the link sizer). */
  bytes: number;
  ids: Record<Entity, string[]>;
  statements: RemoteStatement[];
  /** The upserts of consultations: their answers name the rows the team took from us (RETURNING). */
  upserts: number[];
  /** The section texts of each consultation pushed. */
  pushed: Map<string, string[]>;
}
interface PendingBatch {
  id: string;
  maxSeq: number;
}
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Pull pages being applied: the last one's landing, whether it went to the worker, and the landing before it. */
interface InFlight {
  landing: Promise<void>;
  worker: boolean;
  before: Promise<void>;
}
const NOTHING_IN_FLIGHT: InFlight = { landing: Promise.resolve(), worker: false, before: Promise.resolve() };
const settled = async (pages: InFlight) => {
  await pages.before.catch(() => {});
  await pages.landing.catch(() => {});
};
const logRows = (rows: RemoteRow[]): LogPage['log'] =>
  rows.map((r) => ({ seq: Number(r.seq), entity: String(r.entity) as Entity, id: String(r.entity_id), device: String(r.device_id) }));
/**
 * What a read's first statement evaluates when the page is over its budget: an integer overflow, the error
 * SQLite (and tursodb) raise from plain arithmetic. It fails the read batch before the rows are read.
 */
const OVER_BUDGET = 'abs(-9223372036854775807 - 1)';
/** The read failed on OVER_BUDGET. */
const overBudget = (error: unknown) => layers(error).some((e) => /integer overflow/i.test(String(e.message ?? '')));
/** The answer was over the response cap, or too slow for the timeout: worth asking again in smaller parts. */
const tooBigAnswer = (error: unknown) =>
  layers(error).some((e) => e.code === 'RESPONSE_TOO_LARGE' || e.name === 'TimeoutError' || /too large|timed? ?out/i.test(String(e.message ?? '')));
/** Sections from their four column texts, in SECTION_TEXT order. */
const sectionsOfText = ([contactInfo, businessContext, painPoints, goalsObjectives]: string[]) =>
  sectionsOf({
    contactInfo: JSON.parse(contactInfo!),
    businessContext: JSON.parse(businessContext!),
    painPoints: JSON.parse(painPoints!),
    goalsObjectives: JSON.parse(goalsObjectives!),
  });
/** About what an answer weighed on the wire: its text, plus framing per value. */
function answerBytes(results: { rows: RemoteRow[] }[]): number {
  let bytes = 0;
  for (const result of results)
    for (const row of result.rows) for (const value of Object.values(row)) bytes += (typeof value === 'string' ? value.length : 8) + 4;
  return bytes;
}

/** The team kept another laptop's newer row for these consultations; they were merged and go out again. */
export class RowsChangedElsewhere extends Error {
  constructor(readonly consultationIds: readonly string[]) {
    super('Another device changed these consultations at the same time; merged, to be sent again.');
  }
}

export class VersionConflictError extends Error {
  constructor(
    message: string,
    /** The consultations whose version numbers the team already holds under other ids. */
    readonly consultationIds: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * After a backup is restored (or a laptop is set up from another's backup) the device is new to the team:
 * it takes a new device id and reads the team's log from the start, so it gets back everything pushed
 * after the backup (its own pushes included) and never shares an id with the laptop the backup came from.
 */
export function forgetSyncIdentity(settings: SyncEngineOptions['settings']): void {
  for (const key of ['device_id', CURSOR_KEY, PENDING_BATCH_KEY, SNAPSHOT_KEY]) settings.delete(key);
}

export class SyncEngine {
  private cache: { database: LocalDatabase; store: ConsultationStore; outbox: SyncOutbox } | null = null;
  private notices: string[] = [];
  private ownSizer: LinkSizer | null = null;
  private ownPages: PageApply | null = null;
  private worker: { database: LocalDatabase; apply: OffThreadApply } | null = null;

  constructor(private readonly options: SyncEngineOptions) {}

  private get sizer(): LinkSizer {
    return this.options.sizing ?? (this.ownSizer ??= new LinkSizer());
  }

  /** The store and outbox over the database open now (a restore replaces it). */
  private get local() {
    const database = this.options.database();
    if (this.cache?.database !== database) this.cache = { database, store: new ConsultationStore(database), outbox: new SyncOutbox(database) };
    return this.cache;
  }

  /** Pull pages applied here, on the main thread. */
  private get pages(): PageApply {
    return (this.ownPages ??= new PageApply({
      local: () => this.local,
      settings: this.options.settings,
      budgetMs: this.options.applyBudgetMs,
      notify: (message) => this.notify(message),
      quarantine: (error) => this.quarantineRow(error),
    }));
  }

  pendingCount(): number {
    return this.local.outbox.pending();
  }

  /** Rows from the team that could not be read, newest last. */
  quarantine(): QuarantinedRow[] {
    return this.options.settings.get<QuarantinedRow[]>(QUARANTINE_KEY) ?? [];
  }

  async syncOnce(): Promise<SyncReport> {
    try {
      return await this.syncRound();
    } catch (error) {
      // Whatever failed may be a team schema that changed under us: the next sync checks it again.
      forgetRemoteSchemaCheck(this.options.remote);
      throw error;
    }
  }

  private async syncRound(): Promise<SyncReport> {
    const schemaVersion = await ensureRemoteSchemaOnce(this.options.remote, this.options.migrations);
    this.notices = [];
    const report: SyncReport = { pushed: 0, pulled: 0, merged: 0, conflicts: 0, schemaVersion, quarantined: 0, notices: [] };
    // First learn whether our last push landed: versions it carried are not "unpushed" for the pull's merge.
    await this.settlePendingBatch();
    for (let attempt = 0; ; attempt += 1) {
      const pulled = await this.pull();
      report.pulled += pulled.pulled;
      report.merged += pulled.merged;
      report.conflicts += pulled.conflicts;
      try {
        report.pushed += await this.push();
        report.quarantined = this.quarantine().length;
        report.notices = this.notices;
        return report;
      } catch (error) {
        // Another laptop pushed versions or a working copy of the same consultation since our pull: read
        // those consultations whole from the team (whatever the log cursor says), merge, try again.
        if (error instanceof RowsChangedElsewhere && attempt < 4) continue;
        if (!(error instanceof VersionConflictError) || attempt >= 4) throw error;
        await this.reread(error.consultationIds);
      }
    }
  }

  // ---- push --------------------------------------------------------------------------------------------

  private async settlePendingBatch(): Promise<void> {
    const stored = this.options.settings.get<PendingBatch | PendingBatch[]>(PENDING_BATCH_KEY);
    if (!stored) return;
    // One object before pipelining; a list now (the batch in flight, and the one built to follow it).
    const pending = Array.isArray(stored) ? stored : [stored];
    if (pending.length) {
      const applied = await this.options.remote.execute({
        sql: `SELECT id FROM sync_batches WHERE id IN (${placeholders(pending.length)})`,
        args: pending.map((p) => p.id),
      });
      const landed = new Set(applied.rows.map((row) => String(row.id)));
      // A batch leaves only after the one before it was acknowledged: those that landed are a prefix.
      const upTo = Math.max(0, ...pending.filter((p) => landed.has(p.id)).map((p) => p.maxSeq));
      if (upTo > 0) this.local.outbox.deleteUpTo(upTo);
    }
    this.options.settings.delete(PENDING_BATCH_KEY);
    this.local.outbox.sending(0);
  }

  /** Pushes everything in the outbox; returns the number of entities pushed. */
  async push(): Promise<number> {
    const rejected: string[] = [];
    const done = await this.pushOutbox(rejected);
    if (rejected.length) {
      // Rows the team kept from another laptop: merge with what it holds, and they go out on the next round.
      this.local.store.transaction(() => rejected.forEach((id) => this.local.outbox.enqueue('consultation', id)));
      await this.reread(rejected);
      throw new RowsChangedElsewhere(rejected);
    }
    return done;
  }

  private async pushOutbox(rejected: string[]): Promise<number> {
    await this.settlePendingBatch();
    const { outbox } = this.local;
    const total = outbox.pending();
    let done = 0;
    let batch = await this.nextBatch(0, null);
    let sent = batch && this.send(batch);
    while (batch && sent) {
      // The request is encoded and leaves in this turn; the next batch is read and built while it is on the wire.
      await yieldTurn();
      let next = await this.nextBatch(batch.maxSeq, batch);
      // Built against merge bases this batch is about to change: built again once it is settled.
      const stale = next !== null && next.ids.consultation.some((id) => batch!.pushed.has(id));
      // Otherwise the next one leaves now, so the team database always has a batch to work on; it is gated on
      // this one (lands only after it), so what landed is always a prefix of the outbox.
      let nextSent: ReturnType<typeof this.send> | null = null;
      if (next && !stale) {
        // Building it and encoding it (the client does that as the request leaves) are two turns, not one.
        await yieldTurn();
        nextSent = this.send(next);
      }
      let { results, error } = await sent;
      // A batch that left early may have arrived before the one it follows: sent again, once, now that one is in.
      if (!results && batch.gated) ({ results, error } = await this.send(batch));
      if (!results) {
        // A version number another laptop took first: known by asking the team database, not by parsing
        // an engine's wording (libSQL and tursodb say it differently). Anything else: unknown outcome,
        // and the pending batch ids tell on the next push.
        const taken = await this.versionNumbersTaken(batch.ids.version);
        if (taken.length) {
          this.options.settings.delete(PENDING_BATCH_KEY);
          outbox.sending(0);
          throw new VersionConflictError('Another device saved the same version numbers first.', taken);
        }
        throw error;
      }
      const bases = await this.heldBases(batch, results, rejected);
      if (stale) next = null;
      // Acknowledged: the next batch (its id already on record) leaves, if it has not, before this one is settled locally.
      nextSent ??= next && this.send(next);
      await yieldTurn();
      const settled = batch;
      // Without its own wait for the disk: losing this commit to a power cut is losing it to a crash just before
      // it (the batch ids on record tell what landed, on the next push); the next synced commit makes it durable.
      outbox.syncedLater(() =>
        this.local.store.transaction(() => {
          outbox.deleteUpTo(settled.maxSeq);
          for (const base of bases) outbox.setBaseText(base.id, base.texts, base.updatedAt);
          if (next) this.options.settings.set(PENDING_BATCH_KEY, [{ id: next.id, maxSeq: next.maxSeq }]);
          else this.options.settings.delete(PENDING_BATCH_KEY);
          // Entries of the next batch, already read, stay marked: a change to one meanwhile is queued again.
          outbox.sending(next ? next.maxSeq : 0);
        }),
      );
      done += Object.values(batch.ids).reduce((n, list) => n + list.length, 0);
      this.options.onProgress?.({ done: Math.max(0, total - outbox.pending()), total });
      if (!next) {
        await yieldTurn();
        next = await this.nextBatch(batch.maxSeq, null);
        if (next) await yieldTurn();
        nextSent = next && this.send(next);
      }
      batch = next;
      sent = nextSent;
    }
    return done;
  }

  /** Sends a batch; its outcome as a value, so a failure while the next batch is built is not left unhandled. */
  private send(batch: PushBatch): Promise<{ results: { rows: RemoteRow[] }[]; error: null } | { results: null; error: unknown }> {
    return this.sizer
      .timed(batch.bytes, () => this.options.remote.batch(batch.statements, 'write'))
      .then(
        (results) => ({ results, error: null }),
        (error: unknown) => ({ results: null, error }),
      );
  }

  /**
   * The push batch of the outbox entries after `afterSeq`: a prefix that fits what the link carries in a
   * fraction of the request timeout; null when none wait. In one local commit, its entries are marked as
   * sending before their rows are read (a change made while it is built or in flight is queued again, never
   * dropped with the entry) and its id goes on record with the batch in flight, if any, before it can leave.
   */
  private async nextBatch(afterSeq: number, inFlight: PushBatch | null): Promise<PushBatch | null> {
    const { outbox } = this.local;
    const limit = Math.min(this.options.batchSize ?? MAX_PUSH_ENTRIES, MAX_PUSH_ENTRIES);
    const { entries, bytes } = pushSlice(outbox.sizedPageAfter(afterSeq, limit), Math.min(this.sizer.budgetBytes(), MAX_PUSH_BYTES), (e) => e.bytes);
    if (entries.length === 0) return null;
    // Sizing and recording are two turns (a change meanwhile is read with the rows, which come after both).
    await yieldTurn();
    const maxSeq = entries[entries.length - 1]!.seq;
    const id = newId();
    const recorded = [...(inFlight ? [{ id: inFlight.id, maxSeq: inFlight.maxSeq }] : []), { id, maxSeq }];
    this.local.store.transaction(() => {
      outbox.sending(maxSeq);
      this.options.settings.set(PENDING_BATCH_KEY, recorded);
    });
    const ids: Record<Entity, string[]> = { user: [], consultation: [], version: [], tombstone: [] };
    const seenIds = new Set<string>();
    for (const e of entries) {
      const key = `${e.entity}:${e.id}`;
      if (seenIds.has(key)) continue;
      seenIds.add(key);
      ids[e.entity].push(e.id);
    }
    // Sizing and building are two turns of the event loop, not one long one.
    await yieldTurn();
    return { id, maxSeq, bytes, ids, gated: inFlight !== null, ...this.pushStatements(id, ids, inFlight?.id ?? null) };
  }

  /**
   * What the team holds now is the base of the next merge, where it is what we pushed: compared as text
   * first (what the team took is our text), parsed only when the texts differ; in slices, letting the event
   * loop through. Rows the team kept from another laptop go to `rejected`.
   */
  private async heldBases(batch: PushBatch, results: { rows: RemoteRow[] }[], rejected: string[]) {
    const bases: { id: string; texts: string[]; updatedAt: string }[] = [];
    const took = new Map<string, string>();
    for (const at of batch.upserts) for (const row of results[at]!.rows) took.set(String(row.id), String(row.updated_at));
    const kept: string[] = [];
    for (const [id, texts] of batch.pushed) {
      const updatedAt = took.get(id);
      if (updatedAt === undefined) kept.push(id);
      else bases.push({ id, texts, updatedAt });
    }
    // Rows the upsert left as they were (rare): the team's row may still be our text (pushed before, or
    // merged to the same content), or another laptop's newer row, compared as text, parsed only when it differs.
    for (let i = 0; i < kept.length; i += MAX_IDS_PER_READ) {
      const chunk = kept.slice(i, i + MAX_IDS_PER_READ);
      const held = await this.options.remote.execute({
        sql: `SELECT ${consultationCodec.list} FROM consultations WHERE id IN (${placeholders(chunk.length)})`,
        args: chunk,
      });
      const byId = new Map(held.rows.map((row) => [String(row.id), row]));
      for (const [at, id] of chunk.entries()) {
        if (at > 0 && at % CHECK_SLICE === 0) await yieldTurn();
        const row = byId.get(id);
        const ours = batch.pushed.get(id)!;
        const theirs = row ? SECTION_TEXT.map((c) => String(row[c] ?? '')) : null;
        if (row && theirs && (theirs.every((text, k) => text === ours[k]) || deepEqual(sectionsOfText(theirs), sectionsOfText(ours))))
          bases.push({ id, texts: ours, updatedAt: String(row.updated_at) });
        // The team kept another laptop's newer row: ours goes out again after merging with it.
        else rejected.push(id);
      }
    }
    return bases;
  }

  /** The consultations whose version numbers in this batch the team already holds under other ids. */
  private async versionNumbersTaken(versionIds: readonly string[]): Promise<string[]> {
    const ours = this.local.store.rowsForPush('consultation_versions', versionIds);
    const taken = new Set<string>();
    try {
      for (let i = 0; i < ours.length; i += 200) {
        const chunk = ours.slice(i, i + 200);
        const found = await this.options.remote.execute({
          sql: `SELECT DISTINCT v.consultation_id AS c FROM consultation_versions v JOIN (${chunk.map(() => 'SELECT ? AS c, ? AS n, ? AS id').join(' UNION ALL ')}) o
                ON v.consultation_id = o.c AND v.version_number = o.n AND v.id <> o.id`,
          args: chunk.flatMap((v) => [String(v.consultation_id), Number(v.version_number), String(v.id)]),
        });
        for (const row of found.rows) taken.add(String(row.c));
      }
    } catch {
      return []; // the team database cannot be asked now: the push's own error is the one to report
    }
    return [...taken];
  }

  /** Reads these consultations whole (row, every version, tombstone) from the team and applies them. */
  private async reread(consultationIds: readonly string[]): Promise<void> {
    if (consultationIds.length === 0) return;
    const consultations = this.readable(await this.remoteRows('consultations', consultationCodec.names, 'id', consultationIds), checkedConsultationRow);
    const versions = this.readable(await this.remoteRows('consultation_versions', versionCodec.names, 'consultation_id', consultationIds), checkedVersionRow);
    const tombstones = (await this.remoteRows('consultation_tombstones', TOMBSTONE_COLUMNS, 'id', consultationIds)) as unknown as TombstoneRow[];
    const conflicts = await this.ownConflicts(consultations, null);
    this.pages.applyNow({ users: [], consultations, versions, tombstones, conflicts, adopt: null });
  }

  private pushStatements(batchId: string, ids: Record<Entity, string[]>, after: string | null) {
    const device = this.options.deviceId;
    const { store } = this.local;
    const statements: RemoteStatement[] = [
      after === null
        ? { sql: 'INSERT INTO sync_batches (id, device_id, created_at) VALUES (?, ?, ?)', args: [batchId, device, now()] }
        : // Sent before the batch `after` was acknowledged: it lands only after that one did (NOT NULL fails otherwise).
          {
            sql: 'INSERT INTO sync_batches (id, device_id, created_at) VALUES (?, ?, (SELECT ? WHERE EXISTS (SELECT 1 FROM sync_batches WHERE id = ?)))',
            args: [batchId, device, now(), after],
          },
    ];
    // Few statements per batch: rows go in multi-row statements (the engine's fastest shape), in chunks.
    const rows = <T>(list: readonly T[], columns: number, statement: (chunk: readonly T[], values: string) => RemoteStatement) => {
      const per = Math.max(1, Math.floor(MAX_ARGS_PER_STATEMENT / columns));
      for (let i = 0; i < list.length; i += per) {
        const chunk = list.slice(i, i + per);
        statements.push(statement(chunk, chunk.map(() => `(${placeholders(columns)})`).join(', ')));
      }
    };
    const logged: [Entity, string][] = [];
    const { outbox } = this.local;
    for (const user of outbox.rowsForPush('user', ids.user)) {
      statements.push({
        sql: `INSERT INTO users (${userCodec.list}) VALUES (${userCodec.placeholders})
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at
              WHERE excluded.updated_at > users.updated_at`,
        args: userCodec.valuesOf(user),
      });
      logged.push(['user', String(user.id)]);
    }
    /** The section texts of each consultation pushed. */
    const pushed = new Map<string, string[]>();
    const update = consultationCodec.names
      .filter((c) => c !== 'id' && c !== 'created_at')
      .map((c) => `"${c}" = excluded."${c}"`)
      .join(', ');
    const upsert = (values: string, compareAndSet: boolean) => `INSERT INTO consultations (${consultationCodec.list}) VALUES ${values}
              ON CONFLICT(id) DO UPDATE SET ${update}
              WHERE (excluded.current_version > consultations.current_version
                 OR (excluded.current_version = consultations.current_version AND excluded.updated_at > consultations.updated_at))
                ${compareAndSet ? 'AND consultations.updated_at = ?' : ''}
              RETURNING id, updated_at`;
    const fresh: SqlRow[] = [];
    const upserts: number[] = [];
    for (const row of outbox.rowsForPush('consultation', ids.consultation)) {
      // Compare-and-set: the team's row is overwritten only while it is still the one this device last
      // exchanged; otherwise another laptop changed it meanwhile, and the two are merged first. The
      // condition names one row, so such rows go one per statement; never-exchanged ones go together.
      const seen = row[BASE_UPDATED_AT] as string | null;
      if (seen === null) fresh.push(row);
      else {
        upserts.push(statements.length);
        statements.push({ sql: upsert(`(${consultationCodec.placeholders})`, true), args: [...consultationCodec.valuesOf(row), seen] });
      }
      pushed.set(
        String(row.id),
        SECTION_TEXT.map((c) => String(row[c] ?? '')),
      );
      logged.push(['consultation', String(row.id)]);
    }
    const width = consultationCodec.names.length;
    rows(fresh, width, (chunk, values) => {
      upserts.push(statements.length);
      return { sql: upsert(values, false), args: chunk.flatMap((row) => consultationCodec.valuesOf(row)) };
    });
    // Pushing it means this device kept it: a delete it had not seen no longer stands.
    rows([...pushed.keys()], 1, (chunk) => ({ sql: `DELETE FROM consultation_tombstones WHERE id IN (${placeholders(chunk.length)})`, args: [...chunk] }));
    statements.push(...conflictPushStatements(store, pushed.keys()));
    const versions = outbox.rowsForPush('version', ids.version);
    rows(versions, versionCodec.names.length, (chunk, values) => ({
      sql: `INSERT INTO consultation_versions (${versionCodec.list}) VALUES ${values} ON CONFLICT(id) DO NOTHING`,
      args: chunk.flatMap((v) => versionCodec.valuesOf(v)),
    }));
    for (const v of versions) logged.push(['version', String(v.id)]);
    // The team database keeps the deleted consultation's rows: a device with work on it can bring it back whole.
    const tombstones = outbox.rowsForPush('tombstone', ids.tombstone);
    rows(tombstones, 3, (chunk, values) => ({
      sql: `INSERT OR IGNORE INTO consultation_tombstones (id, user_id, deleted_at) VALUES ${values}`,
      args: chunk.flatMap((t) => [String(t.id), String(t.user_id), String(t.deleted_at)]),
    }));
    for (const t of tombstones) logged.push(['tombstone', String(t.id)]);
    // The log in the order pulls must apply it: users, consultations, versions, tombstones.
    rows(logged, 3, (chunk, values) => ({
      sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ${values}`,
      args: chunk.flatMap(([entity, id]) => [entity, id, device]),
    }));
    return { statements, upserts, pushed };
  }

  // ---- pull --------------------------------------------------------------------------------------------

  /** Rows of a team table by key, in pages sized to the link and under the response cap. */
  private remoteRows(table: string, columns: readonly string[], key: 'id' | 'consultation_id', ids: readonly string[]): Promise<SqlRow[]> {
    return fetchRowsByBytes(this.options.remote, this.sizer, table, columns, ids, key) as Promise<SqlRow[]>;
  }

  /** Checks rows from the team; those that fail are quarantined and left out. */
  private readable<T>(rows: SqlRow[], check: (row: SqlRow) => T): T[] {
    const out: T[] = [];
    for (const raw of rows) {
      try {
        out.push(check(raw));
      } catch (error) {
        if (!(error instanceof RowRefused)) throw error;
        this.quarantineRow(error);
      }
    }
    return out;
  }

  /** readable(), a slice at a time with the event loop let through between slices (a page has thousands of rows). */
  private async readableInSteps<T>(rows: SqlRow[], check: (row: SqlRow) => T): Promise<T[]> {
    const out: T[] = [];
    for (let at = 0; at < rows.length; at += CHECK_SLICE) {
      // Before the first slice too: the answer's parsing, or the previous list's checks, ran in this turn.
      await yieldTurn();
      out.push(...this.readable(rows.slice(at, at + CHECK_SLICE), check));
    }
    return out;
  }

  private quarantineRow(error: RowRefused): void {
    this.writing(() => this.local.store.transaction(() => listRefused(this.options.settings, error)));
  }

  /** A write here while the pull worker may hold the lock: announced, so it waits for one of its steps at most. */
  private writing<T>(work: () => T): T {
    const writers = this.options.pullWorker?.writers;
    return writers ? writers.hold(work) : work();
  }

  private notify(message: string): void {
    this.notices.push(message);
    this.writing(() => this.local.store.transaction(() => keepNotice(this.options.settings, message)));
  }

  async pull(): Promise<{ pulled: number; merged: number; conflicts: number }> {
    const totals = { pulled: 0, merged: 0, conflicts: 0 };
    try {
      const snapshot = this.options.settings.get<SnapshotState>(SNAPSHOT_KEY);
      if ((this.options.settings.get<number>(CURSOR_KEY) ?? 0) === 0 && !snapshot?.done) {
        // A first pull brings the whole team: the worker starts while the first page is read.
        if (this.options.pullWorker) this.pullWorker();
        await this.pullSnapshot(snapshot ?? null, totals);
      }
      const progress = { done: 0, total: 0 };
      let request = this.readPage(this.options.settings.get<number>(CURSOR_KEY) ?? 0, true);
      let inFlight = NOTHING_IN_FLIGHT;
      try {
        for (;;) {
          const page = await request;
          if (page.log.length === 0) break;
          if (page.waiting !== null) progress.total = page.waiting;
          const lastSeq = page.log[page.log.length - 1]!.seq;
          // Pipelined: the next page is asked for before this one is applied; a short page was the last one.
          request = page.log.length < page.limit ? Promise.resolve(NO_PAGE) : this.readPage(lastSeq, false);
          request.catch(() => {}); // a failure is reported where it is awaited
          const ids: Record<Entity, Set<string>> = { user: new Set(), consultation: new Set(), version: new Set(), tombstone: new Set() };
          for (const row of page.log) if (row.device !== this.options.deviceId) ids[row.entity]?.add(row.id);
          inFlight = await this.queuePage(inFlight, ids, page.inline, totals, { key: CURSOR_KEY, value: lastSeq }, () =>
            this.progressed(progress, page.log.length),
          );
        }
        await inFlight.landing;
      } finally {
        // Pages still being applied land (and move the cursor) before a failure is reported.
        await settled(inFlight);
      }
      return totals;
    } finally {
      await this.closeWorker();
    }
  }

  /**
   * A device that never pulled reads the team's tables instead of replaying the whole log (where each
   * consultation comes once per change): consultations in id order, each page with their versions, tombstones
   * and conflicts in one read. The log's head is read with the first page, in the same read transaction, so
   * every page is at least that new; the log is then pulled from that head, replaying what changed meanwhile
   * (a row applied twice changes nothing). Each page is checked and applied like a log page, and the last id
   * applied is kept with it: a snapshot cut short resumes where it stopped.
   */
  private async pullSnapshot(resume: SnapshotState | null, totals: { pulled: number; merged: number; conflicts: number }): Promise<void> {
    let state = resume;
    const progress = { done: 0, total: 0 };
    let request: Promise<SnapshotPage> | null = this.readSnapshotPage(state?.after ?? '', true);
    let inFlight = NOTHING_IN_FLIGHT;
    try {
      while (request) {
        const page: SnapshotPage = await request;
        if (page.head) {
          state ??= { seq: page.head.seq, after: '', done: false };
          progress.total = page.head.waiting;
        }
        const last = page.ids[page.ids.length - 1];
        // Pipelined like the log: the next page is asked for before this one is applied.
        request = page.full && last !== undefined ? this.readSnapshotPage(last, false) : null;
        request?.catch(() => {}); // a failure is reported where it is awaited
        const ids: Record<Entity, Set<string>> = {
          user: new Set(),
          consultation: new Set(page.ids),
          version: new Set(),
          tombstone: new Set(page.inline.tombstones.map((t) => String(t.id))),
        };
        state = { ...state!, after: last ?? state!.after };
        inFlight = await this.queuePage(inFlight, ids, page.inline, totals, { key: SNAPSHOT_KEY, value: state }, () =>
          this.progressed(progress, page.ids.length),
        );
      }
      await inFlight.landing;
    } finally {
      await settled(inFlight);
    }
    this.local.store.transaction(() => {
      this.options.settings.set(CURSOR_KEY, state!.seq);
      this.options.settings.set(SNAPSHOT_KEY, { ...state!, done: true });
    });
  }

  /** Consultations per snapshot page: sized by what pages weighed, so an answer stays about MAX_PULL_BYTES. */
  private snapshotRows = 100;
  /** The last snapshot page was over its budget (a heavy consultation): the next is read guarded. */
  private lastPageOver = false;

  /**
   * One page of the team's consultations after `after` (id order) with everything that goes with them, in one
   * read. The page's rows come only if they weigh less than the link's budget (the answer stays under the
   * response cap and the timeout). The weight is summed once, by the read's first statement, which fails the
   * read when the page is over (the rest of the batch then does not run): the page is then asked again
   * guarded, where each part sums the weight again and only the weight comes back, and then smaller.
   */
  private async readSnapshotPage(after: string, first: boolean): Promise<SnapshotPage> {
    // Guarded when nothing says yet what pages weigh, or the last page was over: such a page costs one read, not two.
    let guarded = first || this.lastPageOver;
    for (;;) {
      const limit = this.snapshotRows;
      const budget = Math.min(this.sizer.budgetBytes(), MAX_PULL_BYTES);
      const args = [after, limit];
      const pageIds = 'SELECT id FROM consultations WHERE id > ? ORDER BY id LIMIT ?';
      const weight = (table: string, columns: readonly string[], key: string) =>
        `(SELECT ${weightExpression(columns)} FROM ${table} WHERE ${key} IN (${pageIds}))`;
      const pageWeight = [
        weight('consultations', CONSULTATION_TEXT, 'id'),
        weight('consultation_versions', VERSION_TEXT, 'consultation_id'),
        weight('consultation_conflicts', CONFLICT_TEXT, 'consultation_id'),
      ].join(' + ');
      const weightArgs = [...args, ...args, ...args];
      // Guarded, each part comes only if the page fits (each sums the weight again).
      const fits = guarded ? { sql: `AND (${pageWeight}) <= ?`, args: [...weightArgs, budget] } : { sql: '', args: [] };
      const statements: RemoteStatement[] = [
        guarded
          ? { sql: `SELECT ${pageWeight} AS n`, args: weightArgs }
          : {
              sql: `SELECT CASE WHEN n <= budget THEN n ELSE ${OVER_BUDGET} END AS n FROM (SELECT ${pageWeight} AS n, ? AS budget)`,
              args: [...weightArgs, budget],
            },
        { sql: pageIds, args },
        guarded
          ? {
              sql: `SELECT ${consultationCodec.names.join(', ')} FROM consultations WHERE id IN (${pageIds}) ${fits.sql} ORDER BY id`,
              args: [...args, ...fits.args],
            }
          : { sql: `SELECT ${consultationCodec.names.join(', ')} FROM consultations WHERE id > ? ORDER BY id LIMIT ?`, args },
        {
          sql: `SELECT ${versionCodec.names.join(', ')} FROM consultation_versions WHERE consultation_id IN (${pageIds}) ${fits.sql}`,
          args: [...args, ...fits.args],
        },
        { sql: `SELECT ${TOMBSTONE_COLUMNS.join(', ')} FROM consultation_tombstones WHERE id IN (${pageIds})`, args },
        {
          sql: `SELECT ${CONFLICT_COLUMNS.join(', ')} FROM consultation_conflicts WHERE consultation_id IN (${pageIds}) ${fits.sql}`,
          args: [...args, ...fits.args],
        },
      ];
      // The team's users, the log's head, what is waiting and the team schema's version: with the first page.
      if (first)
        statements.push(
          { sql: `SELECT ${userCodec.names.join(', ')} FROM users` },
          { sql: 'SELECT ifnull(max(seq), 0) AS seq FROM sync_log' },
          { sql: 'SELECT count(*) AS n FROM consultations' },
          { sql: `SELECT max(created_at) AS v FROM "${MIGRATIONS_TABLE}"` },
          // Deletes of consultations that never reached the team: no page names them.
          {
            sql: `SELECT ${TOMBSTONE_COLUMNS.join(', ')} FROM consultation_tombstones t WHERE NOT EXISTS (SELECT 1 FROM consultations c WHERE c.id = t.id)`,
          },
        );
      // A page over its budget says nothing of the link: the sizer sees it as a small answer, not a failure.
      const read = () =>
        this.options.remote.batch(statements, 'read').catch((error: unknown) => {
          if (!guarded && overBudget(error)) return null;
          throw error;
        });
      let results;
      try {
        results = await this.sizer.timed((answer) => (answer ? answerBytes(answer) : 0), read);
      } catch (error) {
        if (!tooBigAnswer(error) || limit <= 1) throw error;
        this.snapshotRows = Math.max(1, Math.floor(limit / 2));
        guarded = false;
        continue;
      }
      if (results === null) {
        guarded = true;
        continue;
      }
      const pageBytes = Number(results[0]!.rows[0]?.n ?? 0);
      // Next pages about 90% of the budget each, as rows vary (growing at most twofold, so one light page does not oversize the next).
      const fitting = Math.floor((limit * budget * 0.9) / Math.max(1, pageBytes));
      const withheld = pageBytes > budget;
      this.lastPageOver = withheld;
      if (withheld && limit > 1) {
        this.snapshotRows = Math.max(1, Math.min(limit - 1, fitting));
        guarded = false;
        continue;
      }
      this.snapshotRows = Math.max(1, Math.min(MAX_SNAPSHOT_ROWS, limit * 2, fitting));
      if (first) await this.schemaStillKnown(Number(results[9]!.rows[0]?.v ?? 0));
      const plain = (at: number, columns: readonly string[]) => results[at]!.rows.map((r) => toPlain(r, columns));
      const ids = results[1]!.rows.map((r) => String(r.id));
      // One consultation heavier than the budget on its own: its row and whole history are read by size, and its
      // conflicts by size later (fetchPage); every version is named, so a device that has the row still gets them.
      const bySize = (table: string, columns: readonly string[], key: 'id' | 'consultation_id') => this.remoteRows(table, columns, key, ids);
      return {
        ids,
        inline: {
          users: first ? plain(6, userCodec.names) : [],
          // Every version of these consultations, named as a log page would: new or known here, all are applied.
          versions: withheld ? await bySize('consultation_versions', versionCodec.names, 'consultation_id') : plain(3, versionCodec.names),
          consultations: withheld ? await bySize('consultations', consultationCodec.names, 'id') : plain(2, consultationCodec.names),
          tombstones: [...plain(4, TOMBSTONE_COLUMNS), ...(first ? plain(10, TOMBSTONE_COLUMNS) : [])],
          histories: null,
          conflicts: withheld ? null : plain(5, CONFLICT_COLUMNS),
        },
        full: ids.length === limit,
        head: first ? { seq: Number(results[7]!.rows[0]?.seq ?? 0), waiting: Number(results[8]!.rows[0]?.n ?? 0) } : null,
      };
    }
  }

  /**
   * Reads what a page (of the log or of the snapshot) names and checks it here, then applies it with `mark`
   * (the cursor's move) in the same commit; `landed` runs once it did. The next page is read and checked
   * meanwhile: that check may not yet see this page's new consultations, which at worst reads a history
   * twice (apply reads what is here again). The pull worker takes a page while it applies the one before
   * (it applies them in order, and none after one that failed); a page applied here waits for the one before.
   */
  private async queuePage(
    previous: InFlight,
    ids: Record<Entity, Set<string>>,
    inline: InlineRows | null,
    totals: { pulled: number; merged: number; conflicts: number },
    mark: PageMark,
    landed: () => void,
  ): Promise<InFlight> {
    const incoming = await this.fetchPage(ids, inline);
    const offThread = this.options.pullWorker;
    const worker = offThread !== undefined && incoming.consultations.length + incoming.versions.length >= (offThread.fromRows ?? WORKER_ROWS);
    // At most two pages in the worker: this one waits for the one before the last.
    await (worker && previous.worker ? previous.before : previous.landing);
    const landing = this.land(incoming, worker, mark, totals).then(landed);
    landing.catch(() => {}); // a failure is reported where it is awaited
    // An adopted identity changes whose conflicts the next page's check keeps: that check waits for it.
    if (incoming.adopt) await landing;
    return { landing, worker, before: previous.landing };
  }

  /** A page landed: `done` moves on, and the progress is reported once the total is known. */
  private progressed(progress: SyncProgress, done: number): void {
    progress.done += done;
    if (progress.total > 0) this.options.onProgress?.({ done: progress.done, total: Math.max(progress.total, progress.done) });
  }

  /** Applies a checked page (in the pull worker, or here) with its mark, and counts it into `totals`. */
  private async land(incoming: Incoming, worker: boolean, mark: PageMark, totals: { pulled: number; merged: number; conflicts: number }): Promise<void> {
    let applied: { merged: number; conflicts: number };
    if (worker) {
      const worked = await this.pullWorker().apply(incoming, mark);
      // The worker kept its notices in the settings; they are this run's too.
      this.notices.push(...worked.notices);
      applied = worked;
    } else applied = await this.pages.apply(incoming, () => this.options.settings.set(mark.key, mark.value));
    totals.pulled += incoming.users.length + incoming.consultations.length + incoming.versions.length + incoming.tombstones.length;
    totals.merged += applied.merged;
    totals.conflicts += applied.conflicts;
  }

  /** The pull worker over the database open now (started with the first big page; a restore meanwhile starts another). */
  private pullWorker(): OffThreadApply {
    const { database } = this.local;
    if (this.worker?.database !== database) {
      if (this.options.pullWorker!.mayOpen?.(database) === false) throw new Error('The database is being replaced by a backup');
      void this.worker?.apply.close();
      const { migrationsFolder, writers, entry } = this.options.pullWorker!;
      const data = { databaseFile: database.file, migrationsFolder, budgetMs: this.options.applyBudgetMs, writers: writers?.buffer };
      this.worker = { database, apply: new OffThreadApply(data, entry) };
    }
    return this.worker.apply;
  }

  /** Stops the pull worker now (a restore replaces the file): the page it was applying is rolled back, and the run fails. */
  async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.apply.terminate();
  }

  private async closeWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.apply.close();
  }

  /**
   * One log page and the rows it names, in one request (a read batch): the page's rows are selected on the
   * server by the same log query, so an edit reaches this device in one round trip. If that answer is too
   * big for the link or the response cap (rows much larger than lately), the rows are read again by size.
   */
  private async readPage(cursor: number, first: boolean): Promise<LogPage> {
    const limit = this.sizer.logPageRows(MAX_PULL_BYTES);
    const page = [cursor, limit, this.options.deviceId];
    const named = (entities: string) =>
      `SELECT entity_id FROM (SELECT entity, entity_id, device_id FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?) WHERE entity IN (${entities}) AND device_id <> ?`;
    const consultationIds = `${named(`'consultation', 'tombstone'`)} UNION SELECT consultation_id FROM consultation_versions WHERE id IN (${named(`'version'`)})`;
    // The big rows come only if they fit half the link's budget each (the answer stays under the response
    // cap and the timeout); otherwise they come back empty and are read by size.
    const half = Math.floor(Math.min(this.sizer.budgetBytes(), MAX_PULL_BYTES) / 2);
    const fits = (table: string, columns: readonly string[], ids: string) => `AND (SELECT ${weightExpression(columns)} FROM ${table} WHERE ${ids}) <= ?`;
    const historyIds = `consultation_id IN (${named(`'consultation'`)})`;
    const statements: RemoteStatement[] = [
      { sql: 'SELECT seq, entity, entity_id, device_id FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?', args: [cursor, limit] },
      { sql: `SELECT ${userCodec.names.join(', ')} FROM users WHERE id IN (${named(`'user'`)})`, args: page },
      {
        sql: `SELECT ${versionCodec.names.join(', ')} FROM consultation_versions WHERE id IN (${named(`'version'`)}) ${fits('consultation_versions', VERSION_TEXT, `id IN (${named(`'version'`)})`)}`,
        args: [...page, ...page, half],
      },
      {
        sql: `SELECT ${consultationCodec.names.join(', ')} FROM consultations WHERE id IN (${consultationIds}) ${fits('consultations', CONSULTATION_TEXT, `id IN (${consultationIds})`)}`,
        args: [...page, ...page, ...page, ...page, half],
      },
      { sql: `SELECT ${TOMBSTONE_COLUMNS.join(', ')} FROM consultation_tombstones WHERE id IN (${consultationIds})`, args: [...page, ...page] },
      // The whole history of each consultation the page names: a consultation new here comes whole without
      // another request (a fresh device's first pull). Its weight, to tell "none" from "did not fit".
      {
        sql: `SELECT ${versionCodec.names.join(', ')} FROM consultation_versions WHERE consultation_id IN (${named(`'consultation'`)}) ${fits('consultation_versions', VERSION_TEXT, historyIds)}`,
        args: [...page, ...page, half],
      },
      { sql: `SELECT ${weightExpression(VERSION_TEXT)} AS n FROM consultation_versions WHERE consultation_id IN (${named(`'consultation'`)})`, args: page },
      // Their conflicts travel with them (conflictTravel.ts), in the same request; read by size if too big.
      {
        sql: `SELECT ${CONFLICT_COLUMNS.join(', ')} FROM consultation_conflicts WHERE consultation_id IN (${consultationIds}) ${fits('consultation_conflicts', CONFLICT_TEXT, `consultation_id IN (${consultationIds})`)}`,
        args: [...page, ...page, ...page, ...page, half],
      },
      {
        sql: `SELECT ${weightExpression(CONFLICT_TEXT)} AS n FROM consultation_conflicts WHERE consultation_id IN (${consultationIds})`,
        args: [...page, ...page],
      },
    ];
    // How much is waiting (for the progress bar) and the team schema's version: asked once per pull, in the same request.
    const extra = statements.length;
    if (first)
      statements.push(
        { sql: 'SELECT count(*) AS n FROM sync_log WHERE seq > ?', args: [cursor] },
        { sql: `SELECT max(created_at) AS v FROM "${MIGRATIONS_TABLE}"` },
      );
    let results;
    try {
      results = await this.sizer.timed(answerBytes, () => this.options.remote.batch(statements, 'read'));
    } catch (error) {
      if (!tooBigAnswer(error)) throw error;
      console.warn('Sync: a pull page did not come in one answer; reading it by size.', error);
      if (first) await this.schemaStillKnown(await remoteSchemaVersion(this.options.remote));
      return this.readPageBySize(cursor, limit, first);
    }
    if (first) await this.schemaStillKnown(Number(results[extra + 1]!.rows[0]?.v ?? 0));
    const log = logRows(results[0]!.rows);
    const plain = (at: number, columns: readonly string[]) => results[at]!.rows.map((r) => toPlain(r, columns));
    // Rows the page names that came back empty were over the budget (or are not on the team): read by size.
    const others = log.filter((r) => r.device !== this.options.deviceId);
    const names = (...entities: Entity[]) => others.some((r) => entities.includes(r.entity));
    const withheld = (at: number, ...entities: Entity[]) => results[at]!.rows.length === 0 && names(...entities);
    const inline: InlineRows = {
      users: plain(1, userCodec.names),
      versions: withheld(2, 'version') ? null : plain(2, versionCodec.names),
      consultations: withheld(3, 'consultation', 'tombstone', 'version') ? null : plain(3, consultationCodec.names),
      tombstones: plain(4, TOMBSTONE_COLUMNS),
      histories: Number(results[6]!.rows[0]?.n ?? 0) > half ? null : plain(5, versionCodec.names),
      conflicts: Number(results[8]!.rows[0]?.n ?? 0) > half ? null : plain(7, CONFLICT_COLUMNS),
    };
    // What the page weighed, withheld parts counted at more than they were allowed: the next page is sized down.
    const over = [inline.versions, inline.consultations, inline.histories, inline.conflicts].filter((part) => part === null).length;
    this.sizer.observeRows(answerBytes(results) + over * 2 * half, log.length);
    return { log, limit, waiting: first ? Number(results[extra]!.rows[0]?.n ?? 0) : null, inline };
  }

  /** The team schema was checked at start; another app may have upgraded (or reset) it since: then check again. */
  private async schemaStillKnown(version: number): Promise<void> {
    if (version === latestSchemaVersion(this.options.migrations)) return;
    forgetRemoteSchemaCheck(this.options.remote);
    await ensureRemoteSchemaOnce(this.options.remote, this.options.migrations);
  }

  /** The log page alone; its rows are then read in pages sized by bytes. */
  private async readPageBySize(cursor: number, limit: number, first: boolean): Promise<LogPage> {
    const waiting = first ? await this.options.remote.execute({ sql: 'SELECT count(*) AS n FROM sync_log WHERE seq > ?', args: [cursor] }) : null;
    const log = await this.sizer.timed(
      (page) => page.rows.length * LOG_ROW_BYTES,
      () =>
        this.options.remote.execute({
          sql: 'SELECT seq, entity, entity_id, device_id FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?',
          args: [cursor, limit],
        }),
    );
    return { log: logRows(log.rows), limit, waiting: waiting ? Number(waiting.rows[0]?.n ?? 0) : null, inline: null };
  }

  /** The current state of everything a log page names, checked; a consultation comes whole when it is new here. */
  private async fetchPage(ids: Record<Entity, Set<string>>, inline: InlineRows | null) {
    const users = await this.readableInSteps(inline?.users ?? (await this.remoteRows('users', userCodec.names, 'id', [...ids.user])), checkedUserRow);
    const versions = await this.readableInSteps(
      inline?.versions ?? (await this.remoteRows('consultation_versions', versionCodec.names, 'id', [...ids.version])),
      checkedVersionRow,
    );
    // A version can arrive in a page before or after its consultation's row: always read the row too.
    const consultationIds = new Set([...ids.consultation, ...ids.tombstone, ...versions.map((v) => v.consultationId)]);
    const rows = await this.readableInSteps(
      inline?.consultations ?? (await this.remoteRows('consultations', consultationCodec.names, 'id', [...consultationIds])),
      checkedConsultationRow,
    );
    const tombstones = (inline?.tombstones ??
      (await this.remoteRows('consultation_tombstones', TOMBSTONE_COLUMNS, 'id', [...consultationIds]))) as unknown as TombstoneRow[];
    const { store } = this.local;
    // A consultation new here comes whole: its history is read too, unless this page already holds all of it.
    const numbersInPage = new Map<string, Set<number>>();
    for (const v of versions) numbersInPage.set(v.consultationId, (numbersInPage.get(v.consultationId) ?? new Set()).add(v.versionNumber));
    const complete = (r: ConsultationRow) => Array.from({ length: r.currentVersion }, (_, i) => i + 1).every((n) => numbersInPage.get(r.id)?.has(n));
    // Which of them are here: one query for the page (a fresh device has none).
    const here = store.foundAmong(rows.map((r) => r.id));
    const missing = rows.filter((r) => !here.has(r.id) && !complete(r)).map((r) => r.id);
    // The page brought the histories of the consultations it names (when they fitted): only the rest are read now.
    const covered = new Set(inline?.histories ? ids.consultation : []);
    const fromPage = new Set(missing.filter((id) => covered.has(id)));
    const rest = missing.filter((id) => !fromPage.has(id));
    // Versions the page named are in both lists: checked once.
    const known = new Set(versions.map((v) => v.id));
    const history = [
      ...(await this.readableInSteps(
        (inline?.histories ?? []).filter((v) => fromPage.has(String(v.consultation_id)) && !known.has(String(v.id))),
        checkedVersionRow,
      )),
      ...(rest.length
        ? await this.readableInSteps(await this.remoteRows('consultation_versions', versionCodec.names, 'consultation_id', rest), checkedVersionRow)
        : []),
    ];
    // For a consultation deleted on the team that still has queued work here: which versions the team already has.
    const kept = tombstones.map((t) => String(t.id)).filter((id) => store.find(id) && this.local.outbox.hasWorkFor(id));
    const teamVersionIds = new Set(
      kept.length ? (await this.remoteRows('consultation_versions', ['id'], 'consultation_id', kept)).map((r) => String(r.id)) : [],
    );
    const adopt = await this.identityToAdopt(users);
    return {
      users,
      consultations: rows,
      versions: [...versions, ...history.filter((v) => !known.has(v.id))],
      tombstones,
      teamVersionIds,
      conflicts: await this.ownConflicts(rows, adopt, inline?.conflicts ?? null, here),
      adopt,
    };
  }

  /** The team's conflicts of the consultant's own consultations among these, checked (a teammate's are not ours). */
  private async ownConflicts(
    rows: readonly ConsultationRow[],
    adopt: { to: UserRow } | null,
    inline: SqlRow[] | null = null,
    /** The rows' consultations here, when already read (else each is looked up). */
    here?: ReadonlyMap<string, ConsultationRow>,
  ): Promise<ConflictRow[]> {
    const me = new Set([this.options.settings.get<string>('current_user_id'), adopt?.to.id]);
    const localOwner = (id: string) => (here ? here.get(id)?.userId : this.local.store.ownerOf(id));
    const own = rows.filter((r) => me.has(localOwner(r.id) ?? r.userId)).map((r) => r.id);
    // The page's read brought them when they fitted: only the owner's are kept (a teammate's are not ours).
    const mine = new Set(own);
    const team = inline ? inline.filter((c) => mine.has(String(c.consultation_id))) : await fetchConflicts(this.options.remote, this.sizer, own);
    return this.readable(team, checkedConflictRow);
  }

  /**
   * The consultant's second laptop: its welcome screen made a new profile, but the team database already
   * knows this consultant (same email). While that new profile was never shared with the team, the laptop
   * becomes the team's consultant, and anything it made before its first sync becomes theirs too.
   */
  private async identityToAdopt(incomingUsers: UserRow[]): Promise<{ from: string; to: UserRow } | null> {
    const currentId = this.options.settings.get<string>('current_user_id');
    if (!currentId || incomingUsers.length === 0) return null;
    const me = this.local.outbox.user(currentId);
    if (!me) return null;
    if (!incomingUsers.some((u) => u.id !== me.id && u.email.toLowerCase() === me.email.toLowerCase())) return null;
    const shared = await this.options.remote.execute({ sql: 'SELECT 1 FROM users WHERE id = ?', args: [me.id] });
    if (shared.rows.length) {
      console.warn(`Sync: ${me.email} has two team profiles; keeping this laptop's.`);
      return null;
    }
    // Every team profile with this email: only one that is unambiguous is adopted (a stranger's row with the
    // same email must not make this laptop someone else). The one with work on the team wins over empty ones.
    const candidates = (
      await this.options.remote.execute({
        sql: `SELECT u.id, (SELECT count(*) FROM consultations c WHERE c.user_id = u.id) AS n FROM users u WHERE lower(u.email) = lower(?) AND u.id <> ?`,
        args: [me.email, me.id],
      })
    ).rows.map((r) => ({ id: String(r.id), owns: Number(r.n) }));
    const withWork = candidates.filter((c) => c.owns > 0);
    const chosen = candidates.length === 1 ? candidates[0] : withWork.length === 1 ? withWork[0] : undefined;
    const twin = chosen && incomingUsers.find((u) => u.id === chosen.id);
    if (!twin) {
      if (candidates.length > 1) console.warn(`Sync: ${candidates.length} team profiles share ${me.email}; keeping this laptop's.`);
      return null;
    }
    return { from: me.id, to: twin };
  }
}
