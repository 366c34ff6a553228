import type { ConsultationStore, ConflictRow, TombstoneRow } from '../store/consultationStore';
import type { SyncOutbox } from '../store/syncOutbox';
import { RowRefused, sectionColumns, sectionsOf, type ConsultationRow, type UserRow, type VersionRow } from '../store/rows';
import { applyConflicts } from './conflictTravel';
import { after } from '../clock';
import { mergeSections } from '@shared/consultation/merge';
import { assess } from '@shared/consultation/assessment';
import { deepEqual, diffFields } from '@shared/consultation/diff';
import { sectionsBytes } from '@shared/consultation/edits';
import { mergeStatusEvents, statusMovedBy } from '@shared/consultation/statusEvents';
import { getPath } from '@shared/consultation/fields';
import { canonicalSections } from '@shared/consultation/normalize';
import { EMPTY_SECTIONS, HARD_LIMITS, type WorkingSections } from '@shared/consultation/sections';

// Applying a checked pull page to the local database: the merge policy of sync (see syncEngine.ts). The
// engine runs it on the main thread for small pages, and a pull worker (pullWorker.ts) runs the same code
// over its own connection for big ones.

/** A checked pull page: the current state of everything it names, ready to apply. */
export interface Incoming {
  users: UserRow[];
  consultations: ConsultationRow[];
  versions: VersionRow[];
  tombstones: TombstoneRow[];
  /** Ids of versions the team holds of consultations deleted there. */
  teamVersionIds?: ReadonlySet<string>;
  /** The team's conflicts of the consultant's own consultations among these. */
  conflicts: ConflictRow[];
  adopt: { from: string; to: UserRow } | null;
}

export interface PageApplyOptions {
  /** The store and outbox over the database open now. */
  local: () => { store: ConsultationStore; outbox: SyncOutbox };
  settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
  /** Longest a local transaction runs before it commits and yields (0: one step per transaction). */
  budgetMs?: number;
  /** Something the consultant should know (kept in the settings by the caller). */
  notify: (message: string) => void;
  /** A row refused: listed, never stored. */
  quarantine: (error: RowRefused) => void;
  /** Another thread waits to write (db/writerTurns.ts): the transaction ends at the next step, and the next waits for it. */
  writers?: { wanted(): boolean; letThrough(): void };
}

