import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureOf, openTestApp, snapshot, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { newId, now } from '../clock';

let app: TestApp;
beforeEach(() => {
  app = openTestApp();
});
afterEach(() => app.close());

const createEmpty = () => app.consultations.create().consultation;

function expectRejectedWithoutChange(call: () => unknown, code: string) {
  const before = snapshot(app);
  const error = failureOf(call);
  expect(error.code).toBe(code);
  expect(snapshot(app)).toEqual(before);
  return error;
}

describe('first run', () => {
  it('refuses consultation work until the consultant has a profile', () => {
    const fresh = openTestApp({ profile: false });
    try {
      expect(fresh.users.current()).toBeNull();
      expect(failureOf(() => fresh.consultations.create()).code).toBe('profile_required');
      expect(failureOf(() => fresh.users.saveProfile({ name: ' ', email: 'x' })).issues!.map((i) => i.path)).toEqual(['name', 'email']);
      const user = fresh.users.saveProfile({ name: 'Grace', email: 'grace@example.com' });
      expect(fresh.users.current()).toEqual(user);
      expect(fresh.consultations.create().consultation.userId).toBe(user.id);
    } finally {
      fresh.close();
    }
  });
});

describe('create', () => {
  it('starts version 1, empty or with checked and trimmed first content', () => {
    const empty = createEmpty();
    expect(empty).toMatchObject({ status: 'draft', currentVersion: 1, completionPercentage: 0, completedAt: null, isOwn: true });
    const withContent = app.consultations.create({ sections: { contact_info: { business_name: '  Bluebird Dental ' } } });
    expect(withContent.consultation.sections.contact_info).toEqual({ business_name: 'Bluebird Dental' });
    const [v1] = app.consultations.listVersions({ consultationId: withContent.consultation.id });
    expect(v1).toMatchObject({ versionNumber: 1, changedFields: ['contact_info.business_name'], authorName: 'Ada Consultant' });
  });

  it('rejects first content that breaks the version rules, creating nothing', () => {
    const error = expectRejectedWithoutChange(() => app.consultations.create({ sections: { contact_info: { email: 'nope' } } }), 'validation');
    expect(error.issues).toEqual([{ path: 'contact_info.email', message: 'Enter an email address like name@example.com' }]);
  });
});

