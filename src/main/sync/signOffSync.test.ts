import { afterEach, describe, expect, it } from 'vitest';
import { fileTeamDevices, syncedState } from '../../../test/syncDevices';
import { fullSections } from '../../../test/arbitraries';
import { failureOf } from '../../../test/tempDatabase';
import { signaturePng } from '../../../test/signatureImage';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));

describe('sign-offs and follow-ups over sync', () => {
  it('a signed version and a follow-up link reach a teammate, read-only, byte for byte', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Signed Sync Co') }).consultation;
    const signed = ada.consultations.signOff({ consultationId: c.id, signerName: 'Maria Okafor', signatureImage: signaturePng() }).version;
    const visit = ada.consultations.createFollowUp({ consultationId: c.id }).consultation;
    await ada.sync();
    const bo = add('Bo');
    await bo.sync();
    expect(bo.consultations.getVersion({ consultationId: c.id, versionNumber: 2 })).toEqual(signed);
    expect(bo.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: 2, changedSinceSigned: false });
    expect(bo.consultations.get({ consultationId: visit.id }).consultation).toMatchObject({ followUpOf: c.id, isOwn: false });
    expect(failureOf(() => bo.consultations.signOff({ consultationId: c.id, signerName: 'Someone' })).code).toBe('forbidden');
    expect(syncedState(bo)).toEqual(syncedState(ada));
  });

  it('quarantines a pulled signed version whose drawing is not a PNG, is oversized, or whose hash does not match', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    const ids = ['Bad Image', 'Huge Image', 'Wrong Hash'].map((name) => ada.consultations.create({ sections: fullSections(name) }).consultation.id);
    const versions = ids.map((id) => ada.consultations.signOff({ consultationId: id, signerName: 'Maria', signatureImage: signaturePng() }).version);
    await ada.sync();
    // Rows altered on the team database behind the app's back.
    await remote.execute({ sql: `UPDATE consultation_versions SET signature_image = 'data:image/gif;base64,R0lGODlh' WHERE id = ?`, args: [versions[0]!.id] });
    await remote.execute({
      sql: `UPDATE consultation_versions SET signature_image = ? WHERE id = ?`,
      args: [signaturePng() + 'A'.repeat(200_000), versions[1]!.id],
    });
    await remote.execute({ sql: `UPDATE consultation_versions SET signer_name = 'Someone Else' WHERE id = ?`, args: [versions[2]!.id] });
    const bo = add('Bo');
    const report = await bo.sync();
    expect(report.quarantined).toBe(3);
    const reasons = bo.engine
      .quarantine()
      .map((q) => q.reason)
      .join('\n');
    expect(reasons).toMatch(/not a PNG/);
    expect(reasons).toMatch(/too large/);
    expect(reasons).toMatch(/content_hash: does not match/);
    // Everything else arrived: the consultations and their unsigned version 1.
    for (const id of ids) expect(bo.consultations.listVersions({ consultationId: id }).map((v) => v.versionNumber)).toEqual([1]);
  });
});
