import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { device, everyPageInWorker, fileTeamDevices, syncedState, type Device } from '../syncDevices';
import { fullSections } from '../arbitraries';
import { LinkSizer, weightExpression } from '../../src/main/sync/batchSizing';
import { pendingChanges, WIRE_TEXT } from '../../src/main/store/syncOutbox';
import { createRemoteClient } from '../../src/main/sync/remoteClient';
import { tursodbMissing } from '../tursoServer';
import { tursoForThisFile } from '../tursoTeam';

// Attacks on the snapshot page read that sums its weight once (an over-budget page fails its read on an integer
// overflow and is asked again guarded), and on pull steps that run without a savepoint each.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

const PAGE_IDS = 'SELECT id FROM consultations WHERE id > ? ORDER BY id LIMIT ?';
// About 45 KB a version: three lists at the strict limits.
const list = (tag: string, field: string) => Array.from({ length: 50 }, (_, i) => `${tag} ${field} ${i} `.padEnd(290, 'x'));
const heavy = (tag: string) =>
  ['primary_challenges', 'technical_issues', 'current_solution_gaps'].map((field) => ({ path: `pain_points.${field}`, value: list(tag, field) }));

/** A link whose budget stays where the test puts it (the engine's learning cannot move it). */
class FixedBudget extends LinkSizer {
  constructor(public fixed: number) {
    super();
  }
  override budgetBytes(): number {
    return this.fixed;
  }
}

/** A link sizer that remembers the last budget the engine asked it for. */
class BudgetSeen extends LinkSizer {
  seen = 0;
  override budgetBytes(): number {
    this.seen = super.budgetBytes();
    return this.seen;
  }
}

interface PageRead {
  after: string;
  limit: number;
  /** The weight alone decides in SQL (the new one-sum read), or each part re-sums it (guarded). */
  guarded: boolean;
  over: boolean;
  /** Consultation ids whose rows came in the answer. */
  rows: string[];
  failed: boolean;
  /** The link budget when the read was sent (when the test watches it), and what the answer weighed. */
  budget: number;
  bytes: number;
}
type PageAsk = Pick<PageRead, 'after' | 'limit' | 'guarded'>;

/**
 * A link to `remote` that records every snapshot page read; `fault` may throw before a read is sent, `onOver` runs
 * after a read failed over its budget (before the engine sees the failure).
 */
