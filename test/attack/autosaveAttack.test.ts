import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { HARD_LIMITS } from '@shared/consultation/sections';

// Adversarial autosave scenarios on a real SQLite file, through the contract's parsing (as handlers.ts does).

let apps: TestApp[] = [];
afterEach(() => {
  apps.forEach((a) => a.close());
  apps = [];
});
const app = () => {
  const a = openTestApp();
  apps.push(a);
  return a;
};

describe('attack: autosave', () => {
  it('private notes over their hard limit refuse only the notes: a field edit sent with them is still saved', () => {
    // Defect: the notes limit sits in the contract's input schema, so the whole save is refused and the
    // email typed in the same pause is not stored (the brief: a hard limit refuses that one field only).
    const a = app();
    const c = a.consultations.create({ sections: fullSections('Notes Limit Co') }).consultation;
    try {
      a.consultations.autosave({
        consultationId: c.id,
        edits: [{ path: 'contact_info.email', value: 'typed@notes-limit.example', base: 'maria@acme-bakery.com' }],
        notes: 'n'.repeat(HARD_LIMITS.notesChars + 1),
      });
    } catch {
      // A refusal of the notes is fine; losing the email is the defect.
    }
    expect(a.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.email).toBe('typed@notes-limit.example');
  });
});