describe('autosave', () => {
  it('keeps a half-typed email in the draft, reports it, and saves it again on the next pause', () => {
    const c = createEmpty();
    const result = app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { email: 'maria@acme' } } });
    expect(result.issues).toEqual([{ path: 'contact_info.email', message: 'Enter an email address like name@example.com' }]);
    const detail = app.consultations.get({ consultationId: c.id });
    expect(detail.draft!.sections.contact_info).toEqual({ email: 'maria@acme' });
    expect(detail.draft!.hasChanges).toBe(true);
    expect(detail.consultation.sections.contact_info).toEqual({}); // the saved record is untouched
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { email: 'maria@acme.com' } } });
    expect(app.consultations.get({ consultationId: c.id }).issues).toEqual([]);
  });

  it('shows the name being typed in the list until it is saved', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Typed Name Ltd', contact_person: 'Ana' } } });
    expect(app.consultations.list().items[0]).toMatchObject({ businessName: 'Typed Name Ltd', contactPerson: 'Ana', hasUnsavedChanges: true });
    app.consultations.discardDraft({ consultationId: c.id });
    expect(app.consultations.list().items[0]).toMatchObject({ businessName: null, hasUnsavedChanges: false });
  });

  it('does not trim while typing', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Acme ' } } });
    expect(app.consultations.get({ consultationId: c.id }).draft!.sections.contact_info.business_name).toBe('Acme ');
  });

  it('replaces only the sections it is given and reports completion of the draft', () => {
    const c = createEmpty();
    const s = fullSections();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: s.contact_info } });
    const r = app.consultations.autosave({ consultationId: c.id, sections: { pain_points: s.pain_points } });
    const draft = app.consultations.get({ consultationId: c.id }).draft!;
    expect(draft.sections.contact_info).toEqual(s.contact_info);
    expect(draft.sections.pain_points).toEqual(s.pain_points);
    expect(r.completion.percentage).toBeGreaterThan(30);
    expect(r.completion.missing.map((m) => m.path)).toContain('business_context.industry');
  });

  it('rejects unknown keys, oversized text and bad ids with field paths, losing nothing already saved', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Kept' } } });
    expect(
      expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { fax: '1' } } }), 'validation').issues,
    ).toEqual([{ path: 'sections.contact_info', message: 'Unknown field: fax' }]);
    expectRejectedWithoutChange(
      () => app.consultations.autosave({ consultationId: c.id, sections: { pain_points: { impact_assessment: 'x'.repeat(5001) } } }),
      'validation',
    );
    expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: 'x', sections: {} }), 'validation');
    expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: newId(), sections: {} }), 'not_found');
    expect(app.consultations.get({ consultationId: c.id }).draft!.sections.contact_info).toEqual({ business_name: 'Kept' });
  });

  it('removes the draft when typing is undone back to the saved content, but keeps one that holds notes', () => {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Acme' } } }).consultation;
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Acme Co' } } });
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Acme' } } });
    expect(app.consultations.get({ consultationId: c.id }).draft).toBeNull();
    app.consultations.autosave({ consultationId: c.id, draftNotes: 'Ask about the franchise plans', auto: false });
    const draft = app.consultations.get({ consultationId: c.id }).draft!;
    expect(draft).toMatchObject({ hasChanges: false, draftNotes: 'Ask about the franchise plans', autoSaved: false });
    expect(app.consultations.list().items[0]!.hasUnsavedChanges).toBe(false);
  });

  it('moves updated_at forward on every write, even within one millisecond', () => {
    const c = createEmpty();
    const stamps = [app.consultations.get({ consultationId: c.id }).consultation.updatedAt];
    for (let i = 0; i < 20; i += 1) {
      stamps.push(app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: `A${i}` } } }).updatedAt);
    }
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  });
});

describe('save version', () => {
  function draftOf(sections: object) {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections });
    return c;
  }

  it('normalises the draft, records changed field paths and a readable summary, and clears the draft', () => {
    const c = draftOf({ contact_info: { business_name: ' Acme ', email: 'ops@acme.com ', website: 'acme.com' }, goals_objectives: { kpis: [' NPS ', ''] } });
    const { detail, version } = app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1, note: ' after the call ' });
    expect(version).toMatchObject({
      versionNumber: 2,
      changedFields: ['contact_info.business_name', 'contact_info.email', 'contact_info.website', 'goals_objectives.kpis'],
      changeSummary: 'Contact: Business name, Email, Website · Goals: KPIs',
      note: 'after the call',
    });
    expect(detail.consultation.sections).toEqual({
      contact_info: { business_name: 'Acme', email: 'ops@acme.com', website: 'https://acme.com' },
      business_context: {},
      pain_points: {},
      goals_objectives: { kpis: ['NPS'] },
    });
    expect(detail.consultation.currentVersion).toBe(2);
    expect(detail.draft).toBeNull();
    expect(detail.consultation.updatedAt > c.updatedAt).toBe(true);
  });

  it('refuses a draft that breaks the version rules and keeps the draft exactly as typed', () => {
    const c = draftOf({ contact_info: { email: 'ops@acme' }, business_context: { team_size: 'a dozen' } });
    const error = expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'validation');
    expect(error.issues!.map((i) => i.path)).toEqual(['contact_info.email', 'business_context.team_size']);
  });

  it('lets only one of two saves of the same draft win (a version race)', () => {
    const c = draftOf({ contact_info: { business_name: 'Race Ltd' } });
    app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    const error = expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'conflict');
    expect(error.message).toMatch(/now at version 2/);
    expect(app.consultations.listVersions({ consultationId: c.id }).map((v) => v.versionNumber)).toEqual([1, 2]);
  });

  it('refuses when there is nothing to save', () => {
    const c = createEmpty();
    expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'conflict');
  });

  it('keeps private notes on the draft after a save, rebased on the new version', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Acme' } }, draftNotes: 'Budget is soft' });
    const { detail } = app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    expect(detail.draft).toMatchObject({ hasChanges: false, draftNotes: 'Budget is soft', baseVersion: 2 });
  });

  it('discarding drops unsaved changes but keeps notes', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Oops' } }, draftNotes: 'n' });
    const detail = app.consultations.discardDraft({ consultationId: c.id });
    expect(detail.draft).toMatchObject({ hasChanges: false, draftNotes: 'n' });
    expect(detail.draft!.sections.contact_info).toEqual({});
  });
});