function recording(
  remote: Client,
  reads: PageRead[],
  byId: string[][],
  hooks: { fault?: (read: PageAsk) => void; onOver?: (read: PageAsk) => Promise<void>; sizing?: BudgetSeen } = {},
): Client {
  return {
    execute: (async (stmt: { sql: string; args?: unknown[] } | string) => {
      // Rows read by size (a consultation heavier than the budget on its own).
      if (typeof stmt !== 'string' && /^SELECT .* FROM consultations WHERE id IN \(/.test(stmt.sql)) byId.push((stmt.args ?? []).map(String));
      return remote.execute(stmt as never);
    }) as Client['execute'],
    batch: (async (stmts: { sql: string; args?: unknown[] }[], mode?: never) => {
      const page = stmts.find((s) => typeof s !== 'string' && s.sql === PAGE_IDS);
      if (!page || mode !== 'read') return remote.batch(stmts as never, mode);
      const read = { after: String(page.args![0]), limit: Number(page.args![1]), guarded: !stmts[0]!.sql.startsWith('SELECT CASE') };
      const budget = hooks.sizing?.seen ?? 0;
      hooks.fault?.(read);
      let results;
      try {
        results = await remote.batch(stmts as never, mode);
      } catch (error) {
        const over = /integer overflow/.test(String(error));
        reads.push({ ...read, over, failed: true, rows: [], budget, bytes: 0 });
        if (over) await hooks.onOver?.(read);
        throw error;
      }
      const bytes = JSON.stringify(results.map((r) => r.rows)).length;
      reads.push({ ...read, over: false, failed: false, rows: results[2]!.rows.map((r) => String(r.id)), budget, bytes });
      return results;
    }) as Client['batch'],
    migrate: remote.migrate.bind(remote),
    close: () => undefined,
  } as unknown as Client;
}

/** What one consultation weighs in a snapshot page, by the engine's own measure (its row, versions and conflicts). */
async function weightOf(remote: Client, id: string): Promise<number> {
  const part = (table: string, columns: readonly string[], key: string) => `(SELECT ${weightExpression(columns)} FROM ${table} WHERE ${key} = ?)`;
  const sql = `SELECT ${part('consultations', WIRE_TEXT.consultation, 'id')} + ${part('consultation_versions', WIRE_TEXT.version, 'consultation_id')} + ${part(
    'consultation_conflicts',
    ['base_value', 'our_value', 'their_value'],
    'consultation_id',
  )} AS n`;
  return Number((await remote.execute({ sql, args: [id, id, id] })).rows[0]!.n);
}

const bases = (d: Device) =>
  d.database.sqlite
    .prepare('SELECT consultation_id, contact_info, business_context, pain_points, goals_objectives FROM consultation_sync_base ORDER BY 1')
    .all();
const applying = (d: Device) => (d.database.sqlite.prepare('SELECT applying AS n FROM sync_control WHERE id = 1').get() as { n: number }).n;

describe('snapshot page weight and savepoint-free pull steps: attacks', () => {
  it.each([
    ['exactly its budget', 0],
    ['one byte over its budget', 1],
  ])(
    'a page weighing %s: the one-sum read and the guarded one agree on the edge, and the device ends equal to the team',
    async (_kind, overBy) => {
      const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
      const a = add('A');
      // Id order is creation order: a light consultation, then one about ten times heavier.
      const light = a.consultations.create({ sections: fullSections('Edge Light') }).consultation.id;
      const weighty = a.consultations.create({ sections: fullSections('Edge Weighty') }).consultation.id;
      a.consultations.autosave({ consultationId: weighty, edits: heavy('edge') });
      await a.sync();
      const w = await weightOf(remote, weighty);
      expect(w).toBeGreaterThan(4 * (await weightOf(remote, light)));
      const reads: PageRead[] = [];
      const byId: string[][] = [];
      const b = device('B', recording(remote, reads, byId), { sameUserAs: a, sizing: new FixedBudget(w - overBy) });
      cleanups.push(() => b.close());
      await b.sync();
      expect(syncedState(b)).toEqual(syncedState(a));
      expect(bases(b)).toEqual(bases(a));
      // The heavy one's page, after the light one: asked by the one-sum read first (the light page fitted).
      const afterLight = reads.filter((r) => r.after === light);
      expect(afterLight[0], JSON.stringify(reads)).toMatchObject({ guarded: false });
      if (overBy === 0) {
        // Exactly the budget fits: one read brings it, no overflow, nothing read by size.
        expect(afterLight.map(({ guarded, over, failed, rows }) => ({ guarded, over, failed, rows }))).toEqual([
          { guarded: false, over: false, failed: false, rows: [weighty] },
        ]);
        expect(byId.flat()).not.toContain(weighty);
      } else {
        // One byte over: the one-sum read fails on the overflow, the guarded one agrees it is over, and it comes by size.
        expect(afterLight[0]).toMatchObject({ over: true });
        expect(afterLight.filter((r) => r.rows.includes(weighty))).toEqual([]);
        expect(afterLight.some((r) => r.guarded && !r.failed)).toBe(true);
        expect(byId.flat()).toContain(weighty);
      }
    },
    120_000,
  );

  it.each([
    ['the one-sum read itself', (r: { guarded: boolean }, overSeen: boolean) => !r.guarded && !overSeen],
    ['the guarded re-read after an over-budget one', (r: { guarded: boolean }, overSeen: boolean) => r.guarded && overSeen],
  ])(
    'a network cut on %s is reported as before (not taken for over budget), halves the link budget, and the resume ends equal',
    async (_where, cutsHere) => {
      const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
      const a = add('A');
      // Light ones, then heavy ones: pages sized by the light ones are over.
      for (let i = 0; i < 20; i += 1) a.consultations.create({ sections: fullSections(`Cut Light ${i}`) });
      for (let i = 0; i < 4; i += 1) {
        const id = a.consultations.create({ sections: fullSections(`Cut Heavy ${i}`) }).consultation.id;
        a.consultations.autosave({ consultationId: id, edits: heavy(`c${i}`) });
      }
      await a.sync();
      const sizing = new BudgetSeen({ startBytes: 16 * 1024, maxBytes: 16 * 1024 });
      const reads: PageRead[] = [];
      let cut: { budget: number } | null = null;
      const link = recording(remote, reads, [], {
        fault: (read) => {
          if (cut || read.after === '') return;
          if (cutsHere(read, reads.length > 0 && reads[reads.length - 1]!.over)) {
            cut = { budget: sizing.seen };
            throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
          }
        },
      });
      const b = device('B', link, { sameUserAs: a, sizing });
      cleanups.push(() => b.close());
      // Its profile, inserted before any pull, is its own outbox entry: nothing pulled may join it.
      const pending = pendingChanges(b.database.sqlite);
      await expect(b.sync()).rejects.toThrow(/fetch failed/);
      expect(cut, JSON.stringify(reads)).not.toBeNull();
      // A real failure still tells the sizer the link is struggling: the budget is halved, as before.
      expect(sizing.budgetBytes()).toBeLessThan(cut!.budget);
      expect(pendingChanges(b.database.sqlite)).toBe(pending);
      // The resume's first page is read guarded (nothing says yet what pages weigh), from where the cut left it.
      const resumedAt = reads.length;
      const after = b.settings.get<{ after: string }>('sync_snapshot')?.after ?? '';
      await b.sync();
      expect(reads[resumedAt]).toMatchObject({ after, guarded: true });
      expect(syncedState(b)).toEqual(syncedState(a));
    },
    120_000,
  );

  it.each([
    ['on the main thread', false],
    ['in the pull worker', true],
  ])(
    'a pull step that throws mid-page (%s) leaves nothing of its transaction, the applying switch off and the cursor before it; a local edit then enters the outbox',
    async (_where, inWorker) => {
      const { add } = fileTeamDevices((c) => cleanups.push(c));
      const a = add('A');
      const ids: string[] = [];
      for (let i = 0; i < 30; i += 1) {
        const id = a.consultations.create({ sections: fullSections(`Step ${String(i).padStart(2, '0')}`) }).consultation.id;
        a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: `+1 555 01${String(i).padStart(2, '0')}` }] });
        a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
        ids.push(id);
      }
      await a.sync();
      const sorted = [...ids].sort();
      const refused = sorted[17]!;
      const b = add('B', { sameUserAs: a, ...(inWorker ? everyPageInWorker : {}) });
      // The disk refuses the second version of one consultation (as a full disk would): its row is written before its versions.
      b.database.sqlite.exec(
        // The worker has its own connection: there the trigger must be in the file, not this connection's temp schema.
        `CREATE ${inWorker ? '' : 'TEMP '}TRIGGER refuse_one BEFORE INSERT ON consultation_versions WHEN NEW.consultation_id = '${refused}' AND NEW.version_number = 2
       BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
      );
      const pending = pendingChanges(b.database.sqlite);
      await expect(b.sync()).rejects.toThrow(/disk is full/);
      const rows = b.database.sqlite.prepare('SELECT id, current_version FROM consultations ORDER BY id').all() as { id: string; current_version: number }[];
      expect(rows.map((r) => r.id)).not.toContain(refused);
      // Nothing half-written: each consultation here has its whole history and its merge base.
      for (const row of rows) {
        const versions = (b.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_versions WHERE consultation_id = ?').get(row.id) as { n: number })
          .n;
        expect(versions, row.id).toBe(2);
        expect(row.current_version).toBe(2);
      }
      expect(bases(b).length).toBe(rows.length);
      expect(b.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_versions WHERE consultation_id = ?').get(refused)).toEqual({ n: 0 });
      expect(applying(b)).toBe(0);
      expect(pendingChanges(b.database.sqlite)).toBe(pending);
      const snapshot = b.settings.get<{ after: string; done: boolean }>('sync_snapshot');
      expect(snapshot?.done ?? false).toBe(false);
      expect((snapshot?.after ?? '') < refused).toBe(true);
      // The consultant keeps working: that edit is the device's own and goes out.
      const landed = rows[0]?.id ?? null;
      const made = b.consultations.create({ sections: fullSections('Made after the failed pull') }).consultation.id;
      if (landed) b.consultations.autosave({ consultationId: landed, edits: [{ path: 'contact_info.email', value: 'after@failed.example' }] });
      const queued = b.database.sqlite.prepare(`SELECT DISTINCT entity_id AS id FROM sync_outbox WHERE entity = 'consultation' ORDER BY 1`).all();
      expect(queued).toEqual([made, ...(landed ? [landed] : [])].sort().map((id) => ({ id })));
      b.database.sqlite.exec('DROP TRIGGER refuse_one');
      await b.sync();
      await a.sync();
      expect(b.engine.quarantine()).toEqual([]);
      expect(syncedState(b)).toEqual(syncedState(a));
      expect(a.consultations.get({ consultationId: made }).consultation.sections.contact_info.business_name).toBe('Made after the failed pull');
      if (landed) expect(a.consultations.get({ consultationId: landed }).consultation.sections.contact_info.email).toBe('after@failed.example');
    },
    120_000,
  );

  it('merge bases after a fresh pull: offline edits on the new laptop and on the team merge as after a push, and the same field becomes one conflict', async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const a = add('A');
    // A laptop of the same consultant that joined the empty team: it follows the log (the comparison).
    const early = add('Early', { sameUserAs: a });
    await early.sync();
    const id = a.consultations.create({ sections: fullSections('Base Co') }).consultation.id;
    a.consultations.autosave({ consultationId: id, edits: heavy('base') });
    await a.sync();
    const b = device('B', remote, { sameUserAs: a, sizing: new FixedBudget(16 * 1024) });
    cleanups.push(() => b.close());
    await b.sync();
    await early.sync();
    // The new laptop's base is what the pushing laptop keeps, and what the one following the log got.
    expect(bases(b)).toEqual(bases(a));
    expect(bases(b)).toEqual(bases(early));
    b.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0001' }] });
    a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.email', value: 'team@base.example' }] });
    await a.sync();
    await b.sync();
    await a.sync();
    expect(syncedState(b)).toEqual(syncedState(a));
    const sections = a.consultations.get({ consultationId: id }).consultation.sections.contact_info;
    expect([sections.phone, sections.email]).toEqual(['+1 555 0001', 'team@base.example']);
    const conflicts = (d: Device) => (d.database.sqlite.prepare('SELECT count(*) AS n FROM consultation_conflicts').get() as { n: number }).n;
    expect([conflicts(a), conflicts(b)]).toEqual([0, 0]);
    // Both change the same field: one conflict, on both of the owner's laptops.
    b.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0002' }] });
    a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0003' }] });
    await a.sync();
    await b.sync();
    await a.sync();
    await early.sync();
    expect(syncedState(b)).toEqual(syncedState(a));
    expect(syncedState(early)).toEqual(syncedState(a));
    expect([conflicts(a), conflicts(b), conflicts(early)]).toEqual([1, 1, 1]);
  }, 120_000);

  it("conflicts reach the owner's new laptop through a snapshot (inline and by size), never a teammate's", async () => {
    const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
    const a = add('A');
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(a.consultations.create({ sections: fullSections(`Owned ${i}`) }).consultation.id);
    await a.sync();
    const a2 = add('A2', { sameUserAs: a });
    await a2.sync();
    // Light conflicts on the first three, heavy ones on the last (over the link budget on its own: read by size).
    for (const [at, id] of ids.entries()) {
      const edits = (tag: string) => (at === 3 ? heavy(tag) : [{ path: 'contact_info.phone', value: `+1 555 ${tag}` }]);
      a.consultations.autosave({ consultationId: id, edits: edits(`10${at}`) });
      a2.consultations.autosave({ consultationId: id, edits: edits(`20${at}`) });
    }
    await a.sync();
    await a2.sync();
    await a.sync();
    const open = (d: Device) => d.database.sqlite.prepare('SELECT id, consultation_id, field_path, resolved_at FROM consultation_conflicts ORDER BY id').all();
    const team = await remote.execute('SELECT count(*) AS n FROM consultation_conflicts');
    expect(Number(team.rows[0]!.n)).toBeGreaterThanOrEqual(4);
    const third = add('A3', { sameUserAs: a, sizing: new FixedBudget(32 * 1024) });
    const mate = add('Mate', { sizing: new FixedBudget(32 * 1024) });
    await third.sync();
    await mate.sync();
    expect(open(third)).toEqual(open(a2));
    expect(open(third).length).toBe(Number(team.rows[0]!.n));
    expect(open(mate)).toEqual([]);
    expect(syncedState(third)).toEqual(syncedState(a2));
    expect(syncedState(mate)).toEqual(syncedState(a2));
  }, 120_000);

  it.each([
    ['heavier (its light consultations get long lists)', 'heavier'],
    ['lighter (its heavy consultations are deleted)', 'lighter'],
  ] as const)(
    'a page that turns %s between the failed read and the guarded re-read: answers stay within the budget, the budget is not halved, the device ends equal',
    async (_kind, turn) => {
      const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
      const a = add('A');
      const heavyIds = new Set<string>();
      const all: string[] = [];
      for (let i = 0; i < 20; i += 1) all.push(a.consultations.create({ sections: fullSections(`Turn Light ${i}`) }).consultation.id);
      for (let i = 0; i < 4; i += 1) {
        const id = a.consultations.create({ sections: fullSections(`Turn Heavy ${i}`) }).consultation.id;
        a.consultations.autosave({ consultationId: id, edits: heavy(`t${i}`) });
        heavyIds.add(id);
        all.push(id);
      }
      await a.sync();
      all.sort();
      const sizing = new BudgetSeen({ startBytes: 16 * 1024, maxBytes: 16 * 1024 });
      const reads: PageRead[] = [];
      let turned: string[] = [];
      const link = recording(remote, reads, [], {
        sizing,
        onOver: async (read) => {
          const page = all.filter((id) => id > read.after).slice(0, read.limit);
          if (turned.length) return;
          if (turn === 'heavier') {
            turned = page.filter((id) => !heavyIds.has(id));
            for (const id of turned) a.consultations.autosave({ consultationId: id, edits: heavy(`late ${id}`) });
          } else {
            turned = page.filter((id) => heavyIds.has(id));
            for (const id of turned) a.consultations.delete({ consultationId: id });
          }
          if (turned.length) await a.sync();
        },
      });
      const b = device('B', link, { sameUserAs: a, sizing });
      cleanups.push(() => b.close());
      await b.sync();
      expect(turned.length, JSON.stringify(reads)).toBeGreaterThan(0);
      expect(syncedState(b)).toEqual(syncedState(a));
      expect(bases(b)).toEqual(bases(a));
      const over = reads.flatMap((read, at) => (read.over ? [at] : []));
      expect(over.length).toBeGreaterThan(0);
      // An over-budget page is not a slow link: the read after it is asked under the same budget.
      for (const at of over) expect(reads[at + 1]!.budget).toBeGreaterThanOrEqual(reads[at]!.budget);
      // One heavy consultation (about 45 KB) may come alone over a smaller budget: it is read by size.
      for (const read of reads) expect(read.bytes, JSON.stringify(read)).toBeLessThan(1.5 * Math.max(read.budget, 64 * 1024));
      expect(applying(b)).toBe(0);
    },
    120_000,
  );
});

describe.skipIf(tursodbMissing !== null)('snapshot page weight over a real Turso server', () => {
  const team = tursoForThisFile();
  it('an over-budget page fails on tursodb before its rows are read (no answer carries them), and the device ends equal', async () => {
    const a = device('A', createRemoteClient({ url: team.adapter.url }));
    team.devices.push(a);
    for (let i = 0; i < 12; i += 1) a.consultations.create({ sections: fullSections(`Turso Light ${i}`) });
    for (let i = 0; i < 5; i += 1) {
      const id = a.consultations.create({ sections: fullSections(`Turso Heavy ${i}`) }).consultation.id;
      a.consultations.autosave({ consultationId: id, edits: heavy(`th${i}`) });
    }
    await a.sync();
    const sizing = new BudgetSeen({ startBytes: 16 * 1024, maxBytes: 16 * 1024 });
    const reads: PageRead[] = [];
    const b = device('B', recording(createRemoteClient({ url: team.adapter.url }), reads, [], { sizing }), { sameUserAs: a, sizing });
    team.devices.push(b);
    team.adapter.largestResponse = 0;
    await b.sync();
    expect(syncedState(b)).toEqual(syncedState(a));
    expect(bases(b)).toEqual(bases(a));
    // tursodb raises the overflow too, and stops the batch there.
    expect(reads.some((r) => r.over && !r.guarded)).toBe(true);
    const over = reads.flatMap((read, at) => (read.over ? [at] : []));
    for (const at of over) expect(reads[at + 1]!.budget).toBeGreaterThanOrEqual(reads[at]!.budget);
    // No HTTP answer carried an over-budget page's rows: the largest is one heavy consultation read by size.
    expect(team.adapter.largestResponse).toBeLessThan(1.5 * 64 * 1024);
  }, 120_000);
});
