import { describe, expect, it } from 'vitest';
import { tursodbMissing } from './tursoServer';
import { tursoForThisFile } from './tursoTeam';
import { device, syncedState, type Device } from './syncDevices';
import { fullSections } from './arbitraries';
import { createRemoteClient } from '../src/main/sync/remoteClient';
import { editsForSections } from '@shared/consultation/edits';

// Status moves are history events carried with their consultation row: through a real Turso server on
// loopback they reach the owner's other laptop and teammates, and two laptops' moves merge.

const team = tursoForThisFile();
const devices = team.devices;

const add = (name: string, options?: Parameters<typeof device>[2]) => {
  const d = device(name, createRemoteClient({ url: team.adapter.url, timeoutMs: 5_000 }), options);
  devices.push(d);
  return d;
};
const moves = (d: Device, id: string) => d.consultations.statusEvents({ consultationId: id }).map((e) => `${e.from}->${e.to} by ${e.byName}`);
const teamCount = async (sql: string, args: string[]) => Number((await createRemoteClient({ url: team.adapter.url }).execute({ sql, args })).rows[0]![0]);

describe.skipIf(tursodbMissing !== null)('status moves through a real Turso server', () => {
  let laptopA: Device;
  let laptopB: Device;
  let teammate: Device;
  let id = '';

  it('a completion reaches the owner’s other laptop and a teammate as an event, with no new version', async () => {
    laptopA = add('Ana');
    laptopB = add('Ana2', { sameUserAs: laptopA });
    teammate = add('Bo');
    id = laptopA.consultations.create({ sections: fullSections('Status Travels') }).consultation.id;
    await laptopA.sync();
    await laptopB.sync();
    await teammate.sync();
    expect(laptopB.consultations.get({ consultationId: id }).consultation.status).toBe('draft');

    laptopA.consultations.complete({ consultationId: id, expectedVersion: 1 });
    await laptopA.sync();
    expect(await teamCount('SELECT count(*) FROM consultation_versions WHERE consultation_id = ?', [id])).toBe(1);
    await laptopB.sync();
    await teammate.sync();
    for (const d of [laptopB, teammate]) {
      const detail = d.consultations.get({ consultationId: id });
      expect(detail.consultation).toMatchObject({ status: 'completed', currentVersion: 1 });
      expect(detail.consultation.completedAt).toBe(laptopA.consultations.get({ consultationId: id }).consultation.completedAt);
      expect(moves(d, id)).toEqual(['draft->completed by Ana Consultant']);
      expect(d.consultations.listVersions({ consultationId: id })).toHaveLength(1);
    }
    expect(syncedState(laptopB)).toEqual(syncedState(laptopA));
    expect(syncedState(teammate)).toEqual(syncedState(laptopA));
  }, 120_000);

  it('an archive on one laptop and a later reopen on the other, offline: both kept in the history, the later one decides', async () => {
    laptopA.consultations.archive({ consultationId: id });
    await new Promise((resolve) => setTimeout(resolve, 5)); // the reopen is the later move, by the clock
    laptopB.consultations.reopen({ consultationId: id });
    // The archive reaches the team first; the reopen (a draft again, as the version recorded) still wins.
    await laptopA.sync();
    await laptopB.sync();
    await laptopA.sync();
    await teammate.sync();
    for (const d of [laptopA, laptopB, teammate]) {
      expect(d.consultations.get({ consultationId: id }).consultation).toMatchObject({ status: 'draft', completedAt: null });
      expect(moves(d, id)).toEqual(['draft->completed by Ana Consultant', 'completed->archived by Ana Consultant', 'completed->draft by Ana Consultant']);
      expect(d.consultations.listVersions({ consultationId: id })).toHaveLength(1);
    }
    expect(syncedState(laptopB)).toEqual(syncedState(laptopA));
    expect(syncedState(teammate)).toEqual(syncedState(laptopA));
  }, 120_000);

  it('a completion on one laptop and typing on the other merge: the typing is kept, the completion stands', async () => {
    const other = laptopA.consultations.create({ sections: fullSections('Merge Me') }).consultation.id;
    await laptopA.sync();
    await laptopB.sync();
    laptopB.consultations.autosave({
      consultationId: other,
      edits: editsForSections({ contact_info: { ...fullSections('Merge Me').contact_info, phone: '+1 555 0142' } }),
    });
    laptopA.consultations.complete({ consultationId: other });
    await laptopA.sync();
    await laptopB.sync();
    await laptopA.sync();
    for (const d of [laptopA, laptopB]) {
      const detail = d.consultations.get({ consultationId: other }).consultation;
      expect(detail.status).toBe('completed');
      expect(detail.sections.contact_info.phone).toBe('+1 555 0142');
      expect(moves(d, other)).toEqual(['draft->completed by Ana Consultant']);
    }
    expect(syncedState(laptopB)).toEqual(syncedState(laptopA));
  }, 120_000);
});
