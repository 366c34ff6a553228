import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureOf, openTestApp, snapshot, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { signaturePng } from '../../../test/signatureImage';
import { editsForSections } from '@shared/consultation/edits';
import { canonicalSignedContent, SIGNATURE_MAX_CHARS } from '@shared/consultation/signoff';

let app: TestApp;
beforeEach(() => {
  app = openTestApp();
});
afterEach(() => app.close());

const started = (name = 'Signed Bakery') => {
  const c = app.consultations.create({ sections: fullSections(name) }).consultation;
  app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0199' }] });
  return c;
};

describe('client sign-off', () => {
  it('freezes the working copy as a new version whose SHA-256 is of its canonical content, drawing included', () => {
    const c = started();
    const image = signaturePng();
    const { detail, version } = app.consultations.signOff({ consultationId: c.id, signerName: '  Maria Okafor ', signatureImage: image, expectedVersion: 1 });
    expect(version.versionNumber).toBe(2);
    expect(version.sections.contact_info.phone).toBe('+1 555 0199');
    expect(version.signOff).toMatchObject({ signerName: 'Maria Okafor', hasDrawing: true });
    expect(version.signatureImage).toBe(image);
    expect(version.changeSummary).toMatch(/^Signed by Maria Okafor/);
    const expected = createHash('sha256')
      .update(canonicalSignedContent(c.id, version.sections, { signerName: 'Maria Okafor', signedAt: version.signOff!.signedAt, signatureImage: image }))
      .digest('hex');
    expect(version.signOff!.contentHash).toBe(expected);
    // The canonical text is independent of key order: the same content typed in another order hashes the same.
    const reversed = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reversed(v)]),
          )
        : value;
    const reordered = reversed(version.sections) as typeof version.sections;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(version.sections));
    expect(canonicalSignedContent(c.id, reordered, { signerName: 'Maria Okafor', signedAt: version.signOff!.signedAt, signatureImage: image })).toBe(
      canonicalSignedContent(c.id, version.sections, { signerName: 'Maria Okafor', signedAt: version.signOff!.signedAt, signatureImage: image }),
    );
    expect(detail.signOff).toEqual({ signedVersion: 2, changedSinceSigned: false });
    expect(detail.changedSinceVersion).toBe(false);
  });

  it('signs with a typed name only (the keyboard path), and a later edit makes it "changed since signed"', () => {
    const c = started();
    const { version } = app.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen' });
    expect(version.signOff).toMatchObject({ signerName: 'Lee Chen', hasDrawing: false });
    expect(version.signatureImage).toBeNull();
    const edited = app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0100' }] });
    expect(edited.changedSinceVersion).toBe(true);
    expect(app.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: 2, changedSinceSigned: true });
    // A new version after the edit leaves the signed one as it was: still version 2, same hash, same content.
    app.consultations.saveVersion({ consultationId: c.id });
    const again = app.consultations.getVersion({ consultationId: c.id, versionNumber: 2 });
    expect(again).toEqual(version);
    expect(app.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: 2, changedSinceSigned: true });
    // Undoing the edit brings the working copy back to what was signed.
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0199' }] });
    expect(app.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: 2, changedSinceSigned: false });
  });

  it('refuses, changing nothing: no name, a non-PNG or oversized drawing, a record edited while the client read it, a version the rules refuse', () => {
    const c = started();
    const before = snapshot(app);
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: '   ' })).issues![0]!.message).toBe(
      'Enter the name of the person signing',
    );
    expect(
      failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'X', signatureImage: 'data:image/svg+xml;base64,PHN2Zz4=' })).issues![0]!
        .message,
    ).toBe('The signature is not a PNG image.');
    const huge = signaturePng() + 'A'.repeat(SIGNATURE_MAX_CHARS);
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'X', signatureImage: huge })).issues![0]!.message).toMatch(
      /too large/,
    );
    const { updatedAt } = app.consultations.get({ consultationId: c.id }).consultation;
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.email', value: 'new@example.com' }] });
    const afterEdit = snapshot(app);
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'X', expectedUpdatedAt: updatedAt })).code).toBe('conflict');
    expect(snapshot(app)).toEqual(afterEdit);
    expect(before).not.toEqual(afterEdit);
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.email', value: 'not-an-email' }] });
    const invalid = failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'X' }));
    expect(invalid.message).toMatch(/before the client signs: Contact › Email/);
  });

  it('travels in the JSON export and comes back on import with its hash checked; a forged hash refuses the file', () => {
    const c = started();
    app.consultations.signOff({ consultationId: c.id, signerName: 'Maria Okafor', signatureImage: signaturePng() });
    const file = app.exports.exportAll();
    const signed = file.consultations[0]!.versions[1]!;
    expect(signed.signOff).toMatchObject({ signerName: 'Maria Okafor' });
    const other = openTestApp();
    try {
      other.settings.set('current_user_id', app.users.current()!.id);
      other.store.addUserIfNew(app.store.user(app.users.current()!.id)!);
      expect(other.exports.importAll({ text: JSON.stringify(file) }).versionsAdded).toBe(2);
      expect(other.consultations.getVersion({ consultationId: c.id, versionNumber: 2 })).toEqual(
        app.consultations.getVersion({ consultationId: c.id, versionNumber: 2 }),
      );
      expect(other.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: 2, changedSinceSigned: false });
    } finally {
      other.close();
    }
    const forged = structuredClone(file);
    forged.consultations[0]!.versions[1]!.sections.contact_info.phone = '+1 555 0000';
    const fresh = openTestApp();
    try {
      fresh.settings.set('current_user_id', app.users.current()!.id);
      fresh.store.addUserIfNew(app.store.user(app.users.current()!.id)!);
      const before = snapshot(fresh);
      expect(failureOf(() => fresh.exports.importAll({ text: JSON.stringify(forged) })).message).toMatch(/content_hash: does not match the signed content/);
      expect(snapshot(fresh)).toEqual(before);
    } finally {
      fresh.close();
    }
  });
});

