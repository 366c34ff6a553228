import { describe, expect, it } from 'vitest';
import { tursodbMissing } from './tursoServer';
import { tursoForThisFile } from './tursoTeam';
import { device, migrations, syncedState } from './syncDevices';
import { createRemoteClient, type RemoteStatement } from '../src/main/sync/remoteClient';
import { SyncEngine } from '../src/main/sync/syncEngine';
import { newId } from '../src/main/clock';

// The push sends a batch while the next one is built, and sends that one as soon as the first is acknowledged.
// Against a real tursodb whose answer to a batch in the middle is lost after it committed: nothing is lost, nothing
// lands twice, and a change made while its batch was on the wire still reaches the team.

const team = tursoForThisFile();
const devices = team.devices;

const CONSULTATIONS = 60;

describe.skipIf(tursodbMissing !== null)('pipelined push (tursodb on loopback)', () => {
  it('a push cut mid-way (answer lost after commit) and resumed lands every change exactly once, with an edit made mid-flight', async () => {
    const ada = device('Ada', createRemoteClient({ url: team.adapter.url }));
    const bo = device('Bo', createRemoteClient({ url: team.adapter.url }), { sameUserAs: ada });
    devices.push(ada, bo);
    const sqlite = ada.database.sqlite;
    const inFlight: { id: string; phone: string }[] = [];
    const pendingSeen: unknown[] = [];
    let armed = false;
    const engine = new SyncEngine({
      database: () => ada.database,
      remote: createRemoteClient({ url: team.adapter.url }),
      deviceId: `Ada-${newId()}`,
      migrations,
      settings: ada.settings,
      // Small batches: the 61 consultations (and their first versions) go out in several.
      batchSize: 20,
      onProgress: () => {
        // The pull reports progress too: only the push's reports count here (a push batch is on record).
        const pending = ada.settings.get('sync_pending_batch');
        if (!armed || pending === undefined) return;
        pendingSeen.push(pending);
        if (inFlight.length > 0) return;
        // After the first batch settled, the second is already on the wire: edit the first consultation it carries.
        const carried = sqlite.prepare(`SELECT entity_id AS id FROM sync_outbox WHERE entity = 'consultation' ORDER BY seq LIMIT 1`).get() as
          { id: string } | undefined;
        expect(carried).toBeDefined();
        const phone = '+1 555 0404';
        ada.consultations.autosave({ consultationId: carried!.id, edits: [{ path: 'contact_info.phone', value: phone }] });
        inFlight.push({ id: carried!.id, phone });
      },
    });

    // The first sync checks the team schema (its write batch would take a fault meant for the push).
    ada.consultations.create({ sections: { contact_info: { business_name: 'Schema First' } } });
    await engine.syncOnce();
    pendingSeen.length = 0;
    armed = true;
    for (let i = 0; i < CONSULTATIONS; i += 1) ada.consultations.create({ sections: { contact_info: { business_name: `Pipelined ${i}` } } });

    // Batches 1 and 2 pass, batch 3 commits on the server but its answer never arrives.
    team.adapter.inject({ kind: 'delay', ms: 0 }, { kind: 'delay', ms: 0 }, { kind: 'lose-response' });
    const cut = await engine.syncOnce().then(
      () => null,
      (e: unknown) => e,
    );
    expect(cut).toBeInstanceOf(Error);
    expect(inFlight).toHaveLength(1);
    // The batch in flight was settled only after its answer; the one after it was already built and on record.
    const recorded = ada.settings.get<{ id: string; maxSeq: number }[]>('sync_pending_batch');
    expect(Array.isArray(recorded) && recorded.length).toBe(2);
    expect(pendingSeen.every((p) => Array.isArray(p) && p.length === 1)).toBe(true);
    expect(engine.pendingCount()).toBeGreaterThan(0);

    const report = await engine.syncOnce();
    expect(report.pushed).toBeGreaterThan(0);
    expect(engine.pendingCount()).toBe(0);
    expect(ada.settings.get('sync_pending_batch')).toBeUndefined();

    const admin = createRemoteClient({ url: team.adapter.url });
    const one = async (sql: string) => Number((await admin.execute(sql)).rows[0]![0]);
    expect(await one('SELECT count(*) FROM consultations')).toBe(CONSULTATIONS + 1);
    expect(await one('SELECT count(*) FROM consultation_versions')).toBe(CONSULTATIONS + 1);
    // The lost answer's batch was recognised by its id, not sent again: every version is logged once.
    expect(await one(`SELECT count(*) FROM (SELECT entity_id FROM sync_log WHERE entity = 'version' GROUP BY entity_id HAVING count(*) > 1)`)).toBe(0);
    const held = await admin.execute({ sql: 'SELECT contact_info FROM consultations WHERE id = ?', args: [inFlight[0]!.id] });
    expect(JSON.parse(String(held.rows[0]!.contact_info)).phone).toBe(inFlight[0]!.phone);
    admin.close();

    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(ada));
    expect(bo.consultations.get({ consultationId: inFlight[0]!.id }).consultation.sections.contact_info.phone).toBe(inFlight[0]!.phone);
  }, 120_000);

  it('a batch sent before the one it follows landed is refused when that one is lost: what landed stays a prefix of the outbox', async () => {
    const ada = device('Cy', createRemoteClient({ url: team.adapter.url }));
    const bo = device('Di', createRemoteClient({ url: team.adapter.url }), { sameUserAs: ada });
    devices.push(ada, bo);
    // The link loses every attempt at the third push batch (and only that one) while `cut` is on; the rest reach tursodb.
    const remote = createRemoteClient({ url: team.adapter.url });
    const batchIds: string[] = [];
    let cut = false;
    const batch = remote.batch.bind(remote);
    remote.batch = ((statements: RemoteStatement[], mode) => {
      const first = statements[0] as { sql: string; args: unknown[] };
      if (first.sql.startsWith('INSERT INTO sync_batches')) {
        const id = String(first.args[0]);
        if (!batchIds.includes(id)) batchIds.push(id);
        if (cut && batchIds.indexOf(id) === 2) return Promise.reject(new TypeError('fetch failed'));
      }
      return batch(statements, mode);
    }) as typeof remote.batch;
    const engine = new SyncEngine({
      database: () => ada.database,
      remote,
      deviceId: `Cy-${newId()}`,
      migrations,
      settings: ada.settings,
      batchSize: 20,
    });
    ada.consultations.create({ sections: { contact_info: { business_name: 'Schema First' } } });
    await engine.syncOnce();
    for (let i = 0; i < CONSULTATIONS; i += 1) ada.consultations.create({ sections: { contact_info: { business_name: `Gated ${i}` } } });

    batchIds.length = 0;
    cut = true;
    await expect(engine.syncOnce()).rejects.toThrow('fetch failed');
    // Batch 4 left while batch 3 was out, and reached the server: the team refused it (it follows batch 3).
    expect(batchIds.length).toBeGreaterThanOrEqual(4);
    const admin = createRemoteClient({ url: team.adapter.url });
    const landed = await admin.execute({ sql: `SELECT id FROM sync_batches WHERE id IN (?, ?)`, args: [batchIds[2]!, batchIds[3]!] });
    expect(landed.rows).toEqual([]);
    cut = false;
    await engine.syncOnce();
    expect(engine.pendingCount()).toBe(0);

    const one = async (sql: string) => Number((await admin.execute(sql)).rows[0]![0]);
    const mine = `(SELECT id FROM consultations WHERE contact_info LIKE '%Gated %')`;
    expect(await one(`SELECT count(*) FROM consultations WHERE id IN ${mine}`)).toBe(CONSULTATIONS);
    expect(await one(`SELECT count(*) FROM consultation_versions WHERE consultation_id IN ${mine}`)).toBe(CONSULTATIONS);
    expect(await one(`SELECT count(*) FROM (SELECT entity_id FROM sync_log WHERE entity = 'version' GROUP BY entity_id HAVING count(*) > 1)`)).toBe(0);
    admin.close();
    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(ada));
  }, 120_000);
});
