import { afterEach, describe, expect, it } from 'vitest';
import { failureOf, openTestApp, snapshot, type TestApp } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { signaturePng } from '../signatureImage';
import { signedContentHash } from '../../src/main/store/signOffHash';

// Client sign-off and follow-up visits, attacked through the contract's parsing and hostile export files,
// against real SQLite files.

// Bidi embedding/override/isolate controls, C0 controls and line breaks: what typed single-line text never keeps.
// eslint-disable-next-line no-control-regex
const HARMFUL = /[\u202A-\u202E\u2066-\u2069\u0000-\u0008\n\r]/;

let apps: TestApp[] = [];
const open = () => {
  const a = openTestApp();
  apps.push(a);
  return a;
};
afterEach(() => {
  apps.forEach((a) => a.close());
  apps = [];
});

const tryImport = (app: TestApp, file: unknown): boolean => {
  try {
    app.exports.importAll({ text: JSON.stringify(file) });
    return true;
  } catch {
    return false;
  }
};

describe('attack: client sign-off', () => {
  it('the signer name gets the hygiene typed text gets: no bidi overrides, control characters or line breaks are stored', () => {
    // Defect: signerNameSchema only trims and caps the length, so a name such as "Bob<U+202E>ecilA" (which
    // reads "Bob Alice" backwards on screen and in the PDF) or one with NULs and newlines is stored, hashed and printed.
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Spoofed Signer Ltd') }).consultation;
    let stored: string | null = null;
    try {
      const { version } = app.consultations.signOff({ consultationId: c.id, signerName: 'Maria\u202Eakafo\u0000\nOkafor', signatureImage: signaturePng() });
      stored = version.signOff?.signerName ?? null;
    } catch {
      // refusing the name with a clear message is an acceptable answer too
    }
    if (stored !== null) expect(stored).not.toMatch(HARMFUL);
  });

  it('a signer name of invisible characters only (zero-width spaces) is refused like a blank one', () => {
    // Defect: .trim() removes spaces but not U+200B/U+2060/U+FEFF, so a "name" nobody can read is signed and printed.
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Invisible Signer Ltd') }).consultation;
    const before = snapshot(app);
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: '\u200B\u2060\uFEFF' })).code).toBe('validation');
    expect(snapshot(app)).toEqual(before);
  });

  it('a signature that is only the PNG magic bytes (no image in it) is refused at the boundary', () => {
    // Defect: the check is "starts with the 8 PNG signature bytes and is base64", so a drawing that no viewer
    // can show is stored as a signed drawing (hasDrawing true) and prints as a broken image in the PDF.
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Broken Drawing Ltd') }).consultation;
    const before = snapshot(app);
    const failure = failureOf(() =>
      app.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen', signatureImage: 'data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAA' }),
    );
    expect(failure.code).toBe('validation');
    expect(snapshot(app)).toEqual(before);
  });

  it('hostile signature data at the boundary is refused with words and changes nothing (oversized, wrong type, script, non-base64)', () => {
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Hostile Image Ltd') }).consultation;
    const before = snapshot(app);
    const big = 'data:image/png;base64,iVBORw0KGgo' + 'A'.repeat(250_000);
    const cases: unknown[] = [
      big,
      'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+',
      'javascript:alert(1)',
      'data:image/png;base64,iVBORw0KGgo"><script>alert(1)</script>',
      { toString: () => 'x' },
      12,
    ];
    for (const signatureImage of cases) {
      const failure = failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'X', signatureImage } as never));
      expect(failure.code).toBe('validation');
      expect(failure.message.length).toBeGreaterThan(0);
    }
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'x'.repeat(121) })).code).toBe('validation');
    expect(failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: '   ' })).code).toBe('validation');
    expect(snapshot(app)).toEqual(before);
  });

  it('a signed version and its follow-up survive export and import on a fresh laptop, hash still valid, unicode included', () => {
    const source = open();
    const target = open(); // same consultant (same email) on a fresh laptop
    const sections = fullSections('Café Ünïcode 東京 🍞');
    sections.contact_info.contact_person = 'Jose\u0301 Nu\u0301n\u0303ez'; // NFD, as macOS keyboards produce
    const c = source.consultations.create({ sections }).consultation;
    const image = signaturePng();
    const { version } = source.consultations.signOff({ consultationId: c.id, signerName: 'Jose\u0301 Ñúñez 田中', signatureImage: image });
    const follow = source.consultations.createFollowUp({ consultationId: c.id }).consultation;
    const file = source.exports.exportAll();
    expect(tryImport(target, file)).toBe(true);
    const again = target.consultations.getVersion({ consultationId: c.id, versionNumber: version.versionNumber });
    expect(again.signOff).toEqual(version.signOff);
    expect(again.signatureImage).toBe(image);
    expect(target.consultations.get({ consultationId: c.id }).signOff).toEqual({ signedVersion: version.versionNumber, changedSinceSigned: false });
    expect(target.consultations.get({ consultationId: follow.id }).consultation.followUpOf).toBe(c.id);
  });

  it('an imported signed version holding a lone surrogate keeps a hash matching what is stored, and carries on to another laptop', () => {
    // Held: sections are stored as JSON text, which escapes a lone surrogate, so the hashed text survives storage.
    const source = open();
    const target = open();
    const third = open();
    const c = source.consultations.create({ sections: fullSections('Surrogate Bakery') }).consultation;
    const { version } = source.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen' });
    const file = source.exports.exportAll();
    const entry = file.consultations[0]!;
    const name = 'Surrogate \ud800 Bakery';
    entry.sections.contact_info.business_name = name;
    for (const v of entry.versions) {
      v.sections.contact_info.business_name = name;
      if (v.signOff)
        v.signOff.contentHash = signedContentHash(c.id, v.sections, {
          signerName: v.signOff.signerName,
          signedAt: v.signOff.signedAt,
          signatureImage: v.signOff.signatureImage,
        });
    }
    if (!tryImport(target, file)) return; // refusing the file outright is fine
    const stored = target.consultations.getVersion({ consultationId: c.id, versionNumber: version.versionNumber });
    expect(
      signedContentHash(c.id, stored.sections, {
        signerName: stored.signOff!.signerName,
        signedAt: stored.signOff!.signedAt,
        signatureImage: stored.signatureImage,
      }),
    ).toBe(stored.signOff!.contentHash);
    // What this laptop holds can be carried on: its own export imports elsewhere.
    expect(tryImport(third, target.exports.exportAll())).toBe(true);
  });

  it('an import file whose signed version carries a hash for other content is refused and changes nothing', () => {
    const source = open();
    const target = open();
    const c = source.consultations.create({ sections: fullSections('Forged Hash Ltd') }).consultation;
    source.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen' });
    const file = source.exports.exportAll();
    const signed = file.consultations[0]!.versions.find((v) => v.signOff)!;
    signed.sections.contact_info = { ...signed.sections.contact_info, phone: '+1 555 0666' };
    file.consultations[0]!.sections.contact_info = { ...file.consultations[0]!.sections.contact_info, phone: '+1 555 0666' };
    const before = snapshot(target);
    expect(failureOf(() => target.exports.importAll({ text: JSON.stringify(file) })).message).toMatch(/hash/i);
    expect(snapshot(target)).toEqual(before);
  });

  it('the sign-off time is when the client signed, even after a record came from a laptop whose clock ran ahead', () => {
    // Defect: signedAt is after(row.updatedAt), "later than both now and the row's last change". A working copy
    // last changed on a laptop whose clock was years ahead (here through an import file; sync carries the same
    // updated_at) makes the client's signature read as signed in 2031, in the app and on the PDF.
    const source = open();
    const target = open();
    const c = source.consultations.create({ sections: fullSections('Clock Skew Ltd') }).consultation;
    const file = source.exports.exportAll();
    file.consultations[0]!.updatedAt = '2031-06-01T09:00:00.000Z';
    expect(tryImport(target, file)).toBe(true);
    const before = Date.now();
    const { version } = target.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen' });
    const signedAt = Date.parse(version.signOff!.signedAt);
    // The process clock also stays pushed ahead: a consultation created afterwards, untouched by the skew, is "created" in 2031.
    const fresh = Date.parse(target.consultations.create({ sections: fullSections('Fresh After Skew') }).consultation.createdAt);
    expect({ signedOffBy: Math.abs(signedAt - before) < 10 * 60_000, freshCreatedOk: Math.abs(fresh - before) < 10 * 60_000 }).toEqual({
      signedOffBy: true,
      freshCreatedOk: true,
    });
  });

  it('signing an archived consultation or one that is gone gives a typed failure and changes nothing', () => {
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Archived Ltd') }).consultation;
    app.consultations.archive({ consultationId: c.id });
    const before = snapshot(app);
    const archived = failureOf(() => app.consultations.signOff({ consultationId: c.id, signerName: 'Lee Chen' }));
    expect(archived.code).not.toBe('internal');
    expect(snapshot(app)).toEqual(before);
    const d = app.consultations.create({ sections: fullSections('Deleted Ltd') }).consultation;
    app.consultations.delete({ consultationId: d.id });
    expect(failureOf(() => app.consultations.signOff({ consultationId: d.id, signerName: 'Lee Chen' })).code).toBe('not_found');
  });
});

