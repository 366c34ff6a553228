import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { device, restoredDevice, syncedState, type Device } from './syncDevices';
import { join } from 'node:path';
import type { RemoteClient } from '../src/main/sync/remoteClient';
import { tempDir } from './tempDatabase';
import { fullSections } from './arbitraries';
import { teamKinds, type Team } from './teams';
import { newId, now } from '../src/main/clock';
import { teamNote } from '../src/main/sync/syncScheduler';

// Sync a team can trust (issue 12, items 1-4, 6 and 8), against a libSQL file remote (which enforces
// foreign keys, like hosted Turso) and against a real tursodb over HTTP through the test adapter.

const teams = teamKinds();

let devices: Device[] = [];
afterEach(() => {
  devices.forEach((d) => d.close());
  devices = [];
});

describe.each(teams)('sync a team can trust: %s', (_name, makeTeam, skip) => {
  let team: Team;
  beforeAll(async () => {
    if (!skip) team = await makeTeam();
  });
  afterAll(async () => {
    if (!skip) await team.close();
  });
  const add = (name: string, options?: Parameters<typeof device>[2]) => {
    const d = device(name, team.remote(), options);
    devices.push(d);
    return d;
  };
  const fresh = async () => {
    if (!skip) {
      await team.close();
      team = await makeTeam();
    }
  };
  const allAgree = (...ds: Device[]) => {
    for (const d of ds.slice(1)) expect(syncedState(d)).toEqual(syncedState(ds[0]!));
  };
  const settle = async (...ds: Device[]) => {
    for (let round = 0; round < 2; round += 1) for (const d of ds) await d.sync();
  };

  it.skipIf(skip)('1. a delete never destroys another laptop’s unsynced work: the work restores it everywhere, with a notice', async () => {
    await fresh();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Waterfront Ltd') }).consultation.id;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    a.consultations.delete({ consultationId: w });
    // B, offline: a version and then more typing, and private notes.
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0110' }] });
    b.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'goals_objectives.budget_range', value: 'Typed offline on B' }], notes: 'B private' });
    await a.sync();
    const report = await b.sync();
    expect(report.notices.join(' ')).toMatch(/Waterfront Ltd.*was deleted on another device.*kept/);
    await settle(a, b);
    for (const d of [a, b]) {
      const kept = d.consultations.get({ consultationId: w }).consultation;
      expect(kept.sections.contact_info.phone).toBe('+1 555 0110');
      expect(kept.sections.goals_objectives.budget_range).toBe('Typed offline on B');
      expect(d.consultations.listVersions({ consultationId: w }).map((v) => v.versionNumber)).toEqual([1, 2]);
    }
    expect(b.consultations.get({ consultationId: w }).notes).toBe('B private');
    allAgree(a, b);
  });

  it.skipIf(skip)('2. a delete made without seeing another laptop’s newer version: every device agrees (the version wins)', async () => {
    await fresh();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Agreement Co') }).consultation.id;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0220' }] });
    b.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
    await b.sync();
    a.consultations.delete({ consultationId: w });
    await a.sync();
    await b.sync();
    await settle(a, b);
    expect(a.consultations.list().items.map((i) => i.id)).toEqual([w]);
    allAgree(a, b);
    // A delete made after seeing everything stands on every device.
    a.consultations.delete({ consultationId: w });
    await settle(a, b);
    expect(b.consultations.list().items).toEqual([]);
    allAgree(a, b);
  });

  it.skipIf(skip)(
    '3. a pull cut off between pages, then a saved version: later syncs go on and everything agrees',
    async () => {
      await fresh();
      const a = add('A');
      const ids: string[] = [];
      for (let i = 0; i < 520; i += 1) ids.push(a.consultations.create({ sections: { contact_info: { business_name: `Page test ${i}` } } }).consultation.id);
      await a.sync(); // 1 user + 520 consultations + 520 versions: more than one 1,000-row log page
      // B's link drops while it reads the second page (of the team's tables: B's first pull reads them, not the log).
      const base = team.remote();
      // Cut once, on the first page read after a page has landed on B.
      let cut = false;
      const reader: { laptop?: { consultations: { list(): { items: unknown[] } } } } = {};
      const cutNow = () => !cut && (cut = (reader.laptop?.consultations.list().items.length ?? 0) > 0);
      const readsLog = (stmt: { sql: string; args?: unknown[] } | string) => {
        const text = typeof stmt === 'string' ? stmt : stmt.sql;
        return (text.includes('FROM sync_log') && text.includes('ORDER BY seq')) || text.includes('FROM consultations WHERE id > ? ORDER BY id LIMIT ?');
      };
      const cutLink = {
        execute: (async (stmt: { sql: string; args?: unknown[] } | string) => {
          if (readsLog(stmt) && cutNow()) throw new Error('fetch failed');
          return base.execute(stmt as never);
        }) as RemoteClient['execute'],
        // A log page read together with its rows (one read batch) is cut the same way.
        batch: (async (stmts: ({ sql: string; args?: unknown[] } | string)[], mode?: never) => {
          if (stmts.some(readsLog) && cutNow()) throw new Error('fetch failed');
          return base.batch(stmts as never, mode);
        }) as RemoteClient['batch'],
        migrate: base.migrate.bind(base),
      } as unknown as RemoteClient;
      const b = device('B', cutLink, { sameUserAs: a });
      reader.laptop = b;
      devices.push(b);
      await expect(b.sync()).rejects.toThrow(/fetch failed/);
      // Cut part-way: some pages landed, not all.
      expect(b.consultations.list().items.length).toBeGreaterThan(0);
      expect(b.consultations.list({ search: 'Page test' }).nextCursor).not.toBeNull();
      expect(b.consultations.list({ search: `"Page test 0"` }).items.length + b.consultations.list({ search: `"Page test 519"` }).items.length).toBeLessThan(2);
      const first = b.consultations.list().items[0]!.id;
      b.consultations.autosave({ consultationId: first, edits: [{ path: 'contact_info.email', value: 'cut@pull.example' }] });
      try {
        b.consultations.saveVersion({ consultationId: first, expectedVersion: 1 });
      } catch (e) {
        console.log('DBG', JSON.stringify(e), JSON.stringify(b.consultations.get({ consultationId: first }).consultation.sections));
        throw e;
      }
      await b.sync();
      await settle(a, b);
      expect(a.consultations.get({ consultationId: first }).consultation.sections.contact_info.email).toBe('cut@pull.example');
      allAgree(a, b);
    },
    180_000,
  );

  it.skipIf(skip)('4. a bad row on the team database is quarantined and listed; everything else syncs, on every try', async () => {
    await fresh();
    const a = add('A');
    const good = a.consultations.create({ sections: fullSections('Good Row Ltd') }).consultation.id;
    await a.sync();
    // B joined before the poison, so it meets it in the log (a first pull reads the tables: syncSnapshot.test.ts).
    const b = add('B');
    await b.sync();
    const ghost = newId();
    const t = now();
    const poison = [
      // Valid JSON of the wrong shape.
      { id: newId(), user: 'owner', contact: JSON.stringify({ business_name: 'Wrong shape', fax: '123' }) },
      // A field over the hard limit.
      { id: newId(), user: 'owner', contact: JSON.stringify({ business_name: 'x'.repeat(200_000) }) },
      // An owner no device ever hears of (a user row written behind the log's back).
      { id: newId(), user: ghost, contact: JSON.stringify({ business_name: 'Ghost owner' }) },
    ];
    const owner = a.users.current()!.id;
    await team.admin.execute({
      sql: `INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, 'Ghost', 'ghost@example.com', ?, ?)`,
      args: [ghost, t, t],
    });
    for (const p of poison) {
      await team.admin.batch(
        [
          {
            sql: `INSERT INTO consultations (id, user_id, contact_info, current_version, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)`,
            args: [p.id, p.user === 'owner' ? owner : p.user, p.contact, t, t],
          },
          { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('consultation', ?, 'somewhere')`, args: [p.id] },
        ],
        'write',
      );
    }
    // A bad version too: of the good consultation, with the wrong shape.
    const badVersion = newId();
    await team.admin.batch(
      [
        {
          sql: `INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, pain_points, status, completion_percentage, created_at) VALUES (?, ?, ?, 7, ?, 'draft', 0, ?)`,
          args: [badVersion, good, owner, JSON.stringify({ urgency_level: 'whenever' }), t],
        },
        { sql: `INSERT INTO sync_log (entity, entity_id, device_id) VALUES ('version', ?, 'somewhere')`, args: [badVersion] },
      ],
      'write',
    );
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const report = await b.sync();
      expect(report.quarantined).toBe(poison.length + 1);
      expect(teamNote(report)).toBe(`${poison.length + 1} changes from the team could not be read and were kept aside; everything else synced.`);
    }
    expect(
      b.engine
        .quarantine()
        .map((q) => q.reason)
        .join('\n'),
    ).toMatch(/fax|Unknown field/);
    expect(b.consultations.list().items.map((i) => i.businessName)).toEqual(['Good Row Ltd']);
    expect(b.consultations.get({ consultationId: good }).consultation.currentVersion).toBe(1);
    // Work after the poison still flows.
    a.consultations.autosave({ consultationId: good, edits: [{ path: 'contact_info.phone', value: '+1 555 0440' }] });
    await a.sync();
    await b.sync();
    expect(b.consultations.get({ consultationId: good }).consultation.sections.contact_info.phone).toBe('+1 555 0440');
  });

  it.skipIf(skip)('5. after restoring an older backup, the laptop gets back what it pushed since, and edits go on without a clash', async () => {
    await fresh();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Backup Co') }).consultation.id;
    await a.sync();
    const backups = tempDir('fieldbook-trust-backup-');
    try {
      const file = join(backups.dir, 'before.db');
      await a.database.sqlite.backup(file);
      a.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0550' }] });
      a.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
      await a.sync();
      const restored = restoredDevice(a, file, team.remote());
      devices[devices.indexOf(a)] = restored;
      expect(restored.consultations.get({ consultationId: w }).consultation.currentVersion).toBe(1);
      await restored.sync();
      const back = restored.consultations.get({ consultationId: w }).consultation;
      expect(back.currentVersion).toBe(2);
      expect(back.sections.contact_info.phone).toBe('+1 555 0550');
      restored.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.email', value: 'after@restore.example' }] });
      restored.consultations.saveVersion({ consultationId: w, expectedVersion: 2 });
      await restored.sync();
      // Another laptop set up from the same backup is a device of its own: it receives that laptop's work.
      const twin = restoredDevice(add('A twin', { sameUserAs: restored }), file, team.remote());
      devices.push(twin);
      await twin.sync();
      expect(twin.consultations.get({ consultationId: w }).consultation.sections.contact_info.email).toBe('after@restore.example');
      allAgree(restored, twin);
    } finally {
      backups.cleanup();
    }
  });

  it.skipIf(skip)('6. one laptop completes while the other edits: completed, with its completion date, on every device', async () => {
    await fresh();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Completion Co') }).consultation.id;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    const done = a.consultations.complete({ consultationId: w }).consultation;
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 0660' }] });
    await a.sync();
    await b.sync();
    await settle(a, b);
    for (const d of [a, b]) {
      const c = d.consultations.get({ consultationId: w }).consultation;
      expect(c.status).toBe('completed');
      expect(c.completedAt).toBe(done.completedAt);
      expect(c.sections.contact_info.phone).toBe('+1 555 0660');
    }
    allAgree(a, b);
  });

  it.skipIf(skip)('13. a version number another laptop took between our pull and our push is retried, on either engine', async () => {
    await fresh();
    const a = add('A');
    const w = a.consultations.create({ sections: fullSections('Race Ltd') }).consultation.id;
    await a.sync();
    // B's link: right before B's push lands, A pushes its own version 2.
    const base = team.remote();
    let raced = false;
    const racing = {
      execute: base.execute.bind(base),
      batch: (async (...args: Parameters<RemoteClient['batch']>) => {
        const isPush = JSON.stringify(args[0]).includes('INSERT INTO sync_batches');
        if (isPush && !raced) {
          raced = true;
          await a.sync();
        }
        return base.batch(...args);
      }) as RemoteClient['batch'],
      migrate: base.migrate.bind(base),
    } as unknown as RemoteClient;
    const b = device('B', racing, { sameUserAs: a });
    devices.push(b);
    await b.sync();
    a.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.phone', value: '+1 555 1313' }] });
    a.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
    b.consultations.autosave({ consultationId: w, edits: [{ path: 'contact_info.email', value: 'b@race.example' }] });
    b.consultations.saveVersion({ consultationId: w, expectedVersion: 1 });
    raced = false;
    await b.sync();
    expect(raced).toBe(true);
    await settle(a, b);
    expect(a.consultations.listVersions({ consultationId: w }).map((v) => v.versionNumber)).toEqual([1, 2, 3]);
    expect(a.consultations.get({ consultationId: w }).consultation.sections.contact_info).toMatchObject({ phone: '+1 555 1313', email: 'b@race.example' });
    allAgree(a, b);
  });

  it.skipIf(skip)('8. a second laptop with work made before its first sync becomes the consultant, with one team profile per email', async () => {
    await fresh();
    const a = add('Ada');
    a.consultations.create({ sections: { contact_info: { business_name: 'From the first laptop' } } });
    await a.sync();
    const second = add('Ada');
    const local = second.consultations.create({ sections: { contact_info: { business_name: 'Made before the first sync' } } }).consultation.id;
    await second.sync();
    await a.sync();
    expect(second.users.current()!.id).toBe(a.users.current()!.id);
    expect(a.consultations.get({ consultationId: local }).consultation.isOwn).toBe(true);
    expect((await team.admin.execute(`SELECT count(*) AS n FROM users WHERE lower(email) = 'ada@example.com'`)).rows[0]!.n).toBe(1);
    allAgree(a, second);
  });
});
