import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from '@libsql/client';
import { openDatabase } from './client';
import { findMigrationsFolder, migrate, readMigrations } from './migrate';
import { ensureRemoteSchema, remoteSchemaVersion } from '../sync/remoteSchema';
import { allRows, copyToRemote, fillDatabase, remoteRows } from '../../../test/fullDatabase';
import { tempDir } from '../../../test/tempDatabase';

// The status-events migration (consultations.status_events, a JSON list defaulting to []) on a database
// with something in every table, on the laptop and on a libSQL team database: every row kept as it was,
// each consultation with an empty list, and nothing queued for sync by the upgrade itself.

const shipped = readMigrations(findMigrationsFolder());
const step = shipped.findIndex((m) => m.sql.some((s) => s.includes('status_events')));
const before = shipped.slice(0, step);
let work: ReturnType<typeof tempDir>;
beforeAll(() => {
  work = tempDir('fieldbook-status-events-');
});
afterAll(() => work?.cleanup());

/** Rows as they were, each consultation now also carrying an empty list of status moves. */
const withEmptyEvents = (rows: Record<string, unknown[]>) => ({
  ...rows,
  consultations: rows.consultations!.map((row) => ({ ...(row as object), status_events: '[]' })),
});

describe('the status events migration', () => {
  it('is one additive statement, so the team database (which accepts only additive ones) takes it too', () => {
    expect(step).toBeGreaterThan(0);
    expect(shipped[step]!.sql.map((s) => s.trim()).filter(Boolean)).toEqual(["ALTER TABLE `consultations` ADD `status_events` text DEFAULT '[]' NOT NULL;"]);
  });

  it('keeps every row of a full laptop database and gives each consultation an empty history of moves', () => {
    const file = join(work.dir, 'laptop.db');
    const old = new Database(file);
    migrate(old, before);
    fillDatabase(old, 400);
    const rowsBefore = allRows(old);
    old.close();
    expect(rowsBefore.consultations!.length).toBeGreaterThan(350);
    expect(rowsBefore.sync_outbox!.length).toBeGreaterThan(0);

    // Exactly this step (later migrations add tables of their own), then the app's own opening on top.
    const upgraded = new Database(file);
    try {
      expect(migrate(upgraded, shipped.slice(0, step + 1)).applied).toBe(1);
      expect(allRows(upgraded)).toEqual(withEmptyEvents(rowsBefore));
    } finally {
      upgraded.close();
    }
    const opened = openDatabase(file);
    opened.close();
  });

  it('keeps every row of a full team database', async () => {
    const local = new Database(join(work.dir, 'source.db'));
    migrate(local, before);
    fillDatabase(local, 300);
    const remote = createClient({ url: `file:${join(work.dir, 'team.db')}` });
    try {
      await ensureRemoteSchema(remote, before);
      await copyToRemote(local, remote);
      const rowsBefore = await remoteRows(remote);
      await ensureRemoteSchema(remote, shipped);
      expect(await remoteSchemaVersion(remote)).toBe(shipped[shipped.length - 1]!.folderMillis);
      expect(await remoteRows(remote)).toEqual(withEmptyEvents(rowsBefore));
    } finally {
      remote.close();
      local.close();
    }
  });
});
