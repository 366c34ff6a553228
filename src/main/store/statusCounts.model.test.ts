import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppFailure } from '@shared/errors';
import { fullSections } from '../../../test/arbitraries';
import { tempDir } from '../../../test/tempDatabase';
import { fillDatabase } from '../../../test/fullDatabase';
import { device, fileRemote, restoredDevice, type Device } from '../../../test/syncDevices';
import { openDatabase } from '../db/client';
import { BackupService } from '../backup/backupService';
import { findMigrationsFolder, migrate, readMigrations } from '../db/migrate';
import type { Client } from '@libsql/client';

// The dashboard's status counts are kept by triggers (0008_scale), not counted per call. A model-based test:
// random sequences of every kind of write a laptop sees (create, edit, complete, reopen, archive, unarchive,
// restore a version, delete, a teammate's changes applied by sync, import of an export, restore of a backup,
// and after each one counts() must equal a recount of the consultations table.

type StatusCounts = { draft: number; completed: number; archived: number };

interface Real {
  a: Device;
  b: Device;
  remote: Client;
  folder: string;
  backups: string[];
  exports: string[];
}

/** What happened over all runs: each kind of write must have changed something at least once. */
const seen = { created: 0, statusMoves: 0, restored: 0, deleted: 0, pulled: 0, imported: 0, backupRestores: 0, edits: 0 };

function recount(app: Device): StatusCounts {
  const counts: StatusCounts = { draft: 0, completed: 0, archived: 0 };
  const rows = app.database.sqlite.prepare(`SELECT status, count(*) AS n FROM consultations GROUP BY status`).all() as {
    status: keyof StatusCounts;
    n: number;
  }[];
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

function expectCountsRight(real: Real): void {
  for (const d of [real.a, real.b]) expect(d.consultations.counts(), `${d.name}'s counts`).toEqual(recount(d));
}

/** Runs a service call, treating the app's typed refusals (wrong state, missing fields) as an outcome. */
function attempt<T>(call: () => T): T | null {
  try {
    return call();
  } catch (error) {
    if (error instanceof AppFailure) return null;
    throw error;
  }
}

function ownIds(d: Device): string[] {
  const me = d.users.current()!.id;
  return (d.database.sqlite.prepare(`SELECT id FROM consultations WHERE user_id = ? ORDER BY id`).all(me) as { id: string }[]).map((r) => r.id);
}
const pick = (ids: string[], index: number) => (ids.length ? ids[index % ids.length]! : null);
const side = (real: Real, which: 'a' | 'b') => real[which];

type Cmd = fc.AsyncCommand<object, Real>;

class Create implements Cmd {
  constructor(
    readonly which: 'a' | 'b',
    readonly complete: boolean,
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    const d = side(real, this.which);
    d.consultations.create(this.complete ? { sections: fullSections(`Counted ${Math.random().toString(36).slice(2, 7)}`) } : {});
    seen.created += 1;
    expectCountsRight(real);
  }
  toString = () => `create(${this.which}, ${this.complete ? 'full' : 'empty'})`;
}

class Edit implements Cmd {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_: object, real: Real) {
    const id = pick(ownIds(real.a), this.index);
    if (!id) return;
    if (attempt(() => real.a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.contact_person', value: `Edited ${this.index}` }] })))
      seen.edits += 1;
    expectCountsRight(real);
  }
  toString = () => `edit(${this.index})`;
}

class Move implements Cmd {
  constructor(
    readonly which: 'a' | 'b',
    readonly index: number,
    readonly action: 'complete' | 'reopen' | 'archive' | 'unarchive',
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    const d = side(real, this.which);
    const id = pick(ownIds(d), this.index);
    if (!id) return;
    const before = d.consultations.get({ consultationId: id }).consultation;
    const after = attempt(() => d.consultations[this.action]({ consultationId: id, expectedVersion: before.currentVersion }));
    if (after && after.consultation.status !== before.status) seen.statusMoves += 1;
    expectCountsRight(real);
  }
  toString = () => `${this.action}(${this.which}, ${this.index})`;
}

class RestoreVersion implements Cmd {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_: object, real: Real) {
    const id = pick(ownIds(real.a), this.index);
    if (!id) return;
    // Typed changes first, so version 1 differs from what is there (a restore of the same content is refused).
    attempt(() =>
      real.a.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.contact_person', value: `Before restore ${this.index}` }] }),
    );
    const current = real.a.consultations.get({ consultationId: id }).consultation;
    if (attempt(() => real.a.consultations.restoreVersion({ consultationId: id, versionNumber: 1, expectedVersion: current.currentVersion })))
      seen.restored += 1;
    expectCountsRight(real);
  }
  toString = () => `restoreVersion(${this.index})`;
}

class Delete implements Cmd {
  constructor(
    readonly which: 'a' | 'b',
    readonly index: number,
  ) {}
  check = () => true;
  async run(_: object, real: Real) {
    const d = side(real, this.which);
    const id = pick(ownIds(d), this.index);
    if (!id) return;
    d.consultations.delete({ consultationId: id });
    seen.deleted += 1;
    expectCountsRight(real);
  }
  toString = () => `delete(${this.which}, ${this.index})`;
}

class Sync implements Cmd {
  check = () => true;
  async run(_: object, real: Real) {
    await real.b.sync();
    const report = await real.a.sync();
    seen.pulled += report.pulled;
    expectCountsRight(real);
    await real.b.sync();
    expectCountsRight(real);
  }
  toString = () => 'sync(b, a, b)';
}

class Export implements Cmd {
  check = () => true;
  async run(_: object, real: Real) {
    real.exports.push(JSON.stringify(real.a.exports.exportAll()));
  }
  toString = () => 'export(a)';
}

class Import implements Cmd {
  constructor(readonly oldest: boolean) {}
  check = () => true;
  async run(_: object, real: Real) {
    const text = this.oldest ? real.exports[0] : real.exports.at(-1);
    if (!text) return;
    const report = attempt(() => real.a.exports.importAll({ text }));
    if (report) seen.imported += report.consultationsAdded + report.consultationsUpdated;
    expectCountsRight(real);
  }
  toString = () => `import(${this.oldest ? 'oldest' : 'latest'} export into a)`;
}

/** Exports, deletes one consultation, imports the export: the import puts it back. */
class DeleteThenImport implements Cmd {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_: object, real: Real) {
    const id = pick(ownIds(real.a), this.index);
    if (!id) return;
    const text = JSON.stringify(real.a.exports.exportAll());
    real.a.consultations.delete({ consultationId: id });
    expectCountsRight(real);
    const report = attempt(() => real.a.exports.importAll({ text }));
    if (report) seen.imported += report.consultationsAdded + report.consultationsUpdated;
    expectCountsRight(real);
  }
  toString = () => `deleteThenImport(${this.index})`;
}

