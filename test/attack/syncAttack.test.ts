import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { device, fileTeamDevices, migrations, restoredDevice, syncedState } from '../syncDevices';
import { SyncEngine } from '../../src/main/sync/syncEngine';
import { LinkSizer } from '../../src/main/sync/batchSizing';
import { tempDir } from '../tempDatabase';
import { ConflictsService } from '../../src/main/sync/conflictsService';
import type { RemoteClient } from '../../src/main/sync/remoteClient';
import { fullSections } from '../arbitraries';
import { newId, now } from '../../src/main/clock';
import { HARD_LIMITS } from '@shared/consultation/sections';
import { sectionsBytes } from '@shared/consultation/edits';

// Bidi embedding/override/isolate controls and C0 controls: what typed text never keeps (textHygiene.ts).
// eslint-disable-next-line no-control-regex
const HARMFUL = /[\u202A-\u202E\u2066-\u2069\u0000-\u0008]/;

// Adversarial sync scenarios against a libSQL file remote (the engine Turso runs). Each test states what
// must hold; a failure here is a defect in the product, not in the test.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));

/** About `items` × 10,000 ASCII characters: one list field under the per-item and per-list hard limits. */
const bigList = (mark: string, items: number) => Array.from({ length: items }, (_, i) => `${mark}${i} `.padEnd(HARD_LIMITS.listItemChars, mark));