describe('status moves', () => {
  function readyToComplete() {
    const c = app.consultations.create({ sections: fullSections() }).consultation;
    return c;
  }

  it('complete needs the essential fields, and names the missing ones', () => {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Half done' } } }).consultation;
    const error = expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id }), 'validation');
    expect(error.issues!.map((i) => i.path)).toEqual([
      'contact_info.contact_person',
      'contact_info.email',
      'business_context.industry',
      'pain_points.primary_challenges',
      'pain_points.urgency_level',
      'goals_objectives.primary_goals',
    ]);
  });

  it('complete, reopen, archive, unarchive: each recorded as a version, completed_at set and cleared', () => {
    const c = readyToComplete();
    const done = app.consultations.complete({ consultationId: c.id, expectedVersion: 1 }).consultation;
    expect(done.status).toBe('completed');
    expect(done.completedAt).not.toBeNull();
    const archived = app.consultations.archive({ consultationId: c.id }).consultation;
    expect(archived).toMatchObject({ status: 'archived', completedAt: done.completedAt });
    const back = app.consultations.unarchive({ consultationId: c.id }).consultation;
    expect(back).toMatchObject({ status: 'completed', completedAt: done.completedAt });
    const reopened = app.consultations.reopen({ consultationId: c.id }).consultation;
    expect(reopened).toMatchObject({ status: 'draft', completedAt: null });
    expect(app.consultations.listVersions({ consultationId: c.id }).map((v) => [v.versionNumber, v.status, v.changeSummary])).toEqual([
      [1, 'draft', expect.stringMatching(/^Created/)],
      [2, 'completed', 'Marked completed'],
      [3, 'archived', 'Archived'],
      [4, 'completed', 'Unarchived'],
      [5, 'draft', 'Reopened'],
    ]);
  });

  it('refuses moves the status does not allow, and edits to archived or completed consultations', () => {
    const c = readyToComplete();
    expectRejectedWithoutChange(() => app.consultations.reopen({ consultationId: c.id }), 'invalid_state');
    expectRejectedWithoutChange(() => app.consultations.unarchive({ consultationId: c.id }), 'invalid_state');
    app.consultations.archive({ consultationId: c.id });
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id }), 'invalid_state');
    const edit = expectRejectedWithoutChange(
      () => app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'x' } } }),
      'invalid_state',
    );
    expect(edit.message).toMatch(/Unarchive it/);
    app.consultations.unarchive({ consultationId: c.id });
    app.consultations.complete({ consultationId: c.id });
    expect(failureOf(() => app.consultations.autosave({ consultationId: c.id, sections: {} })).message).toMatch(/Reopen it/);
  });

  it('refuses to complete over unsaved changes, and honours expectedVersion', () => {
    const c = readyToComplete();
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { ...fullSections().contact_info, phone: '+1 555 0199' } } });
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id }), 'conflict');
    app.consultations.discardDraft({ consultationId: c.id });
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id, expectedVersion: 7 }), 'conflict');
  });
});