class Backup implements Cmd {
  check = () => true;
  async run(_: object, real: Real) {
    const file = join(real.folder, `backup-${real.backups.length}.db`);
    const a = real.a;
    await new BackupService(() => a.database, real.folder).backupTo(file);
    real.backups.push(file);
  }
  toString = () => 'backup(a)';
}

class RestoreBackup implements Cmd {
  check = () => true;
  async run(model: object, real: Real) {
    // With no backup yet, one is taken first: every restore command restores (a run that drew no backup
    // command before its restore once left the "backupRestores" kind unseen).
    if (real.backups.length === 0) await new Backup().run(model, real);
    const file = real.backups.at(-1)!;
    real.a = restoredDevice(real.a, file, real.remote);
    seen.backupRestores += 1;
    expectCountsRight(real);
  }
  toString = () => 'restoreBackup(a)';
}

const index = fc.nat({ max: 40 });
const who = fc.constantFrom<'a' | 'b'>('a', 'b');
const commands = [
  fc.tuple(who, fc.boolean()).map(([w, full]) => new Create(w, full)),
  index.map((i) => new Edit(i)),
  fc.tuple(who, index, fc.constantFrom('complete', 'reopen', 'archive', 'unarchive') as fc.Arbitrary<Move['action']>).map(([w, i, a]) => new Move(w, i, a)),
  index.map((i) => new RestoreVersion(i)),
  fc.tuple(who, index).map(([w, i]) => new Delete(w, i)),
  fc.constant(new Sync()),
  fc.constant(new Export()),
  fc.boolean().map((oldest) => new Import(oldest)),
  index.map((i) => new DeleteThenImport(i)),
  fc.constant(new Backup()),
  fc.constant(new RestoreBackup()),
];

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

describe('status counts kept by triggers', () => {
  it('equal a recount after every kind of write, on two laptops syncing through a team database', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const { remote, cleanup } = fileRemote();
        const t = tempDir('fieldbook-counts-');
        const real: Real = { a: device('Ana', remote), b: device('Bo', remote), remote, folder: t.dir, backups: [], exports: [] };
        try {
          // Both laptops start with consultations of each status.
          for (const d of [real.a, real.b]) {
            for (let i = 0; i < 3; i += 1) d.consultations.create({ sections: fullSections(`Start ${d.name} ${i}`) });
          }
          await real.a.sync();
          await real.b.sync();
          expectCountsRight(real);
          await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
        } finally {
          const folderA = real.a.dir;
          real.a.close();
          real.b.close();
          // A restored laptop's app does not own its folder: remove it here.
          rmSync(folderA, { recursive: true, force: true });
          cleanup();
          t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
    // Each kind of write really happened in these runs, so the comparisons above covered it.
    for (const [kind, n] of Object.entries(seen)) expect(n, kind).toBeGreaterThan(0);
  }, 600_000);
});

describe('the 0008 backfill', () => {
  it('counts every consultation already in a full database when the upgrade runs, then keeps counting', () => {
    const t = tempDir('fieldbook-counts-');
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'fieldbook.db');
    const migrations = readMigrations(findMigrationsFolder());
    const step = migrations.findIndex((m) => m.sql.some((s) => s.includes('consultation_status_counts')));
    expect(step).toBeGreaterThan(0);
    const old = new Database(file);
    migrate(old, migrations.slice(0, step));
    fillDatabase(old, 400);
    old.prepare(`UPDATE consultations SET status = 'archived' WHERE rowid % 7 = 0`).run();
    const before = old.prepare(`SELECT status, count(*) AS n FROM consultations GROUP BY status ORDER BY status`).all();
    old.close();

    const upgraded = openDatabase(file);
    const counted = () => upgraded.sqlite.prepare(`SELECT status, n FROM consultation_status_counts WHERE n > 0 ORDER BY status`).all();
    expect(counted()).toEqual(before);
    upgraded.sqlite.prepare(`DELETE FROM consultations WHERE rowid % 5 = 0`).run();
    upgraded.sqlite.prepare(`UPDATE consultations SET status = 'completed' WHERE status = 'draft' AND rowid % 3 = 0`).run();
    expect(counted()).toEqual(upgraded.sqlite.prepare(`SELECT status, count(*) AS n FROM consultations GROUP BY status ORDER BY status`).all());
    upgraded.close();
  });
});