/** Longest a pull page's local transaction runs before it commits and lets the event loop turn. */
export const APPLY_BUDGET_MS = 40;
/** Most consultations per step of a pull's local transaction (between two looks at the clock). */
const MAX_APPLY_STEP = 100;
/** Longest a step aims to run: a thread waiting to write waits about this long (writers). */
const MAX_STEP_MS = 30;
const byNumber = (a: VersionRow, b: VersionRow) => a.versionNumber - b.versionNumber;
const label = (row: ConsultationRow) => row.contactInfo.business_name ?? 'A consultation';
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PageApply {
  constructor(private readonly options: PageApplyOptions) {}

  /** Consultations applied between two looks at the clock (each a savepoint), sized to about a quarter of the budget. */
  private step = 10;

  /**
   * Applies a page in local transactions that each stop at the first look at the clock past the budget (a
   * consultation with its versions and tombstone always together, the team's users first), yielding between
   * them so the window stays responsive. Elapsed time, not a count, ends a transaction: on a busy machine
   * the same rows take longer and the transaction is cut sooner. `landed` (the cursor's move) is written in
   * the transaction of the page's last step: a page cut short is applied again, which changes nothing for
   * what already landed.
   */
  async apply(incoming: Incoming, landed?: () => void): Promise<{ merged: number; conflicts: number }> {
    const ids = [...new Set([...incoming.tombstones.map((t) => String(t.id)), ...incoming.consultations.map((c) => c.id)])];
    const group = <T>(list: T[], key: (item: T) => string) => {
      const out = new Map<string, T[]>();
      for (const item of list) {
        const bucket = out.get(key(item));
        if (bucket) bucket.push(item);
        else out.set(key(item), [item]);
      }
      return out;
    };
    const rows = group(incoming.consultations, (c) => c.id);
    const versions = group(incoming.versions, (v) => v.consultationId);
    const tombstones = group(incoming.tombstones, (t) => String(t.id));
    const conflicts = group(incoming.conflicts, (c) => c.consultation_id);
    const named = new Set(ids);
    const budgetMs = this.options.budgetMs ?? APPLY_BUDGET_MS;
    const totals = { merged: 0, conflicts: 0 };
    let at = 0;
    const step = (first: boolean) => {
      const part = ids.slice(at, at + this.step);
      const started = performance.now();
      const applied = this.applyNow({
        users: first ? incoming.users : [],
        adopt: first ? incoming.adopt : null,
        consultations: part.flatMap((id) => rows.get(id) ?? []),
        // Versions whose consultation the page does not hold go with the first part (they are checked, as before).
        versions: [...part.flatMap((id) => versions.get(id) ?? []), ...(first ? incoming.versions.filter((v) => !named.has(v.consultationId)) : [])],
        tombstones: part.flatMap((id) => tombstones.get(id) ?? []),
        teamVersionIds: incoming.teamVersionIds,
        conflicts: [...part.flatMap((id) => conflicts.get(id) ?? []), ...(first ? incoming.conflicts.filter((c) => !named.has(c.consultation_id)) : [])],
      });
      // A page of new consultations costs far more per row than one of known ones: the next step follows this one's pace.
      const fit = Math.floor((part.length / Math.max(0.1, performance.now() - started)) * Math.min(budgetMs / 4, MAX_STEP_MS));
      this.step = Math.max(1, Math.min(MAX_APPLY_STEP, fit, this.step * 2));
      totals.merged += applied.merged;
      totals.conflicts += applied.conflicts;
      at += part.length;
    };
    for (let first = true; first || at < ids.length; first = false) {
      // Before the first transaction too: the page's last checks ran in this turn.
      await yieldTurn();
      const writers = this.options.writers;
      writers?.letThrough();
      const deadline = performance.now() + budgetMs;
      // One transaction per slice, its steps savepoints in it, committed without waiting for the disk
      // (SyncOutbox.syncedLater): a power cut loses the last pages with their cursor, which are pulled again.
      this.options.local().outbox.syncedLater(() =>
        this.options.local().store.transaction(() => {
          step(first);
          while (at < ids.length && performance.now() < deadline && !writers?.wanted()) step(false);
          if (at >= ids.length) landed?.();
        }),
      );
    }
    return totals;
  }

  /** The whole of a (small) page in one step, in the caller's transaction or its own. */
  applyNow(incoming: Incoming) {
    const { store, outbox } = this.options.local();
    let merged = 0;
    let conflicts = 0;
    outbox.applying((own) => {
      for (const u of incoming.users) outbox.upsertUser(u);
      if (incoming.adopt) {
        // This laptop's own writes: they go out under the adopted identity.
        own(() => store.reassignOwner(incoming.adopt!.from, incoming.adopt!.to.id));
        this.options.settings.set('current_user_id', incoming.adopt.to.id);
        outbox.forgetUnsharedUser(incoming.adopt.from);
      }
      const deleted = new Map(incoming.tombstones.map((t) => [String(t.id), t]));
      for (const [id, tombstone] of deleted) {
        const local = store.find(id);
        if (!local) {
          store.addTombstone(tombstone);
          continue;
        }
        if (tombstone.user_id !== local.userId) {
          // Only the owner's laptops delete a consultation; a tombstone naming someone else is not theirs.
          this.options.quarantine(new RowRefused('tombstone', id, 'user_id: it names someone other than the consultation’s owner'));
          deleted.delete(id);
          continue;
        }
        // Queued work the team already has (a restored backup's outbox lists work pushed since) is not unseen.
        const teamRow = incoming.consultations.find((c) => c.id === id);
        const alreadyOnTeam =
          teamRow !== undefined &&
          deepEqual(sectionsOf(local), sectionsOf(teamRow)) &&
          store.unpushedVersions(id).every((v) => incoming.teamVersionIds?.has(v.id));
        if (outbox.hasWorkFor(id) && !alreadyOnTeam) {
          // Work here the deleting device never saw: keep it, and push it, which restores it for everyone.
          own(() => outbox.enqueue('consultation', id));
          this.options.notify(
            `“${label(local)}” was deleted on another device, but it had changes here that were not synced yet, so it was kept and restored for the team.`,
          );
          continue;
        }
        // Private notes never left this laptop, so the deleting one never saw them: they are kept in a notice.
        const notes = store.notes(id);
        if (notes) this.options.notify(`“${label(local)}” was deleted on another device. Your private notes on it, kept here: ${notes}`);
        store.delete(id);
        store.addTombstone(tombstone);
      }
      // What is here already, read once for the part (a fresh device has none of it): no lookups per row.
      const named = [...new Set([...incoming.consultations.map((c) => c.id), ...incoming.versions.map((v) => v.consultationId)])];
      const here = store.foundAmong(named);
      const tombstoned = store.tombstonedAmong(incoming.consultations.filter((c) => !here.has(c.id)).map((c) => c.id));
      const versionIds = store.versionIdsAmong([...here.keys()]);
      const members = new Map<string, boolean>();
      const isMember = (userId: string) => members.get(userId) ?? members.set(userId, store.user(userId) !== undefined).get(userId)!;
      const newHere: { row: ConsultationRow; versions: VersionRow[] }[] = [];
      const ownerOf = new Map(incoming.consultations.map((c) => [c.id, here.get(c.id)?.userId ?? c.userId]));
      const versionsOf = new Map<string, VersionRow[]>();
      for (const v of incoming.versions) {
        if (!isMember(v.userId)) {
          this.options.quarantine(new RowRefused('version', v.id, 'user_id: its author is not a member of the team database'));
          continue;
        }
        const owner = ownerOf.get(v.consultationId) ?? here.get(v.consultationId)?.userId;
        if (owner !== undefined && v.userId !== owner) {
          // Only the owner writes a consultation's history (as import insists too).
          this.options.quarantine(new RowRefused('version', v.id, 'user_id: its author is not the consultation’s owner'));
          continue;
        }
        const list = versionsOf.get(v.consultationId);
        if (list) list.push(v);
        else versionsOf.set(v.consultationId, [v]);
      }
      for (const row of incoming.consultations) {
        if (!isMember(row.userId)) {
          this.options.quarantine(new RowRefused('consultation', row.id, 'user_id: its owner is not a member of the team database'));
          continue;
        }
        const local = here.get(row.id);
        if (local && local.userId !== row.userId) {
          this.options.quarantine(new RowRefused('consultation', row.id, 'user_id: it names another owner than the consultation has'));
          continue;
        }
        // Deleted here: done. Kept despite a delete (work this device had not pushed): its team row and
        // versions still merge in, so this device's versions are numbered after the team's before they go out.
        if (deleted.has(row.id) && !local) continue;
        const result = this.applyConsultation(row, (versionsOf.get(row.id) ?? []).sort(byNumber), own, {
          local,
          tombstoned: tombstoned.has(row.id),
          versionIds: versionIds.get(row.id) ?? new Set(),
          newHere,
        });
        merged += result.merged ? 1 : 0;
        conflicts += result.conflicts;
      }
      if (newHere.length) {
        const texts = store.insertAllWithVersions(newHere);
        // The base is the text just written: not canonicalised and serialised a second time.
        newHere.forEach(({ row }, at) => outbox.putBaseText(row.id, texts[at]!, row.updatedAt));
      }
      const me = this.options.settings.get<string>('current_user_id');
      const isMine = (id: string) => me !== undefined && store.ownerOf(id) === me;
      const touched = [...incoming.consultations.map((c) => c.id), ...incoming.conflicts.map((c) => c.consultation_id)];
      conflicts += applyConflicts(store, incoming.conflicts, touched, isMine, own);
    });
    return { merged, conflicts };
  }

  /** `known`: what apply() read for the whole part (the row here, whether a tombstone is, the version ids here). */
  private applyConsultation(
    remote: ConsultationRow,
    incoming: VersionRow[],
    own: <R>(write: () => R) => R,
    known: {
      local: ConsultationRow | undefined;
      tombstoned: boolean;
      versionIds: ReadonlySet<string>;
      /** Where a consultation new here goes: the part writes them together (insertNew). */
      newHere: { row: ConsultationRow; versions: VersionRow[] }[];
    },
  ): { merged: boolean; conflicts: number } {
    const { store, outbox } = this.options.local();
    const id = remote.id;
    const { local } = known;
    if (!local) {
      if (known.tombstoned) {
        // Deleted here, alive on the team: another device kept it with work this one had not seen.
        if (outbox.has('tombstone', id)) outbox.drop('tombstone', id);
        store.deleteTombstone(id);
        this.options.notify(`“${label(remote)}” was deleted here, but another device had changes to it, so it was restored.`);
      }
      // Written once, as it stays, with the part's other new ones (no insert-then-replace: each write reindexes its search text).
      known.newHere.push({ row: remote, versions: incoming });
      return { merged: false, conflicts: 0 };
    }

    const fresh = incoming.filter((v) => !known.versionIds.has(v.id));
    // Only new versions can collide with ours: a consultation re-read with nothing new asks for none of this.
    const unpushed = fresh.length ? store.unpushedVersions(id) : [];
    const collides = unpushed.length > 0 && fresh.some((v) => v.versionNumber <= unpushed[unpushed.length - 1]!.versionNumber);
    let localNewest = local.currentVersion;
    const merging = collides || outbox.has('consultation', id);
    // The status both sides started from, read before any version moves: the common version (a merge needs it).
    const baseStatus = merging
      ? store.versionStatus(id, collides ? unpushed[0]!.versionNumber - 1 : Math.min(local.currentVersion, remote.currentVersion))
      : 'draft';
    if (collides) {
      // Both devices saved versions from the same base: keep them all, ours renumbered after theirs.
      const baseNumber = unpushed[0]!.versionNumber - 1;
      const shift = fresh.filter((v) => v.versionNumber > baseNumber).length;
      store.renumberVersions(unpushed.map((v) => ({ id: v.id, versionNumber: v.versionNumber + shift })));
      localNewest = baseNumber + shift + unpushed.length;
    }
    for (const v of fresh) store.addVersionIfNew(v);

    const theirs = sectionsOf(remote);
    const newest = Math.max(localNewest, remote.currentVersion);
    const remoteIsNewer =
      remote.currentVersion > local.currentVersion || (remote.currentVersion === local.currentVersion && remote.updatedAt > local.updatedAt);
    // Status moves are events that only add up: both sides' lists, each event once.
    const statusEvents = mergeStatusEvents(local.statusEvents, remote.statusEvents);
    if (!merging) {
      // Nothing typed here since the last exchange: the team's row is the record.
      if (remoteIsNewer) {
        store.replace({ ...remote, currentVersion: newest, statusEvents });
        store.settleCurrentVersion(id);
      } else store.settleCurrentVersionOf(local);
      outbox.setBase(id, theirs, remote.updatedAt);
      return { merged: false, conflicts: 0 };
    }

    // Both changed it: merge the working copies field by field against what was last exchanged.
    const ours = sectionsOf(local);
    const base = outbox.base(id) ?? store.versionSections(id, Math.min(local.currentVersion, remote.currentVersion)) ?? canonicalSections(EMPTY_SECTIONS);
    const result = mergeSections(base, ours, theirs);
    let next = canonicalSections(result.merged) as WorkingSections;
    if (sectionsBytes(next) > HARD_LIMITS.consultationBytes) {
      // Both sides fit, their merge does not: the team's copy stays the record, and each of this device's
      // changes is kept as a conflict for the owner to bring back (nothing is dropped, every device agrees).
      next = theirs;
      result.conflicts = diffFields(base, ours)
        .filter((change) => !deepEqual(getPath(theirs, change.path), change.after))
        .map((change) => ({ path: change.path, base: change.before, ours: change.after, theirs: getPath(theirs, change.path) }));
    }
    // Status travels with its completion date. The side that moved it away from the common version decides
    // (a completion on one laptop is not undone by the other's edits); if both moved it, the later one.
    // Status moves are events now: the side holding the newest event the other did not have moved it last.
    // Rows with no such event (moves recorded as versions by older apps) fall back to the common version.
    const movedBy = statusMovedBy(local.statusEvents, remote.statusEvents);
    const remoteMoved = remote.status !== baseStatus;
    const localMoved = local.status !== baseStatus;
    const statusSide =
      movedBy !== null ? (movedBy === 'theirs' ? remote : local) : remoteMoved && (!localMoved || remote.updatedAt > local.updatedAt) ? remote : local;
    const updatedAt = after(remote.updatedAt > local.updatedAt ? remote.updatedAt : local.updatedAt);
    own(() => {
      store.replace({
        ...local,
        ...sectionColumns(next),
        status: statusSide.status,
        completedAt: statusSide.completedAt,
        statusEvents,
        completionPercentage: assess(next).completion.percentage,
        currentVersion: newest,
        updatedAt,
      });
      for (const c of result.conflicts) store.addConflict(id, c.path, { base: c.base, ours: c.ours, theirs: c.theirs }, updatedAt);
      store.settleCurrentVersion(id);
    });
    outbox.setBase(id, theirs, remote.updatedAt);
    return { merged: true, conflicts: result.conflicts.length };
  }
}
