import { afterEach, describe, expect, it } from 'vitest';
import { fileTeamDevices, migrations, syncedState, type Device } from '../../../test/syncDevices';
import { fullSections } from '../../../test/arbitraries';
import { failureOf } from '../../../test/tempDatabase';
import { latestSchemaVersion } from '../db/migrate';
import { ensureRemoteSchema } from './remoteSchema';
import { editsForSections } from '@shared/consultation/edits';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));
const edit = (d: Device, id: string, sections: object, expectedVersion: number) => {
  d.consultations.autosave({ consultationId: id, edits: editsForSections(sections) });
  return d.consultations.saveVersion({ consultationId: id, expectedVersion }).detail.consultation;
};

describe('sync engine (libSQL file remote)', () => {
  it('creates the remote schema, pushes everything (the working copy too), and a teammate pulls it read-only', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Shared Co') }).consultation;
    ada.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0123' }], notes: 'private' });
    const first = await ada.sync();
    expect(first.schemaVersion).toBe(latestSchemaVersion(migrations));
    expect(first.pushed).toBe(3); // user, consultation, version 1
    expect(ada.engine.pendingCount()).toBe(0);
    const tables = (await remote.execute(`SELECT name FROM sqlite_master WHERE type = 'table'`)).rows.map((r) => r.name);
    expect(tables).not.toContain('consultations_fts');
    expect(tables).not.toContain('sync_outbox');
    expect((await remote.execute('SELECT count(*) AS n FROM consultation_drafts')).rows[0]!.n).toBe(0); // private notes stay on the device

    const bo = add('Bo');
    await bo.sync();
    const seen = bo.consultations.get({ consultationId: c.id });
    expect(seen.consultation).toMatchObject({ isOwn: false, ownerName: 'Ada Consultant' });
    expect(seen.consultation.sections.contact_info.phone).toBe('+1 555 0123');
    expect(seen.notes).toBeNull();
    expect(failureOf(() => bo.consultations.autosave({ consultationId: c.id, edits: editsForSections({}) })).code).toBe('forbidden');
    expect(bo.consultations.list({ search: 'shared' }).items).toHaveLength(1); // searchable locally
    expect(syncedState(bo)).toEqual(syncedState(ada));
  });

  it("gives the owner's other laptop their consultations as editable, and its edits flow back", async () => {
    const { add } = setup();
    const laptop = add('Laptop');
    const c = laptop.consultations.create({ sections: { contact_info: { business_name: 'Two Laptops Ltd' } } }).consultation;
    await laptop.sync();
    const desktop = add('Desktop', { sameUserAs: laptop });
    await desktop.sync();
    expect(desktop.consultations.get({ consultationId: c.id }).consultation.isOwn).toBe(true);
    edit(desktop, c.id, { contact_info: { business_name: 'Two Laptops Ltd', email: 'hi@two.io' } }, 1);
    await desktop.sync();
    await laptop.sync();
    expect(laptop.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.email).toBe('hi@two.io');
    expect(syncedState(laptop)).toEqual(syncedState(desktop));
  });

  it("adopts the consultant's team identity on a new laptop whose welcome made a fresh profile", async () => {
    const { remote, add } = setup();
    const first = add('Ada');
    const c = first.consultations.create({ sections: { contact_info: { business_name: 'Mine Everywhere' } } }).consultation;
    await first.sync();
    const second = add('Ada'); // same name and email, new profile from the welcome screen
    expect(second.users.current()!.id).not.toBe(first.users.current()!.id);
    await second.sync();
    expect(second.users.current()!.id).toBe(first.users.current()!.id);
    expect(second.consultations.get({ consultationId: c.id }).consultation.isOwn).toBe(true);
    edit(second, c.id, { contact_info: { business_name: 'Mine Everywhere', phone: '+1 555 0101' } }, 1);
    await second.sync();
    await first.sync();
    expect(first.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('+1 555 0101');
    expect(syncedState(first)).toEqual(syncedState(second));
    // A laptop that made work before its first sync becomes the consultant too, and its work is theirs:
    // the team never holds two profiles with one email, and the work is editable on every laptop.
    const busy = add('Ada');
    const local = busy.consultations.create({ sections: { contact_info: { business_name: 'Local work' } } }).consultation;
    busy.consultations.autosave({ consultationId: local.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0999' }], notes: 'mine' });
    await busy.sync();
    expect(busy.users.current()!.id).toBe(first.users.current()!.id);
    expect(busy.consultations.get({ consultationId: local.id })).toMatchObject({ notes: 'mine', consultation: { isOwn: true } });
    await first.sync();
    expect(first.consultations.get({ consultationId: local.id }).consultation).toMatchObject({
      isOwn: true,
      sections: { contact_info: { phone: '+1 555 0999' } },
    });
    expect((await remote.execute(`SELECT email FROM users WHERE email = 'ada@example.com'`)).rows).toHaveLength(1);
  });

  it('merges the same consultation edited offline on two laptops: all versions kept, fields merged, one conflict flagged', async () => {
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Offline Twins') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    const base = fullSections('Offline Twins');
    edit(a, c.id, { contact_info: { ...base.contact_info, phone: '+1 555 0001', email: 'a@twins.io' } }, 1);
    edit(b, c.id, { business_context: { ...base.business_context, team_size: 99 }, contact_info: { ...base.contact_info, email: 'b@twins.io' } }, 1);
    b.consultations.autosave({ consultationId: c.id, edits: [{ path: 'pain_points.urgency_level', value: 'critical' }] });
    await a.sync();
    const report = await b.sync();
    expect(report).toMatchObject({ merged: 1, conflicts: 1 });
    await a.sync();
    expect(syncedState(a)).toEqual(syncedState(b));
    const final = a.consultations.get({ consultationId: c.id }).consultation;
    expect(final.currentVersion).toBe(3);
    expect(final.sections.contact_info.phone).toBe('+1 555 0001');
    expect(final.sections.business_context.team_size).toBe(99);
    expect(final.sections.pain_points.urgency_level).toBe('critical'); // typed on B, never saved as a version
    expect(final.sections.contact_info.email).toBe('a@twins.io'); // the first to reach the team wins; b's is flagged
    const history = a.consultations.listVersions({ consultationId: c.id });
    expect(history.map((v) => v.changeSummary)).toEqual([expect.stringMatching(/^Created/), 'Contact: Email, Phone', 'Contact: Email · Business: Team size']);
    const conflicts = b.database.sqlite.prepare('SELECT field_path, our_value, their_value FROM consultation_conflicts').all();
    expect(conflicts).toEqual([{ field_path: 'contact_info.email', our_value: '"b@twins.io"', their_value: '"a@twins.io"' }]);
  });

  it('merges working copies typed on two laptops without versions, field by field', async () => {
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: fullSections('Typing Twins') }).consultation;
    await a.sync();
    const b = add('B', { sameUserAs: a });
    await b.sync();
    a.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 7777' }] });
    b.consultations.autosave({ consultationId: c.id, edits: [{ path: 'goals_objectives.budget_range', value: 'Typed on B' }] });
    await a.sync();
    await b.sync();
    await a.sync();
    for (const d of [a, b]) {
      const sections = d.consultations.get({ consultationId: c.id }).consultation.sections;
      expect(sections.contact_info.phone).toBe('+1 555 7777');
      expect(sections.goals_objectives.budget_range).toBe('Typed on B');
    }
    expect(syncedState(a)).toEqual(syncedState(b));
  });

  it('stops with a clear message when the team database is newer than this app, writing nothing', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    ada.consultations.create();
    await ada.sync();
    await remote.execute({ sql: 'INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)', args: ['future', latestSchemaVersion(migrations) + 1] });
    ada.consultations.create({ sections: { contact_info: { business_name: 'Waits' } } });
    const before = (await remote.execute('SELECT count(*) AS n FROM consultations')).rows[0]!.n;
    await expect(ada.sync()).rejects.toThrow(/upgraded by a newer Fieldbook/);
    expect((await remote.execute('SELECT count(*) AS n FROM consultations')).rows[0]!.n).toBe(before);
    expect(ada.engine.pendingCount()).toBeGreaterThan(0);
  });

  it('deletes by tombstone on every device', async () => {
    const { add } = setup();
    const a = add('A');
    const c = a.consultations.create({ sections: { contact_info: { business_name: 'Short lived' } } }).consultation;
    await a.sync();
    const bo = add('Bo');
    await bo.sync();
    a.consultations.delete({ consultationId: c.id });
    await a.sync();
    await bo.sync();
    expect(bo.consultations.list().items).toHaveLength(0);
    expect(syncedState(bo)).toEqual(syncedState(a));
  });

  it('recognises a push whose response was lost and does not apply it twice', async () => {
    const { remote, add } = setup();
    const a = add('A');
    a.consultations.create({ sections: { contact_info: { business_name: 'Lost response' } } });
    await ensureRemoteSchema(remote, migrations);
    // Simulate: the batch reaches the server, the answer never comes back.
    const realBatch = remote.batch.bind(remote);
    let drop = true;
    (remote as { batch: typeof remote.batch }).batch = (async (stmts: never, mode: never) => {
      const result = await realBatch(stmts, mode);
      if (drop && mode === 'write') {
        drop = false;
        throw new Error('socket hang up');
      }
      return result;
    }) as typeof remote.batch;
    await expect(a.sync()).rejects.toThrow(/socket hang up/);
    expect(a.engine.pendingCount()).toBeGreaterThan(0);
    await a.sync();
    expect(a.engine.pendingCount()).toBe(0);
    expect((await remote.execute('SELECT count(*) AS n FROM sync_batches')).rows[0]!.n).toBe(1);
    expect((await remote.execute(`SELECT count(*) AS n FROM sync_log WHERE entity = 'consultation'`)).rows[0]!.n).toBe(1);
    expect((await remote.execute('SELECT count(*) AS n FROM consultation_versions')).rows[0]!.n).toBe(1);
  });
});
