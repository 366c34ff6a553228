import { describe, expect, it } from 'vitest';
import { tursodbMissing } from './tursoServer';
import { tursoForThisFile } from './tursoTeam';
import { device, syncedState, type Device } from './syncDevices';
import { createRemoteClient } from '../src/main/sync/remoteClient';

// Round trips, counted at the HTTP level by the loopback adapter in front of a real tursodb: what one edit
// costs to reach another laptop, and what an idle sync costs. The schema check runs once per client.

const team = tursoForThisFile();
const devices = team.devices;

/** HTTP requests `work` made. */
async function roundTrips(work: () => Promise<unknown>): Promise<number> {
  const before = team.adapter.requests;
  await work();
  return team.adapter.requests - before;
}

describe.skipIf(tursodbMissing !== null)('sync round trips (tursodb on loopback)', () => {
  let ada: Device;
  let bo: Device;

  it('checks the team schema on the first sync of a client only', async () => {
    ada = device('Ada', createRemoteClient({ url: team.adapter.url }));
    bo = device('Bo', createRemoteClient({ url: team.adapter.url }), { sameUserAs: ada });
    devices.push(ada, bo);
    ada.consultations.create({ sections: { contact_info: { business_name: 'Round Trip Co' } } });
    const first = await roundTrips(() => ada.sync());
    await bo.sync();
    const second = await roundTrips(() => ada.sync());
    expect(second).toBe(1);
    expect(first).toBeGreaterThan(second + 1); // the schema check and the push
  }, 60_000);

  it('an idle sync is one round trip', async () => {
    expect(await roundTrips(() => bo.sync())).toBe(1);
    expect(await roundTrips(() => ada.sync())).toBe(1);
  }, 60_000);

  it('one edit reaches another laptop in at most 3 round trips, push and pull together', async () => {
    const id = ada.consultations.list().items[0]!.id;
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0303' }] });
    const push = await roundTrips(() => ada.sync());
    const pull = await roundTrips(() => bo.sync());
    expect(bo.consultations.get({ consultationId: id }).consultation.sections.contact_info.phone).toBe('+1 555 0303');
    expect(push + pull).toBeLessThanOrEqual(3);
    expect(syncedState(bo)).toEqual(syncedState(ada));
    console.info(`one edit: ${push} round trips on the laptop that made it, ${pull} on the one that receives it`);
  }, 60_000);

  it('after a failed sync the team schema is checked again, once', async () => {
    const id = ada.consultations.list().items[0]!.id;
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0404' }] });
    team.adapter.inject({ kind: 'http500' });
    await expect(ada.sync()).rejects.toThrow();
    // The check (two reads of the migrations table), the pull, the lost batch's check, the push.
    const retry = await roundTrips(() => ada.sync());
    expect(retry).toBeGreaterThanOrEqual(5);
    expect(await roundTrips(() => ada.sync())).toBe(1);
    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(ada));
  }, 60_000);

  it('a saved version reaches another laptop in at most 3 round trips too', async () => {
    const id = ada.consultations.list().items[0]!.id;
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.contact_person', value: 'Round Tripper' }] });
    ada.consultations.saveVersion({ consultationId: id });
    const total = (await roundTrips(() => ada.sync())) + (await roundTrips(() => bo.sync()));
    expect(total).toBeLessThanOrEqual(3);
    expect(syncedState(bo)).toEqual(syncedState(ada));
  }, 60_000);
});
