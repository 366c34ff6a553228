import { afterEach, describe, expect, it } from 'vitest';
import { fileTeamDevices, syncedState, type Device } from '../syncDevices';
import { fullSections } from '../arbitraries';
import { signaturePng } from '../signatureImage';
import { signedContentHash } from '../../src/main/store/signOffHash';
import { signOffHtml } from '../../src/main/pdf/signOffHtml';

// Sign-offs on two laptops of one consultant at once, through real sync against a libSQL file remote.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((cleanup) => cleanups.push(cleanup));

/** Every signed version on a device, with whether its stored content still matches its hash. */
function signedVersions(d: Device, consultationId: string) {
  return d.consultations
    .listVersions({ consultationId })
    .map((s) => d.consultations.getVersion({ consultationId, versionNumber: s.versionNumber }))
    .filter((v) => v.signOff)
    .map((v) => ({
      signer: v.signOff!.signerName,
      hashHolds:
        signedContentHash(consultationId, v.sections, {
          signerName: v.signOff!.signerName,
          signedAt: v.signOff!.signedAt,
          signatureImage: v.signatureImage,
        }) === v.signOff!.contentHash,
    }))
    .sort((a, b) => a.signer.localeCompare(b.signer));
}

describe('attack: sign-off across two laptops', () => {
  it('two laptops signing the same version number offline both keep their signature, hash intact, and agree after sync', async () => {
    const { add } = setup();
    const one = add('One');
    const c = one.consultations.create({ sections: fullSections('Two Desks Co') }).consultation;
    await one.sync();
    const two = add('Two', { sameUserAs: one });
    await two.sync();
    // Both offline: each signs what it holds as version 2, the second after a different edit.
    one.consultations.signOff({ consultationId: c.id, signerName: 'Client On One', signatureImage: signaturePng() });
    two.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0123' }] });
    two.consultations.signOff({ consultationId: c.id, signerName: 'Client On Two' });
    for (let round = 0; round < 3; round += 1) {
      await one.sync();
      await two.sync();
    }
    const expected = [
      { signer: 'Client On One', hashHolds: true },
      { signer: 'Client On Two', hashHolds: true },
    ];
    expect(signedVersions(one, c.id)).toEqual(expected);
    expect(signedVersions(two, c.id)).toEqual(expected);
    expect(syncedState(two)).toEqual(syncedState(one));
    expect(one.consultations.get({ consultationId: c.id }).signOff).toEqual(two.consultations.get({ consultationId: c.id }).signOff);
  }, 60_000);

  it('a follow-up created on one laptop of a visit deleted on the other does not leave a dangling "since last visit"', async () => {
    const { add } = setup();
    const one = add('One');
    const a = one.consultations.create({ sections: fullSections('Deleted Meanwhile Co') }).consultation;
    await one.sync();
    const two = add('Two', { sameUserAs: one });
    await two.sync();
    one.consultations.delete({ consultationId: a.id });
    const b = two.consultations.createFollowUp({ consultationId: a.id }).consultation;
    for (let round = 0; round < 3; round += 1) {
      await one.sync();
      await two.sync();
    }
    expect(syncedState(two)).toEqual(syncedState(one));
    // The follow-up is kept (typed work is never lost) and reads fine on both laptops.
    for (const d of [one, two]) {
      const detail = d.consultations.get({ consultationId: b.id });
      expect(detail.consultation.id).toBe(b.id);
      expect(d.consultations.list({ latestVisits: true }).items.map((i) => i.id)).toContain(b.id);
    }
  }, 60_000);
  it('an edit from the other laptop pulled in while the client reads is never signed unseen', async () => {
    const { add } = setup();
    const one = add('One');
    const c = one.consultations.create({ sections: fullSections('Pulled Meanwhile Co') }).consultation;
    await one.sync();
    const two = add('Two', { sameUserAs: one });
    await two.sync();
    // Laptop One opens the sign-off screen: this is what the client reads.
    const shown = one.consultations.get({ consultationId: c.id });
    // Meanwhile the other laptop changes the phone number, and background sync brings it to laptop One.
    two.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0999' }] });
    await two.sync();
    await one.sync();
    const now = one.consultations.get({ consultationId: c.id });
    expect(now.consultation.sections.contact_info.phone).toBe('+1 555 0999');
    let signedUnseen = false;
    try {
      one.consultations.signOff({
        consultationId: c.id,
        signerName: 'Client',
        expectedVersion: shown.consultation.currentVersion,
        expectedUpdatedAt: shown.consultation.updatedAt,
      });
      signedUnseen = true;
    } catch {
      // a conflict: the client is shown the record again
    }
    expect(signedUnseen).toBe(false);
  }, 60_000);
  it('one laptop signs while the other saves an edited version under the same number: both agree which version is signed and whether it changed since', async () => {
    const { add } = setup();
    const one = add('One');
    const c = one.consultations.create({ sections: fullSections('Sign Versus Save Co') }).consultation;
    await one.sync();
    const two = add('Two', { sameUserAs: one });
    await two.sync();
    one.consultations.signOff({ consultationId: c.id, signerName: 'Client On One' });
    two.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0777' }] });
    two.consultations.saveVersion({ consultationId: c.id });
    for (let round = 0; round < 3; round += 1) {
      await one.sync();
      await two.sync();
    }
    expect(syncedState(two)).toEqual(syncedState(one));
    const state = one.consultations.get({ consultationId: c.id }).signOff;
    expect(two.consultations.get({ consultationId: c.id }).signOff).toEqual(state);
    expect(state.signedVersion).not.toBeNull();
    expect(signedVersions(one, c.id)).toEqual([{ signer: 'Client On One', hashHolds: true }]);
    // The phone edit is in the working copy and was never signed: it must read as changed since signed.
    expect(one.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('+1 555 0777');
    expect(state.changedSinceSigned).toBe(true);
  }, 60_000);
  it('a pulled signed version whose signing time is not a time (hash recomputed to match) is quarantined, not stored to break the PDF', async () => {
    // Defect: pulled rows check signed_at only as "a string of 1 to 40 characters". The hash is no secret, so a
    // team row with signed_at 'last Tuesday' and a matching hash is stored; the app shows "Invalid Date" and
    // the PDF of that consultation fails (new Date(...).toISOString() throws) on every teammate's laptop.
    const { add, remote } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Odd Time Co') }).consultation;
    const v = ada.consultations.signOff({ consultationId: c.id, signerName: 'Maria' }).version;
    await ada.sync();
    const hash = signedContentHash(c.id, v.sections, { signerName: 'Maria', signedAt: 'last Tuesday', signatureImage: null });
    await remote.execute({ sql: `UPDATE consultation_versions SET signed_at = 'last Tuesday', content_hash = ? WHERE id = ?`, args: [hash, v.id] });
    const bo = add('Bo');
    await bo.sync();
    const pulled = bo.consultations
      .listVersions({ consultationId: c.id })
      .map((s) => bo.consultations.getVersion({ consultationId: c.id, versionNumber: s.versionNumber }));
    for (const version of pulled) {
      if (!version.signOff) continue;
      expect(Number.isFinite(Date.parse(version.signOff.signedAt))).toBe(true);
      expect(() => signOffHtml({ ...version.signOff!, signatureImage: version.signatureImage, versionNumber: version.versionNumber }, null)).not.toThrow();
    }
  }, 60_000);
  it('a team row that makes a visit follow itself does not hide the client from a teammate\'s "Latest visit per client"', async () => {
    // Defect (same root as the import case): follow_up_of is checked only as an id, so a team row pointing at
    // itself is stored, and "has a later visit" is true of it: the client vanishes from the latest-visits view.
    const { add, remote } = setup();
    const ada = add('Ada');
    const c = ada.consultations.create({ sections: fullSections('Looped On Team Co') }).consultation;
    await ada.sync();
    await remote.execute({ sql: `UPDATE consultations SET follow_up_of = id WHERE id = ?`, args: [c.id] });
    const bo = add('Bo');
    await bo.sync();
    const quarantined = bo.engine.quarantine().length;
    const shown = bo.consultations.list({ latestVisits: true }).items.map((i) => i.id);
    expect(quarantined > 0 || shown.includes(c.id)).toBe(true);
  }, 60_000);
});
