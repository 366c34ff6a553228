import { afterEach, describe, expect, it } from 'vitest';
import { fileTeamDevices, syncedState, type Device } from '../../../test/syncDevices';
import { BASE_UPDATED_AT, pendingChanges, SyncOutbox } from '../store/syncOutbox';

// The outbox holds each waiting change once and counts them with a counter its triggers keep: typing while
// sync is off does not grow it, and a change made while a push is in flight still goes out.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));
const outboxRows = (d: Device) => (d.database.sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n;
const distinctWaiting = (d: Device) =>
  (d.database.sqlite.prepare('SELECT count(*) AS n FROM (SELECT DISTINCT entity, entity_id FROM sync_outbox)').get() as { n: number }).n;

describe('sync outbox', () => {
  it('keeps one row per waiting change however often it is edited, and counts them', () => {
    const { add } = setup();
    const ada = add('Ada');
    const ids = Array.from({ length: 5 }, (_, i) => ada.consultations.create({ sections: { contact_info: { business_name: `Once ${i}` } } }).consultation.id);
    const before = outboxRows(ada);
    for (let i = 0; i < 200; i += 1)
      ada.consultations.autosave({ consultationId: ids[i % ids.length]!, edits: [{ path: 'contact_info.phone', value: `+1 555 ${1000 + i}` }] });
    expect(outboxRows(ada)).toBe(before);
    expect(pendingChanges(ada.database.sqlite)).toBe(distinctWaiting(ada));
    expect(pendingChanges(ada.database.sqlite)).toBe(1 + 5 + 5); // the profile, 5 consultations, their first versions
  });

  it('the count follows pushes, deletes and edits exactly', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: { contact_info: { business_name: 'Counted' } } }).consultation;
    await ada.sync();
    expect(pendingChanges(ada.database.sqlite)).toBe(0);
    ada.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0001' }] });
    ada.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0002' }] });
    expect(pendingChanges(ada.database.sqlite)).toBe(1);
    ada.consultations.delete({ consultationId: c.id });
    expect(pendingChanges(ada.database.sqlite)).toBe(distinctWaiting(ada));
    await ada.sync();
    expect(pendingChanges(ada.database.sqlite)).toBe(0);
    expect(outboxRows(ada)).toBe(0);
  });

  it('an edit typed while its consultation is being pushed is pushed next, not lost', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const bo = add('Bo', { sameUserAs: ada });
    const c = ada.consultations.create({ sections: { contact_info: { business_name: 'In Flight' } } }).consultation;
    // The consultant types while the push batch carrying this consultation is on the wire.
    const realBatch = remote.batch.bind(remote);
    let typed = false;
    (remote as { batch: typeof remote.batch }).batch = (async (stmts: never, mode: never) => {
      if (mode === 'write' && !typed && JSON.stringify(stmts).includes('INSERT INTO consultations')) {
        typed = true;
        ada.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0999' }] });
      }
      return realBatch(stmts, mode);
    }) as typeof remote.batch;
    await ada.sync();
    expect(typed).toBe(true);
    // The pushed batch carried the content read before the edit: the edit itself still waits, or went out in a catch-up.
    while (pendingChanges(ada.database.sqlite) > 0) await ada.sync();
    await bo.sync();
    expect(bo.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('+1 555 0999');
    expect(syncedState(bo)).toEqual(syncedState(ada));
  });

  it('reads what a push carries in one statement per entity: versions in number order, the merge base once exchanged, rows gone left out', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const ids = ['First', 'Second', 'Gone'].map((name) => ada.consultations.create({ sections: { contact_info: { business_name: name } } }).consultation.id);
    await ada.sync();
    ada.consultations.delete({ consultationId: ids[2]! });
    for (let n = 1; n <= 3; n += 1) {
      ada.consultations.autosave({ consultationId: ids[0]!, edits: [{ path: 'contact_info.phone', value: `+1 555 010${n}` }] });
      ada.consultations.saveVersion({ consultationId: ids[0]!, expectedVersion: n });
    }
    const fresh = ada.consultations.create({ sections: { contact_info: { business_name: 'Fresh' } } }).consultation.id;
    const outbox = new SyncOutbox(ada.database);
    const sqlite = ada.database.sqlite;
    const versionIds = (sqlite.prepare('SELECT id FROM consultation_versions ORDER BY version_number DESC, id DESC').all() as { id: string }[]).map(
      (r) => r.id,
    );
    const versions = outbox.rowsForPush('version', versionIds);
    expect(versions.map((v) => [v.consultation_id, v.version_number])).toEqual(
      sqlite.prepare('SELECT consultation_id, version_number FROM consultation_versions ORDER BY consultation_id, version_number').raw().all(),
    );
    const rows = outbox.rowsForPush('consultation', [fresh, ids[0]!, ids[2]!, 'no-such-id']);
    expect(rows.map((r) => r.id).sort()).toEqual([fresh, ids[0]!].sort());
    const base = (id: string) =>
      (sqlite.prepare('SELECT updated_at FROM consultation_sync_base WHERE consultation_id = ?').get(id) as { updated_at: string }).updated_at;
    expect(rows.find((r) => r.id === ids[0])![BASE_UPDATED_AT]).toBe(base(ids[0]!));
    expect(rows.find((r) => r.id === fresh)![BASE_UPDATED_AT]).toBeNull();
    expect(outbox.rowsForPush('tombstone', [ids[2]!]).map((t) => t.id)).toEqual([ids[2]]);
    expect(outbox.rowsForPush('user', [])).toEqual([]);
  });
});
