import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, snapshot, type TestApp } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { newId } from '../../src/main/clock';

// Bidi embedding/override/isolate controls and C0 controls: what typed text never keeps (textHygiene.ts).
// eslint-disable-next-line no-control-regex
const HARMFUL = /[\u202A-\u202E\u2066-\u2069\u0000-\u0008]/;

// Hostile export files against a real SQLite file, through the contract's parsing.

let apps: TestApp[] = [];
afterEach(() => {
  apps.forEach((a) => a.close());
  apps = [];
});

describe('attack: import', () => {
  it('a file giving one consultation two different versions under one number is refused, changing nothing', () => {
    // Defect: both pass the history checks (the number set has no gap), the second is dropped silently by
    // INSERT OR IGNORE, and the working copy moves onto whichever one happened to be first.
    const a = openTestApp();
    apps.push(a);
    const c = a.consultations.create({ sections: fullSections('Twice Two Ltd') }).consultation;
    const file = a.exports.exportAll();
    const entry = file.consultations[0]!;
    const first = entry.versions[0]!;
    for (const name of ['Forged One', 'Forged Two']) {
      entry.versions.push({ ...first, id: newId(), versionNumber: 2, sections: { ...first.sections, contact_info: { business_name: name } } });
    }
    entry.currentVersion = 2;
    const before = snapshot(a);
    let refused = false;
    try {
      a.exports.importAll({ text: JSON.stringify(file) });
    } catch {
      refused = true;
    }
    expect(refused).toBe(true);
    expect(snapshot(a)).toEqual(before);
    expect(a.consultations.get({ consultationId: c.id }).consultation.currentVersion).toBe(1);
  });

  it('text from an import file gets the same hygiene as typed text: no bidi overrides or control characters are stored', () => {
    // Defect: typed text loses control and bidi-override characters (edits.ts), but an import file's text is
    // only shape-checked, so "Trojan Source" names (U+202E) and NULs reach the dashboard, CSV and PDF.
    const source = openTestApp();
    const target = openTestApp(); // the same consultant (same email) on a fresh laptop
    apps.push(source, target);
    source.consultations.create({ sections: fullSections('Plain Name') });
    const file = source.exports.exportAll();
    const hostile = 'Invoice\u202Efdp.exe\u0000';
    file.consultations[0]!.sections.contact_info.business_name = hostile;
    file.consultations[0]!.versions[0]!.sections.contact_info.business_name = hostile;
    try {
      target.exports.importAll({ text: JSON.stringify(file) });
    } catch {
      // refusing the file is an acceptable answer too
    }
    const names = target.database.sqlite
      .prepare(
        `SELECT json_extract(contact_info, '$.business_name') AS n FROM consultations UNION ALL SELECT json_extract(contact_info, '$.business_name') FROM consultation_versions`,
      )
      .all() as { n: string | null }[];
    for (const { n } of names) expect(n ?? '').not.toMatch(HARMFUL);
  });
});
