import type { Client, InStatement } from '@libsql/client';
import type { MigrationMeta } from 'drizzle-orm/migrator';
import type { LocalDatabase } from '../db/client';
import { ensureRemoteSchema } from './remoteSchema';
import { fetchRowsByBytes, LinkSizer, pushSlice } from './batchSizing';
import { isVersionClash } from './syncErrors';
import { after, newId, now } from '../clock';
import { mergeSections } from '../../shared/consultation/merge';
import { completionOf } from '../../shared/consultation/completion';
import { diffFields, summarizeChanges } from '../../shared/consultation/diff';
import { canonicalSections } from '../../shared/consultation/normalize';
import type { DraftSections, Sections } from '../../shared/consultation/sections';

// Offline-first sync with the team's Turso database.
// - Push: the outbox (written by triggers in the same transaction as each change) goes out in batches,
//   each one `batch(..., 'write')` that also records its id in sync_batches. A batch whose response was
//   lost is recognised by that id on the next push, so nothing is applied twice.
// - Pull: sync_log, in commit order, from a cursor. Applied with sync_control.applying = 1 so pulled rows
//   are not echoed back.
// - Concurrent edits of one consultation (the owner on two laptops): both edits stay in the history; the
//   later device renumbers its unpushed versions after the team's, then saves a merge version (see
//   src/shared/consultation/merge.ts), flagging fields both sides changed differently.
// Drafts and private notes never leave the device.

const SECTION_COLUMNS = ['contact_info', 'business_context', 'pain_points', 'goals_objectives'] as const;
const CONSULTATION_COLUMNS = ['id', 'user_id', ...SECTION_COLUMNS, 'status', 'completion_percentage', 'current_version', 'created_at', 'updated_at', 'completed_at'];
const VERSION_COLUMNS = ['id', 'consultation_id', 'user_id', 'version_number', ...SECTION_COLUMNS, 'status', 'completion_percentage', 'change_summary', 'changed_fields', 'note', 'created_at'];
const USER_COLUMNS = ['id', 'name', 'email', 'created_at', 'updated_at'];

type Entity = 'user' | 'consultation' | 'version' | 'tombstone';
type Record_ = Record<string, unknown>;

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
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const sectionsOfRow = (row: Record_): Sections =>
  canonicalSections({
    contact_info: JSON.parse(String(row.contact_info)),
    business_context: JSON.parse(String(row.business_context)),
    pain_points: JSON.parse(String(row.pain_points)),
    goals_objectives: JSON.parse(String(row.goals_objectives)),
  });

export interface SyncEngineOptions {
  database: () => LocalDatabase;
  remote: Client;
  deviceId: string;
  migrations: readonly MigrationMeta[];
  /** Most outbox rows per push batch (batches are also sized in bytes by `sizing`). */
  batchSize?: number;
  /** Sizes push batches and pull pages to the link; the service keeps one across runs. */
  sizing?: LinkSizer;
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void; delete(key: string): void };
  onProgress?: (progress: SyncProgress) => void;
}

/** Changes waiting in the outbox (each entity once): for the engine and for the status when sync is off. */
export function pendingChanges(sqlite: LocalDatabase['sqlite']): number {
  return (sqlite.prepare(`SELECT count(DISTINCT entity || entity_id) AS n FROM sync_outbox`).get() as { n: number }).n;
}