describe('editing after sign-off', () => {
  it('keeps every version the client signed exactly as signed, across later saves, a restore and a status move', () => {
    const c = started();
    const signed = app.consultations.signOff({ consultationId: c.id, signerName: 'Maria Okafor', signatureImage: signaturePng() }).version;
    app.consultations.autosave({ consultationId: c.id, edits: editsForSections({ goals_objectives: { primary_goals: ['Grow 20%'] } }) });
    app.consultations.saveVersion({ consultationId: c.id });
    app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 1, expectedVersion: 3 });
    app.consultations.complete({ consultationId: c.id });
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: signed.versionNumber })).toEqual(signed);
    const history = app.consultations.listVersions({ consultationId: c.id });
    expect(history.filter((v) => v.signOff).map((v) => v.versionNumber)).toEqual([2]);
  });
});

describe('importing signed versions', () => {
  it('never rewrites a signed version already here, and leaves a teammate’s signed consultation alone', () => {
    const c = started();
    const signed = app.consultations.signOff({ consultationId: c.id, signerName: 'Maria Okafor', signatureImage: signaturePng() }).version;
    const file = app.exports.exportAll();
    // The same version id, re-signed by someone else with a hash that matches its new claim.
    const forged = structuredClone(file);
    const v = forged.consultations[0]!.versions[1]!;
    v.signOff = { ...v.signOff!, signerName: 'Someone Else', signatureImage: null };
    v.signOff.contentHash = createHash('sha256')
      .update(canonicalSignedContent(c.id, v.sections as never, { signerName: 'Someone Else', signedAt: v.signOff.signedAt, signatureImage: null }))
      .digest('hex');
    const report = app.exports.importAll({ text: JSON.stringify(forged) });
    expect(report.versionsAdded).toBe(0);
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 2 })).toEqual(signed);

    const teammate = openTestApp();
    try {
      teammate.users.saveProfile({ name: 'Bo Teammate', email: 'bo@example.com' });
      teammate.consultations.create({ sections: fullSections('Bo’s own client') });
      const before = snapshot(teammate);
      const fromAda = teammate.exports.importAll({ text: JSON.stringify(file) });
      expect(fromAda.skipped.map((s) => s.reason)).toEqual(['It belongs to a teammate: it changes only on its owner’s laptops.']);
      expect(snapshot(teammate)).toEqual(before);
    } finally {
      teammate.close();
    }
  });
});