describe('history', () => {
  function withThreeVersions() {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Orbit Labs', email: 'hi@orbit.io' } } }).consultation;
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Orbit Labs', email: 'team@orbit.io' } } });
    app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    app.consultations.autosave({ consultationId: c.id, sections: { pain_points: { urgency_level: 'critical' } } });
    app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 2 });
    return c;
  }

  it('lists, gets and diffs versions', () => {
    const c = withThreeVersions();
    expect(app.consultations.listVersions({ consultationId: c.id }).map((v) => v.changedFields)).toEqual([
      ['contact_info.business_name', 'contact_info.email'],
      ['contact_info.email'],
      ['pain_points.urgency_level'],
    ]);
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 2 }).sections.contact_info.email).toBe('team@orbit.io');
    expect(app.consultations.diffVersions({ consultationId: c.id, from: 1, to: 3 }).changes).toEqual([
      { path: 'contact_info.email', before: 'hi@orbit.io', after: 'team@orbit.io' },
      { path: 'pain_points.urgency_level', after: 'critical' },
    ]);
    expect(failureOf(() => app.consultations.getVersion({ consultationId: c.id, versionNumber: 9 })).code).toBe('not_found');
  });

  it('restores an old version as a new version, never rewriting history', () => {
    const c = withThreeVersions();
    const detail = app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 1, expectedVersion: 3 });
    expect(detail.consultation.currentVersion).toBe(4);
    expect(detail.consultation.sections.contact_info.email).toBe('hi@orbit.io');
    expect(detail.consultation.sections.pain_points).toEqual({});
    const versions = app.consultations.listVersions({ consultationId: c.id });
    expect(versions).toHaveLength(4);
    expect(versions[3]!.changeSummary).toBe('Restored version 1 · Contact: Email · Pain points: Urgency');
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 3 }).sections.pain_points.urgency_level).toBe('critical');
    expectRejectedWithoutChange(() => app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 4, expectedVersion: 4 }), 'invalid_state');
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'typing' } } });
    expectRejectedWithoutChange(() => app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 2, expectedVersion: 4 }), 'conflict');
  });
});

describe('ownership and delete', () => {
  function teammateConsultation() {
    const other = newId();
    const t = now();
    const sqlite = app.database.sqlite;
    sqlite.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(other, 'Bo Teammate', 'bo@example.com', t, t);
    const id = newId();
    sqlite.prepare(`INSERT INTO consultations (id, user_id, contact_info, current_version, created_at, updated_at) VALUES (?, ?, '{"business_name":"Theirs"}', 1, ?, ?)`).run(id, other, t, t);
    return id;
  }

  it("shows a teammate's consultation read-only and refuses every change to it", () => {
    const id = teammateConsultation();
    const detail = app.consultations.get({ consultationId: id });
    expect(detail.consultation).toMatchObject({ isOwn: false, ownerName: 'Bo Teammate' });
    for (const call of [
      () => app.consultations.autosave({ consultationId: id, sections: {} }),
      () => app.consultations.archive({ consultationId: id }),
      () => app.consultations.delete({ consultationId: id }),
      () => app.consultations.discardDraft({ consultationId: id }),
    ]) {
      expectRejectedWithoutChange(call, 'forbidden');
    }
  });

  it('deletes a consultation with its draft and versions', () => {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Gone' } } }).consultation;
    app.consultations.autosave({ consultationId: c.id, sections: { contact_info: { business_name: 'Going' } } });
    app.consultations.delete({ consultationId: c.id });
    expect(failureOf(() => app.consultations.get({ consultationId: c.id })).code).toBe('not_found');
    const counts = app.database.sqlite.prepare(`SELECT (SELECT count(*) FROM consultation_drafts) AS d, (SELECT count(*) FROM consultation_versions) AS v`).get();
    expect(counts).toEqual({ d: 0, v: 0 });
  });
});