/** The local statements a sync runs, prepared once per database (a pull applies thousands of rows). */
function prepareLocal(sqlite: LocalDatabase['sqlite']) {
  const insert = (table: string, columns: string[], verb = 'INSERT') =>
    sqlite.prepare(`${verb} INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns.length)})`);
  const setRemote = CONSULTATION_COLUMNS.filter((c) => c !== 'id');
  return {
    outboxPage: sqlite.prepare(`SELECT seq, entity, entity_id AS id FROM sync_outbox ORDER BY seq LIMIT ?`),
    outboxDeleteUpTo: sqlite.prepare('DELETE FROM sync_outbox WHERE seq <= ?'),
    applying: sqlite.prepare('UPDATE sync_control SET applying = ? WHERE id = 1'),
    upsertUser: sqlite.prepare(`INSERT INTO users (${USER_COLUMNS.join(', ')}) VALUES (${placeholders(USER_COLUMNS.length)})
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at WHERE excluded.updated_at > users.updated_at`),
    insertTombstone: sqlite.prepare('INSERT OR IGNORE INTO consultation_tombstones (id, user_id, deleted_at) VALUES (?, ?, ?)'),
    deleteConsultation: sqlite.prepare('DELETE FROM consultations WHERE id = ?'),
    consultation: sqlite.prepare('SELECT * FROM consultations WHERE id = ?'),
    insertConsultation: insert('consultations', CONSULTATION_COLUMNS),
    updateConsultationFromRemote: sqlite.prepare(`UPDATE consultations SET ${setRemote.map((c) => `"${c}" = ?`).join(', ')} WHERE id = ?`),
    updateConsultationMerged: sqlite.prepare(
      `UPDATE consultations SET contact_info = ?, business_context = ?, pain_points = ?, goals_objectives = ?, status = ?, completion_percentage = ?, current_version = ?, updated_at = ? WHERE id = ?`,
    ),
    versionIds: sqlite.prepare('SELECT id FROM consultation_versions WHERE consultation_id = ?'),
    unpushedVersions: sqlite.prepare(
      `SELECT v.* FROM consultation_versions v WHERE v.consultation_id = ? AND EXISTS (SELECT 1 FROM sync_outbox o WHERE o.entity = 'version' AND o.entity_id = v.id) ORDER BY v.version_number`,
    ),
    versionAt: sqlite.prepare('SELECT * FROM consultation_versions WHERE consultation_id = ? AND version_number = ?'),
    insertVersionIfNew: insert('consultation_versions', VERSION_COLUMNS, 'INSERT OR IGNORE'),
    insertVersion: insert('consultation_versions', VERSION_COLUMNS),
    renumber: sqlite.prepare('UPDATE consultation_versions SET version_number = ? WHERE id = ?'),
    insertConflict: sqlite.prepare(
      `INSERT INTO consultation_conflicts (id, consultation_id, field_path, base_value, our_value, their_value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    draft: sqlite.prepare('SELECT * FROM consultation_drafts WHERE consultation_id = ?'),
    updateDraft: sqlite.prepare(`UPDATE consultation_drafts SET contact_info = ?, business_context = ?, pain_points = ?, goals_objectives = ?, base_version = ? WHERE id = ?`),
  };
}

const CURSOR_KEY = 'sync_cursor';
const PENDING_BATCH_KEY = 'sync_pending_batch';

export class VersionConflictError extends Error {}

export class SyncEngine {
  private prepared: { sqlite: LocalDatabase['sqlite']; statements: ReturnType<typeof prepareLocal> } | null = null;

  private ownSizer: LinkSizer | null = null;

  constructor(private readonly options: SyncEngineOptions) {}

  private get sizer(): LinkSizer {
    return this.options.sizing ?? (this.ownSizer ??= new LinkSizer());
  }

  private get sqlite() {
    return this.options.database().sqlite;
  }

  /** The prepared statements for the database open now (a restore replaces it). */
  private get local() {
    const sqlite = this.sqlite;
    if (this.prepared?.sqlite !== sqlite) this.prepared = { sqlite, statements: prepareLocal(sqlite) };
    return this.prepared.statements;
  }

  pendingCount(): number {
    return pendingChanges(this.sqlite);
  }

  async syncOnce(): Promise<SyncReport> {
    const schemaVersion = await ensureRemoteSchema(this.options.remote, this.options.migrations);
    const report: SyncReport = { pushed: 0, pulled: 0, merged: 0, conflicts: 0, schemaVersion };
    // First learn whether our last push landed: versions it carried are not "unpushed" for the pull's merge.
    await this.settlePendingBatch();
    for (let attempt = 0; ; attempt += 1) {
      const pulled = await this.pull();
      report.pulled += pulled.pulled;
      report.merged += pulled.merged;
      report.conflicts += pulled.conflicts;
      try {
        report.pushed += await this.push();
        return report;
      } catch (error) {
        // Another laptop pushed versions of the same consultation since our pull: pull, merge, try again.
        if (!(error instanceof VersionConflictError) || attempt >= 4) throw error;
      }
    }
  }

  // ---- push --------------------------------------------------------------------------------------------

  private async settlePendingBatch(): Promise<void> {
    const pending = this.options.settings.get<{ id: string; maxSeq: number }>(PENDING_BATCH_KEY);
    if (!pending) return;
    const applied = await this.options.remote.execute({ sql: 'SELECT 1 FROM sync_batches WHERE id = ?', args: [pending.id] });
    if (applied.rows.length) this.local.outboxDeleteUpTo.run(pending.maxSeq);
    this.options.settings.delete(PENDING_BATCH_KEY);
  }

  /** Pushes everything in the outbox; returns the number of entities pushed. */
  async push(): Promise<number> {
    await this.settlePendingBatch();
    const batchSize = this.options.batchSize ?? 5_000;
    const total = this.pendingCount();
    let done = 0;
    for (;;) {
      const page = this.local.outboxPage.all(batchSize) as { seq: number; entity: Entity; id: string }[];
      const { entries, bytes } = pushSlice(this.sqlite, page, this.sizer.budgetBytes());
      if (entries.length === 0) return done;
      const maxSeq = entries[entries.length - 1]!.seq;
      const ids: Record<Entity, string[]> = { user: [], consultation: [], version: [], tombstone: [] };
      for (const e of entries) if (!ids[e.entity].includes(e.id)) ids[e.entity].push(e.id);
      const batchId = newId();
      const statements = this.pushStatements(batchId, ids);
      this.options.settings.set(PENDING_BATCH_KEY, { id: batchId, maxSeq });
      try {
        await this.sizer.timed(bytes, () => this.options.remote.batch(statements, 'write'));
      } catch (error) {
        const message = String((error as Error)?.message ?? error);
        if (isVersionClash(error)) {
          this.options.settings.delete(PENDING_BATCH_KEY);
          throw new VersionConflictError(message);
        }
        // Unknown outcome (network, timeout): the pending batch id tells on the next push.
        throw error;
      }
      this.local.outboxDeleteUpTo.run(maxSeq);
      this.options.settings.delete(PENDING_BATCH_KEY);
      done += Object.values(ids).reduce((n, list) => n + list.length, 0);
      this.options.onProgress?.({ done: Math.max(0, total - this.pendingCount()), total });
    }
  }

  private localRows(table: string, columns: string[], ids: string[]): Record_[] {
    const out: Record_[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      out.push(...(this.sqlite.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE id IN (${placeholders(chunk.length)})`).all(...chunk) as Record_[]));
    }
    return out;
  }

  private pushStatements(batchId: string, ids: Record<Entity, string[]>): InStatement[] {
    const device = this.options.deviceId;
    const statements: InStatement[] = [{ sql: 'INSERT INTO sync_batches (id, device_id, created_at) VALUES (?, ?, ?)', args: [batchId, device, now()] }];
    const log = (entity: Entity, id: string) => statements.push({ sql: 'INSERT INTO sync_log (entity, entity_id, device_id) VALUES (?, ?, ?)', args: [entity, id, device] });
    for (const user of this.localRows('users', USER_COLUMNS, ids.user)) {
      statements.push({
        sql: `INSERT INTO users (${USER_COLUMNS.join(', ')}) VALUES (${placeholders(USER_COLUMNS.length)})
              ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at
              WHERE excluded.updated_at > users.updated_at`,
        args: USER_COLUMNS.map((c) => user[c] as string),
      });
      log('user', String(user.id));
    }
    for (const row of this.localRows('consultations', CONSULTATION_COLUMNS, ids.consultation)) {
      const update = CONSULTATION_COLUMNS.filter((c) => c !== 'id' && c !== 'created_at').map((c) => `${c} = excluded.${c}`).join(', ');
      statements.push({
        sql: `INSERT INTO consultations (${CONSULTATION_COLUMNS.join(', ')}) VALUES (${placeholders(CONSULTATION_COLUMNS.length)})
              ON CONFLICT(id) DO UPDATE SET ${update}
              WHERE excluded.current_version > consultations.current_version
                 OR (excluded.current_version = consultations.current_version AND excluded.updated_at > consultations.updated_at)`,
        args: CONSULTATION_COLUMNS.map((c) => row[c] as string | number | null),
      });
      log('consultation', String(row.id));
    }
    const versions = this.localRows('consultation_versions', VERSION_COLUMNS, ids.version).sort(
      (a, b) => String(a.consultation_id).localeCompare(String(b.consultation_id)) || Number(a.version_number) - Number(b.version_number),
    );
    for (const v of versions) {
      statements.push({
        sql: `INSERT INTO consultation_versions (${VERSION_COLUMNS.join(', ')}) VALUES (${placeholders(VERSION_COLUMNS.length)}) ON CONFLICT(id) DO NOTHING`,
        args: VERSION_COLUMNS.map((c) => v[c] as string | number | null),
      });
      log('version', String(v.id));
    }
    for (const t of this.localRows('consultation_tombstones', ['id', 'user_id', 'deleted_at'], ids.tombstone)) {
      statements.push({ sql: 'INSERT OR IGNORE INTO consultation_tombstones (id, user_id, deleted_at) VALUES (?, ?, ?)', args: [t.id as string, t.user_id as string, t.deleted_at as string] });
      statements.push({ sql: 'DELETE FROM consultation_drafts WHERE consultation_id = ?', args: [t.id as string] });
      statements.push({ sql: 'DELETE FROM consultation_versions WHERE consultation_id = ?', args: [t.id as string] });
      statements.push({ sql: 'DELETE FROM consultations WHERE id = ?', args: [t.id as string] });
      log('tombstone', String(t.id));
    }
    return statements;
  }

  // ---- pull --------------------------------------------------------------------------------------------

  private async remoteRows(table: string, columns: string[], ids: string[]): Promise<Record_[]> {
    return fetchRowsByBytes(this.options.remote, this.sizer, table, columns, ids);
  }

  async pull(): Promise<{ pulled: number; merged: number; conflicts: number }> {
    const totals = { pulled: 0, merged: 0, conflicts: 0 };
    const waiting = await this.options.remote.execute({ sql: 'SELECT count(*) AS n FROM sync_log WHERE seq > ?', args: [this.options.settings.get<number>(CURSOR_KEY) ?? 0] });
    const progress = { done: 0, total: Number(waiting.rows[0]?.n ?? 0) };
    for (;;) {
      const cursor = this.options.settings.get<number>(CURSOR_KEY) ?? 0;
      const limit = this.sizer.logPageRows();
      const log = await this.sizer.timed((page) => page.rows.length * 200, () =>
        this.options.remote.execute({ sql: 'SELECT seq, entity, entity_id, device_id FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?', args: [cursor, limit] }),
      );
      if (log.rows.length === 0) return totals;
      const lastSeq = Number(log.rows[log.rows.length - 1]!.seq);
      const ids: Record<Entity, Set<string>> = { user: new Set(), consultation: new Set(), version: new Set(), tombstone: new Set() };
      for (const row of log.rows) if (row.device_id !== this.options.deviceId) ids[row.entity as Entity]?.add(String(row.entity_id));
      const [users, consultations, versions, tombstones] = await Promise.all([
        this.remoteRows('users', USER_COLUMNS, [...ids.user]),
        this.remoteRows('consultations', CONSULTATION_COLUMNS, [...ids.consultation]),
        this.remoteRows('consultation_versions', VERSION_COLUMNS, [...ids.version]),
        this.remoteRows('consultation_tombstones', ['id', 'user_id', 'deleted_at'], [...ids.tombstone]),
      ]);
      const applied = this.apply({ users, consultations, versions, tombstones });
      this.adoptIdentity(users);
      this.options.settings.set(CURSOR_KEY, lastSeq);
      totals.pulled += users.length + consultations.length + versions.length + tombstones.length;
      totals.merged += applied.merged;
      totals.conflicts += applied.conflicts;
      progress.done += log.rows.length;
      if (progress.total > 0) this.options.onProgress?.({ done: progress.done, total: Math.max(progress.total, progress.done) });
    }
  }

  private apply(incoming: { users: Record_[]; consultations: Record_[]; versions: Record_[]; tombstones: Record_[] }) {
    const sqlite = this.sqlite;
    const local = this.local;
    const applying = local.applying;
    let merged = 0;
    let conflicts = 0;
    sqlite
      .transaction(() => {
        applying.run(1);
        for (const u of incoming.users) local.upsertUser.run(...USER_COLUMNS.map((c) => u[c]));
        for (const t of incoming.tombstones) {
          local.insertTombstone.run(t.id, t.user_id, t.deleted_at);
          local.deleteConsultation.run(t.id);
        }
        const tombstoned = new Set(incoming.tombstones.map((t) => String(t.id)));
        const rowsById = new Map(incoming.consultations.map((c) => [String(c.id), c]));
        const versionsByConsultation = new Map<string, Record_[]>();
        for (const v of incoming.versions) {
          const list = versionsByConsultation.get(String(v.consultation_id)) ?? [];
          list.push(v);
          versionsByConsultation.set(String(v.consultation_id), list);
        }
        for (const id of new Set([...rowsById.keys(), ...versionsByConsultation.keys()])) {
          if (tombstoned.has(id)) continue;
          const incomingVersions = (versionsByConsultation.get(id) ?? []).sort((a, b) => Number(a.version_number) - Number(b.version_number));
          const result = this.applyConsultation(id, rowsById.get(id), incomingVersions);
          merged += result.merged ? 1 : 0;
          conflicts += result.conflicts;
        }
        applying.run(0);
      })
      .immediate();
    return { merged, conflicts };
  }

  /**
   * The consultant's second laptop: its welcome screen made a new profile, but the team database already
   * knows this consultant (same email). If the new profile has nothing of its own yet, the laptop becomes
   * that consultant, so their consultations are theirs to edit here too.
   */
  private adoptIdentity(incomingUsers: Record_[]): void {
    const settings = this.options.settings;
    const currentId = settings.get<string>('current_user_id');
    if (!currentId || incomingUsers.length === 0) return;
    const sqlite = this.sqlite;
    const me = sqlite.prepare('SELECT id, email FROM users WHERE id = ?').get(currentId) as { id: string; email: string } | undefined;
    if (!me) return;
    const twin = incomingUsers.find((u) => u.id !== me.id && String(u.email).toLowerCase() === me.email.toLowerCase());
    if (!twin) return;
    const owns = (sqlite.prepare('SELECT count(*) AS n FROM consultations WHERE user_id = ?').get(me.id) as { n: number }).n;
    if (owns > 0) {
      console.warn(`Sync: ${me.email} is also a team profile, but this laptop's profile already has consultations; keeping it.`);
      return;
    }
    sqlite
      .transaction(() => {
        settings.set('current_user_id', twin.id);
        // The unused local profile was never shared with anyone: remove it and its queued push.
        sqlite.prepare(`DELETE FROM sync_outbox WHERE entity = 'user' AND entity_id = ?`).run(me.id);
        sqlite.prepare('DELETE FROM users WHERE id = ?').run(me.id);
      })
      .immediate();
  }

  private applyConsultation(id: string, remoteRow: Record_ | undefined, incoming: Record_[]): { merged: boolean; conflicts: number } {
    const q = this.local;
    const local = q.consultation.get(id) as Record_ | undefined;
    const unpushed = local ? (q.unpushedVersions.all(id) as Record_[]) : [];
    const localIds = new Set((q.versionIds.all(id) as { id: string }[]).map((r) => r.id));
    const fresh = incoming.filter((v) => !localIds.has(String(v.id)));
    const insertVersion = q.insertVersionIfNew;
    const collides = unpushed.length > 0 && fresh.some((v) => Number(v.version_number) <= Number(unpushed[unpushed.length - 1]!.version_number));

    if (!local && remoteRow) {
      q.insertConsultation.run(...CONSULTATION_COLUMNS.map((c) => remoteRow[c]));
    }
    if (!collides) {
      for (const v of fresh) insertVersion.run(...VERSION_COLUMNS.map((c) => v[c]));
      if (local && remoteRow && unpushed.length === 0) {
        const newer = Number(remoteRow.current_version) > Number(local.current_version) || (Number(remoteRow.current_version) === Number(local.current_version) && String(remoteRow.updated_at) > String(local.updated_at));
        if (newer) {
          q.updateConsultationFromRemote.run(...CONSULTATION_COLUMNS.filter((c) => c !== 'id').map((c) => remoteRow[c]), id);
          this.rebaseDraft(id, sectionsOfRow(local), sectionsOfRow(remoteRow), Number(remoteRow.current_version));
        }
      }
      return { merged: false, conflicts: 0 };
    }

    // Two devices saved versions from the same base: keep both, renumber ours after theirs, then merge.
    const baseNumber = Number(unpushed[0]!.version_number) - 1;
    const theirs = fresh.filter((v) => Number(v.version_number) > baseNumber);
    const base = q.versionAt.get(id, baseNumber) as Record_ | undefined;
    const baseSections = base ? sectionsOfRow(base) : canonicalSections({} as Sections);
    const ours = sectionsOfRow(local!);
    const theirsLatest = theirs[theirs.length - 1]!;
    const theirsSections = sectionsOfRow(theirsLatest);
    const shift = theirs.length;
    const renumber = q.renumber;
    for (const v of unpushed) renumber.run(Number(v.version_number) + 1_000_000, v.id);
    for (const v of unpushed) renumber.run(Number(v.version_number) + shift, v.id);
    for (const v of fresh) insertVersion.run(...VERSION_COLUMNS.map((c) => v[c]));
    const { merged, conflicts } = mergeSections(baseSections, ours, theirsSections);
    const mergeNumber = baseNumber + theirs.length + unpushed.length + 1;
    const changed = diffFields(ours, merged).map((c) => c.path);
    const timestamp = after(String(local!.updated_at));
    const summary = conflicts.length
      ? `Merged with changes from another device · to resolve: ${summarizeChanges(conflicts.map((c) => c.path))}`
      : `Merged with changes from another device${changed.length ? ` · ${summarizeChanges(changed)}` : ''}`;
    const status = theirsLatest.status !== (base?.status ?? local!.status) ? String(theirsLatest.status) : String(local!.status);
    const completion = completionOf(merged).percentage;
    // Our own writes from here on: recorded in the outbox, to be pushed.
    q.applying.run(0);
    q.insertVersion.run(newId(), id, local!.user_id, mergeNumber, ...SECTION_COLUMNS.map((k) => JSON.stringify(merged[k])), status, completion, summary, JSON.stringify(changed), null, timestamp);
    q.updateConsultationMerged.run(...SECTION_COLUMNS.map((k) => JSON.stringify(merged[k])), status, completion, mergeNumber, timestamp, id);
    for (const c of conflicts) q.insertConflict.run(newId(), id, c.path, JSON.stringify(c.base ?? null), JSON.stringify(c.ours ?? null), JSON.stringify(c.theirs ?? null), timestamp);
    this.rebaseDraft(id, ours, merged, mergeNumber);
    q.applying.run(1);
    return { merged: true, conflicts: conflicts.length };
  }

  /** A draft in progress keeps what was typed and takes the team's changes to the fields it did not touch. */
  private rebaseDraft(consultationId: string, oldSaved: Sections, newSaved: Sections, versionNumber: number): void {
    const draft = this.local.draft.get(consultationId) as Record_ | undefined;
    if (!draft) return;
    const typed = sectionsOfRow(draft) as DraftSections as Sections;
    const rebased = mergeSections(oldSaved, newSaved, typed).merged;
    this.local.updateDraft.run(...SECTION_COLUMNS.map((k) => JSON.stringify(rebased[k])), versionNumber, draft.id);
  }
}