describe('attack: follow-up visits', () => {
  it('a follow-up of a deleted consultation is refused as not found', () => {
    const app = open();
    const c = app.consultations.create({ sections: fullSections('Gone Visit Ltd') }).consultation;
    app.consultations.delete({ consultationId: c.id });
    const before = snapshot(app);
    expect(failureOf(() => app.consultations.createFollowUp({ consultationId: c.id })).code).toBe('not_found');
    expect(snapshot(app)).toEqual(before);
  });

  it('a visit that an import file makes follow itself still shows in "Latest visit per client"', () => {
    // Defect: latestVisits keeps consultations no row points back to; a row pointing at itself points back to
    // itself, so the client disappears from the dashboard's "Latest visit per client" view.
    const source = open();
    const target = open();
    const c = source.consultations.create({ sections: fullSections('Self Loop Ltd') }).consultation;
    const file = source.exports.exportAll();
    file.consultations[0]!.followUpOf = c.id;
    if (!tryImport(target, file)) return; // refusing the file is fine
    const ids = target.consultations.list({ latestVisits: true }).items.map((i) => i.id);
    expect(ids).toContain(c.id);
  });

  it('two visits that an import file makes follow each other (a cycle) still show the client in "Latest visit per client"', () => {
    // Defect: A follows B and B follows A: each has a later visit, so neither is "latest" and the client vanishes.
    const source = open();
    const target = open();
    const a = source.consultations.create({ sections: fullSections('Cycle Ltd') }).consultation;
    const b = source.consultations.createFollowUp({ consultationId: a.id }).consultation;
    const file = source.exports.exportAll();
    file.consultations.find((x) => x.id === a.id)!.followUpOf = b.id;
    if (!tryImport(target, file)) return; // refusing the file is fine
    const ids = target.consultations.list({ latestVisits: true }).items.map((i) => i.id);
    expect(ids.filter((id) => id === a.id || id === b.id).length).toBeGreaterThan(0);
    // And the follow-up's "since last visit" read does not loop or fail.
    expect(target.consultations.get({ consultationId: a.id }).sinceLastVisit?.consultationId).toBe(b.id);
  });

  it('archiving the newest visit does not make the client vanish from the dashboard "Latest visit per client" (active) view', () => {
    // Defect: the "has a later visit" test ignores the later visit's status: the earlier visit is hidden
    // because a follow-up exists, the follow-up is hidden because it is archived, and the client shows nowhere.
    const app = open();
    const a = app.consultations.create({ sections: fullSections('Archived Follow Ltd') }).consultation;
    const b = app.consultations.createFollowUp({ consultationId: a.id }).consultation;
    app.consultations.archive({ consultationId: b.id });
    const ids = app.consultations.list({ latestVisits: true, status: 'active' }).items.map((i) => i.id);
    expect(ids.filter((id) => id === a.id || id === b.id).length).toBeGreaterThan(0);
  });

  it('"New follow-up visit" on an earlier visit that already has a later one does not give the client two latest visits', () => {
    // Likely defect (spec reading): opening visit 1 of a client who already has visit 2 and choosing "New
    // follow-up visit" prefills from visit 1 (not from visit 2, the last visit) and "Latest visit per client" then
    // lists the client twice.
    const app = open();
    const a = app.consultations.create({ sections: fullSections('Branching Visits Ltd') }).consultation;
    const b = app.consultations.createFollowUp({ consultationId: a.id }).consultation;
    app.consultations.autosave({ consultationId: b.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0202' }] });
    app.consultations.saveVersion({ consultationId: b.id });
    let made: string | null = null;
    try {
      made = app.consultations.createFollowUp({ consultationId: a.id }).consultation.id;
    } catch {
      // refusing (pointing to the later visit) is an acceptable answer too
    }
    const latest = app.consultations.list({ latestVisits: true }).items;
    expect(latest).toHaveLength(1);
    if (made) expect(app.consultations.get({ consultationId: made }).consultation.sections.contact_info.phone).toBe('+1 555 0202');
  });

  it('a follow-up is prefilled from the latest version, not from unsaved typing, and deleting it brings the earlier visit back as latest', () => {
    const app = open();
    const a = app.consultations.create({ sections: fullSections('Prefill Ltd') }).consultation;
    app.consultations.autosave({ consultationId: a.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0000' }] });
    const b = app.consultations.createFollowUp({ consultationId: a.id });
    const v1 = app.consultations.getVersion({ consultationId: a.id, versionNumber: 1 });
    expect(b.consultation.sections).toEqual(v1.sections);
    expect(b.sinceLastVisit?.changes).toEqual([]);
    expect(app.consultations.list({ latestVisits: true }).items.map((i) => i.id)).toEqual([b.consultation.id]);
    app.consultations.delete({ consultationId: b.consultation.id });
    expect(app.consultations.list({ latestVisits: true }).items.map((i) => i.id)).toEqual([a.id]);
    expect(app.consultations.get({ consultationId: a.id }).sinceLastVisit).toBeNull();
  });
});
