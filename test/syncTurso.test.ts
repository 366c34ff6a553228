import { describe, expect, it } from 'vitest';
import { type Fault, tursodbMissing } from './tursoServer';
import { tursoForThisFile } from './tursoTeam';
import { device, syncedState, type Device } from './syncDevices';
import { createRemoteClient } from '../src/main/sync/remoteClient';

// Sync over HTTP against a real Turso server on loopback, through a fault-injecting team.adapter.

const team = tursoForThisFile();
const devices = team.devices;

const remote = () => createRemoteClient({ url: team.adapter.url, timeoutMs: 800 });
const add = (name: string, options?: Parameters<typeof device>[2]) => {
  const d = device(name, remote(), options);
  devices.push(d);
  return d;
};
/** Reads the team database (faults only ever hit write batches, so reads see the truth). */
const teamCount = async (sql: string) => Number((await createRemoteClient({ url: team.adapter.url }).execute(sql)).rows[0]![0]);

describe.skipIf(tursodbMissing !== null)('sync through a real Turso server', () => {
  let ada: Device;
  let bo: Device;

  it('creates the team schema over HTTP and moves consultations both ways', async () => {
    ada = add('Ada');
    bo = add('Bo');
    ada.consultations.create({ sections: { contact_info: { business_name: 'Over HTTP' } } });
    await ada.sync();
    await bo.sync();
    expect(bo.consultations.list().items.map((i) => i.businessName)).toEqual(['Over HTTP']);
    bo.consultations.create({ sections: { contact_info: { business_name: 'From Bo' } } });
    await bo.sync();
    await ada.sync();
    expect(syncedState(ada)).toEqual(syncedState(bo));
  });

  const faults: [string, Fault | 'refused'][] = [
    ['connection refused', 'refused'],
    ['connection dropped mid-request', { kind: 'drop' }],
    ['HTTP 500', { kind: 'http500' }],
    ['response lost after the server committed', { kind: 'lose-response' }],
    ['response slower than the timeout', { kind: 'delay', ms: 1500 }],
  ];
  it.each(faults)('after %s, the next sync lands every change exactly once', async (_name, fault) => {
    const before = await teamCount('SELECT count(*) FROM consultation_versions');
    for (let i = 0; i < 3; i += 1) ada.consultations.create({ sections: { contact_info: { business_name: `${_name} ${i}` } } });
    if (fault === 'refused') await team.adapter.refuse(true);
    else team.adapter.inject(fault);
    await expect(ada.sync()).rejects.toThrow();
    if (fault === 'refused') await team.adapter.refuse(false);
    if (fault !== 'refused' && fault.kind === 'delay') await new Promise((r) => setTimeout(r, 1600)); // let the late write land
    await ada.sync();
    expect(ada.engine.pendingCount()).toBe(0);
    expect(await teamCount('SELECT count(*) FROM consultation_versions')).toBe(before + 3);
    expect(await teamCount('SELECT count(*) FROM consultations')).toBe(ada.consultations.counts().draft);
    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(ada));
  });

  it('when the same batch is delivered twice, the second delivery changes nothing', async () => {
    const before = await teamCount('SELECT count(*) FROM sync_log');
    ada.consultations.create({ sections: { contact_info: { business_name: 'Delivered twice' } } });
    team.adapter.inject({ kind: 'duplicate' });
    await ada.sync();
    expect(await teamCount('SELECT count(*) FROM sync_log')).toBe(before + 2); // one consultation + one version, once
    await bo.sync();
    expect(syncedState(bo)).toEqual(syncedState(ada));
  });
});