describe('attack: sync', () => {
  it('a tombstone a teammate (not the owner) wrote on the team database does not delete the owner’s consultation', async () => {
    // Defect: pulled tombstones are never checked (no owner check, no quarantine), so any team member's
    // row in consultation_tombstones deletes someone else's consultation on every device.
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Ada Owns This') }).consultation;
    await ada.sync();
    const bo = add('Bo');
    await bo.sync();
    const boId = bo.users.current()!.id;
    await remote.batch(
      [
        { sql: 'INSERT INTO consultation_tombstones (id, user_id, deleted_at) VALUES (?, ?, ?)', args: [c.id, boId, now()] },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('tombstone', ?, 'bo-elsewhere')`, args: [c.id] },
      ],
      'write',
    );
    await ada.sync();
    expect(ada.consultations.list().items.map((i) => i.id)).toContain(c.id);
    expect(ada.consultations.get({ consultationId: c.id }).consultation.currentVersion).toBe(1);
  }, 60_000);

  it('working copies merged from two laptops never exceed the size cap, so every device agrees and nothing of the owner’s is quarantined', async () => {
    // Defect: each laptop's working copy is under 1 MB, the field-by-field merge is not; the merging laptop
    // stores and pushes a 1.7 MB row that the other laptop then quarantines as too large: they disagree.
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Big Merge Ltd') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    const onA = a.consultations.autosave({ consultationId: c.id, edits: [{ path: 'pain_points.technical_issues', value: bigList('a', 85) }] });
    const onB = b.consultations.autosave({ consultationId: c.id, edits: [{ path: 'goals_objectives.secondary_goals', value: bigList('b', 85) }] });
    expect(onA.rejected).toEqual([]);
    expect(onB.rejected).toEqual([]);
    await a.sync();
    await b.sync();
    await a.sync();
    await b.sync();
    for (const d of [a, b]) {
      expect(d.engine.quarantine()).toEqual([]);
      expect(sectionsBytes(d.consultations.get({ consultationId: c.id }).consultation.sections)).toBeLessThanOrEqual(HARD_LIMITS.consultationBytes);
    }
    expect(syncedState(a)).toEqual(syncedState(b));
  }, 120_000);

  it('a quarantined newest version does not make "Discard changes" blank the consultation', async () => {
    // Defect: the team row moves the laptop onto version 2 while version 2 itself was quarantined; the
    // working copy is then compared with (and discarded to) an empty form, and that blank goes to the team.
    const { remote, add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Missing Version Co') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    const owner = a.users.current()!.id;
    const bad = newId();
    const t = now();
    await remote.batch(
      [
        // A version 2 this laptop cannot read (an unknown urgency), and the row moved onto it.
        {
          sql: `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, pain_points, status, completion_percentage, created_at)
                VALUES (?, ?, ?, 2, (SELECT contact_info FROM consultations WHERE id = ?), ?, 'draft', 0, ?)`,
          args: [bad, c.id, owner, c.id, JSON.stringify({ urgency_level: 'whenever' }), t],
        },
        { sql: 'UPDATE consultations SET current_version = 2, updated_at = ? WHERE id = ?', args: [t, c.id] },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('version', ?, 'elsewhere')`, args: [bad] },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('consultation', ?, 'elsewhere')`, args: [c.id] },
      ],
      'write',
    );
    await b.sync();
    expect(b.engine.quarantine().map((q) => q.id)).toContain(bad);
    try {
      b.consultations.discardChanges({ consultationId: c.id });
    } catch {
      // Refusing the discard is an acceptable answer; blanking the record is not.
    }
    expect(b.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.business_name).toBe('Missing Version Co');
  }, 60_000);

  it('a team user row with the consultant’s email (a duplicate) does not make a new laptop take that stranger’s identity', async () => {
    // Defect: identity adoption takes the first team user with the same email; a second row with Ada's email
    // makes Ada's new laptop become "Mallory": her own consultations turn read-only there, new work goes out as Mallory's.
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Ada Co') }).consultation;
    await ada.sync();
    const mallory = '00000000-0000-7000-8000-000000000000';
    const t = now();
    await remote.batch(
      [
        { sql: `INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, 'Mallory', 'ada@example.com', ?, ?)`, args: [mallory, t, t] },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('user', ?, 'elsewhere')`, args: [mallory] },
      ],
      'write',
    );
    const second = add('Ada'); // a fresh profile with the same email: the consultant's second laptop
    await second.sync();
    expect(second.users.current()!.id).not.toBe(mallory);
    expect(second.consultations.get({ consultationId: c.id }).consultation.ownerName).toBe('Ada Consultant');
  }, 60_000);

  it('a version a teammate wrote into the owner’s consultation is not taken into its history', async () => {
    // Defect: pulled versions are checked for shape and for a known author, never that the author owns the
    // consultation (import refuses exactly this: "its history names another author").
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Forged History Co') }).consultation;
    await ada.sync();
    const bo = add('Bo');
    await bo.sync();
    const forged = newId();
    await remote.batch(
      [
        {
          sql: `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, status, completion_percentage, created_at)
                VALUES (?, ?, ?, 2, ?, 'draft', 0, ?)`,
          args: [forged, c.id, bo.users.current()!.id, JSON.stringify({ business_name: 'Bo was here' }), now()],
        },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('version', ?, 'bo-elsewhere')`, args: [forged] },
      ],
      'write',
    );
    await ada.sync();
    expect(ada.consultations.listVersions({ consultationId: c.id }).map((v) => v.id)).not.toContain(forged);
  }, 60_000);

  it('a pulled version numbered past the consultation’s current version does not stop the owner saving versions', async () => {
    // Defect: the version is stored but the row stays at version 1, so every later "Save version" tries
    // number 2, hits the unique index and says "changed elsewhere", on every try, for good.
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Stuck Version Co') }).consultation;
    await ada.sync();
    const stray = newId();
    await remote.batch(
      [
        {
          sql: `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, status, completion_percentage, created_at)
                VALUES (?, ?, ?, 2, (SELECT contact_info FROM consultations WHERE id = ?), 'draft', 0, ?)`,
          args: [stray, c.id, ada.users.current()!.id, c.id, now()],
        },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('version', ?, 'elsewhere')`, args: [stray] },
      ],
      'write',
    );
    await ada.sync();
    ada.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0123' }] });
    const current = ada.consultations.get({ consultationId: c.id }).consultation.currentVersion;
    const saved = ada.consultations.saveVersion({ consultationId: c.id, expectedVersion: current });
    expect(saved.detail.consultation.sections.contact_info.phone).toBe('+1 555 0123');
    expect(saved.detail.changedSinceVersion).toBe(false);
  }, 60_000);

  it('one laptop completes while the other saves a version offline: the completion is not silently undone', async () => {
    // Defect: after renumbering, the laptop that saved the version decides the status by comparing the
    // rows' pre-merge version numbers (equal), keeps its own "draft", and pushes it over the completion.
    const { add } = setup();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Completion Race Co') }).consultation.id;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    const done = a.consultations.complete({ consultationId: w }).consultation;
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0661' }] });
    b.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
    await a.sync();
    await b.sync();
    await a.sync();
    await b.sync();
    for (const d of [a, b]) {
      const c = d.consultations.get({ consultationId: w }).consultation;
      expect(c.sections.contact_info.phone).toBe('+1 555 0661');
      expect(c.status).toBe('completed');
      expect(c.completedAt).toBe(done.completedAt);
    }
    expect(syncedState(a)).toEqual(syncedState(b));
  }, 60_000);

  it.each([
    ['the other laptop types during the race (its row is newer: ours is not written)', false],
    ['the other laptop typed before us (our row is newer: it overwrites theirs whole)', true],
  ])(
    'working-copy edits on two laptops racing between one laptop’s pull and its push both survive: %s',
    async (_case, aTypesFirst) => {
      // Defect: the push writes the whole row when its updated_at is newer, else not at all, and clears the
      // outbox either way; a field typed on the other laptop in between is then lost (working copies only).
      const { remote, add } = setup();
      const a = add('A');
      const w = a.consultations.create({ sections: fullSections('Push Race Co') }).consultation.id;
      await a.sync();
      const typeOnA = () => a.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.email', value: 'a@push-race.example' }] });
      let raced = false;
      const racing = {
        execute: remote.execute.bind(remote),
        batch: (async (...args: Parameters<RemoteClient['batch']>) => {
          const isPush = JSON.stringify(args[0]).includes('INSERT INTO sync_batches');
          if (isPush && !raced) {
            raced = true;
            // A's push lands after B pulled and before B's push.
            if (!aTypesFirst) typeOnA();
            await a.sync();
          }
          return remote.batch(...args);
        }) as RemoteClient['batch'],
        migrate: remote.migrate.bind(remote),
      } as unknown as RemoteClient;
      const b = device('B', racing as Parameters<typeof device>[1], { sameUserAs: a });
      cleanups.push(() => b.close());
      raced = true; // not on B's first sync (its push is B's user row): on the next one
      await b.sync();
      if (aTypesFirst) typeOnA();
      b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0777' }] });
      raced = false;
      await b.sync();
      expect(raced).toBe(true);
      for (let round = 0; round < 2; round += 1) for (const d of [a, b]) await d.sync();
      for (const d of [a, b]) {
        expect(d.consultations.get({ consultationId: w }).consultation.sections.contact_info).toMatchObject({
          phone: '+1 555 0777',
          email: 'a@push-race.example',
        });
      }
      expect(syncedState(a)).toEqual(syncedState(b));
    },
    60_000,
  );

  it('a delete from another laptop does not silently destroy private notes typed here (they never left this laptop)', async () => {
    // Defect: "unseen work keeps a deleted consultation" counts only consultation and version rows; private
    // notes never sync, so the deleting laptop never saw them, yet they are deleted here without a notice.
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Private Notes Co') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    b.consultations.autosave({ consultationId: c.id, edits: [], notes: 'Call back Tuesday: the owner hinted at a budget of 40k.' });
    a.consultations.delete({ consultationId: c.id });
    await a.sync();
    const report = await b.sync();
    const kept = b.consultations.list().items.some((i) => i.id === c.id);
    expect(kept || report.notices.length > 0).toBe(true);
    if (kept) expect(b.consultations.get({ consultationId: c.id }).notes).toBe('Call back Tuesday: the owner hinted at a budget of 40k.');
  }, 60_000);

  it('text pulled from the team gets the same hygiene as typed text: no bidi overrides or control characters are stored', async () => {
    // Defect: pulled rows are only shape-checked; a teammate's (or an old build's) row with U+202E or NUL
    // in a name is stored as is and shown reversed on this laptop's dashboard.
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Plain Name') }).consultation;
    await ada.sync();
    const bo = add('Bo');
    await bo.sync();
    const t = now();
    await remote.batch(
      [
        {
          sql: `UPDATE consultations SET contact_info = json_set(contact_info, '$.business_name', ?), updated_at = ? WHERE id = ?`,
          args: ['Invoice\u202Efdp.exe\u0007', t, c.id],
        },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('consultation', ?, 'elsewhere')`, args: [c.id] },
      ],
      'write',
    );
    await bo.sync();
    const name = bo.consultations.list().items.find((i) => i.id === c.id)?.businessName ?? '';
    expect(name).not.toMatch(HARMFUL);
  }, 60_000);

  it('a backup restored after a teammate laptop deleted a consultation does not bring it back with work the team already had', async () => {
    // Defect: the backup's outbox still lists work that was pushed after the backup was made; the restored
    // laptop takes it for unseen work and restores the consultation the other laptop deleted, for everyone.
    const { remote, add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Deleted For Good') }).consultation;
    const backups = tempDir('fieldbook-attack-backup-');
    cleanups.push(backups.cleanup);
    const file = join(backups.dir, 'before-first-sync.db');
    await a.database.sqlite.backup(file);
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    b.consultations.delete({ consultationId: c.id });
    await b.sync();
    const restored = restoredDevice(a, file, remote);
    cleanups.unshift(() => restored.close());
    await restored.sync();
    await b.sync();
    expect(b.consultations.list().items.map((i) => i.id)).not.toContain(c.id);
    expect(restored.consultations.list().items.map((i) => i.id)).not.toContain(c.id);
  }, 60_000);

  it('keeping "mine" in a sync conflict that no longer fits the size cap leaves the conflict open instead of dropping my value', async () => {
    // Defect: resolve() applies "ours" through applyEdits, ignores that it was refused (size cap), and
    // closes the conflict anyway: the only copy of this laptop's value is gone without a word.
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Conflict Cap Co') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    a.consultations.autosave({ consultationId: c.id, edits: [{ path: 'pain_points.technical_issues', value: ['Short, typed on A'] }] });
    await a.sync();
    b.consultations.autosave({ consultationId: c.id, edits: [{ path: 'pain_points.technical_issues', value: bigList('o', 85) }] });
    await b.sync();
    const conflicts = new ConflictsService(b.store, () => b.users.requireCurrentId());
    const [conflict] = conflicts.list({ consultationId: c.id });
    expect(conflict?.path).toBe('pain_points.technical_issues');
    expect(b.consultations.autosave({ consultationId: c.id, edits: [{ path: 'goals_objectives.secondary_goals', value: bigList('s', 30) }] }).rejected).toEqual(
      [],
    );
    try {
      conflicts.resolve({ conflictId: conflict!.id, keep: 'ours' });
    } catch {
      // a refusal in words is an acceptable answer
    }
    const kept = (b.consultations.get({ consultationId: c.id }).consultation.sections.pain_points.technical_issues ?? []).length === 85;
    const stillOpen = conflicts.list({ consultationId: c.id }).some((x) => x.id === conflict!.id);
    expect(kept || stillOpen).toBe(true);
  }, 60_000);

  it('a team row that names another owner for an existing consultation does not change its owner here', async () => {
    // Defect: a newer team row replaces every column, user_id included; a row rewritten to name a teammate
    // takes the consultation away from its owner (read-only on her own laptop). Import refuses exactly this.
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Owned By Ada') }).consultation;
    await ada.sync();
    const bo = add('Bo');
    await bo.sync();
    await remote.batch(
      [
        { sql: 'UPDATE consultations SET user_id = ?, updated_at = ? WHERE id = ?', args: [bo.users.current()!.id, now(), c.id] },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('consultation', ?, 'elsewhere')`, args: [c.id] },
      ],
      'write',
    );
    await ada.sync();
    const here = ada.consultations.get({ consultationId: c.id }).consultation;
    expect(here.userId).toBe(ada.users.current()!.id);
    expect(here.isOwn).toBe(true);
  }, 60_000);

  it('a pull cut between the page naming a consultation and the page naming its new version leaves "Discard changes" safe', async () => {
    // Defect: the first page moves the row onto version 2 before version 2 is here; if the link drops
    // there, the working copy is compared with an empty form ("changed") and Discard empties the record.
    const { remote, add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Cut Pull Co') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    a.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0909' }] });
    a.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    await a.sync(); // the log now names the consultation, then its version 2
    // B's link: one log row per page (a slow link), and it drops on the second log page.
    class OneRowPages extends LinkSizer {
      override logPageRows(): number {
        return 1;
      }
    }
    const named = await remote.execute({ sql: `SELECT max(seq) AS seq FROM sync_log WHERE entity = 'consultation' AND entity_id = ?`, args: [c.id] });
    const consultationSeq = Number(named.rows[0]!.seq);
    // The page after the one naming the consultation (its version 2 comes next) never arrives.
    const dropped = (stmt: { sql: string; args?: unknown[] } | string) => {
      const text = typeof stmt === 'string' ? stmt : stmt.sql;
      const from = typeof stmt === 'string' ? undefined : Number(stmt.args?.[0]);
      return text.includes('FROM sync_log') && text.includes('ORDER BY seq') && from === consultationSeq;
    };
    const cut = {
      execute: (async (stmt: { sql: string; args?: unknown[] } | string) => {
        if (dropped(stmt)) throw new Error('fetch failed');
        return remote.execute(stmt as never);
      }) as RemoteClient['execute'],
      // A log page read with its rows (one read batch) is dropped the same way.
      batch: (async (stmts: ({ sql: string; args?: unknown[] } | string)[], mode?: never) => {
        if (dropped(stmts[0]!)) throw new Error('fetch failed');
        return remote.batch(stmts as never, mode);
      }) as RemoteClient['batch'],
      migrate: remote.migrate.bind(remote),
    } as unknown as RemoteClient;
    const engine = new SyncEngine({
      database: () => b.database,
      remote: cut,
      deviceId: `B-${newId()}`,
      migrations,
      settings: b.settings,
      sizing: new OneRowPages(),
    });
    await expect(engine.syncOnce()).rejects.toThrow(/fetch failed/);
    try {
      b.consultations.discardChanges({ consultationId: c.id });
    } catch {
      // refusing is an acceptable answer; emptying the record is not
    }
    const sections = b.consultations.get({ consultationId: c.id }).consultation.sections;
    expect(sections.contact_info.business_name).toBe('Cut Pull Co');
  }, 60_000);
});
