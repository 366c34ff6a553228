import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureOf, openTestApp, snapshot, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { newId, now } from '../clock';
import { editsForSections } from '@shared/consultation/edits';
import { HARD_LIMITS } from '@shared/consultation/sections';

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

const type = (id: string, sections: object, extra: { notes?: string | null } = {}) =>
  app.consultations.autosave({ consultationId: id, edits: editsForSections(sections), ...extra });

describe('autosave: the working copy is the record', () => {
  it('keeps a half-typed email in the working copy, reports it at the field, and the list and search see it', () => {
    const c = createEmpty();
    const result = type(c.id, { contact_info: { email: 'maria@acme', business_name: 'Typed Name Ltd' } });
    expect(result.issues).toEqual([{ path: 'contact_info.email', message: 'Enter an email address like name@example.com' }]);
    expect(result.rejected).toEqual([]);
    const detail = app.consultations.get({ consultationId: c.id });
    expect(detail.consultation.sections.contact_info).toEqual({ business_name: 'Typed Name Ltd', email: 'maria@acme' });
    expect(detail.changedSinceVersion).toBe(true);
    expect(app.consultations.list().items[0]).toMatchObject({ businessName: 'Typed Name Ltd', changedSinceVersion: true });
    expect(app.consultations.list({ search: 'typed' }).items.map((i) => i.id)).toEqual([c.id]);
    type(c.id, { contact_info: { email: 'maria@acme.com', business_name: 'Typed Name Ltd' } });
    expect(app.consultations.get({ consultationId: c.id }).issues).toEqual([]);
  });

  it('counts only valid answers towards completion', () => {
    const c = createEmpty();
    const valid = type(c.id, { contact_info: { email: 'maria@acme.com' } }).completion.percentage;
    const invalid = type(c.id, { contact_info: { email: 'maria@acme' } }).completion.percentage;
    expect(invalid).toBeLessThan(valid);
    expect(app.consultations.list().items[0]!.completionPercentage).toBe(invalid);
  });

  it('does not trim while typing', () => {
    const c = createEmpty();
    type(c.id, { contact_info: { business_name: 'Acme ' } });
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.business_name).toBe('Acme ');
  });

  it('changes only the fields it is given: another window never blanks a field it did not touch', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0100', base: null }] });
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.website', value: 'acme.com', base: null }] });
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info).toEqual({ phone: '+1 555 0100', website: 'acme.com' });
  });

  it('reports a field two windows changed differently to the later one, overwriting nothing', () => {
    const c = createEmpty();
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '111', base: null }] });
    const later = app.consultations.autosave({
      consultationId: c.id,
      edits: [
        { path: 'contact_info.phone', value: '222', base: null },
        { path: 'contact_info.email', value: 'a@b.co', base: null },
      ],
    });
    expect(later.conflicts).toEqual([{ path: 'contact_info.phone', label: 'Contact › Phone', yours: '222', theirs: '111' }]);
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info).toEqual({ phone: '111', email: 'a@b.co' });
    // Choosing to keep this window's value is an edit without a base.
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '222' }] });
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('222');
  });

  it("an unload save made before the answer to its window's previous save: that save landing first is no conflict", () => {
    const c = createEmpty();
    // The save under way (base null) lands first; the unload save names its value as sentBase.
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '555 01', base: null }] });
    const unload = app.consultations.autosave({
      consultationId: c.id,
      edits: [{ path: 'contact_info.phone', value: '555 0123', base: null, sentBase: '555 01' }],
    });
    expect(unload.conflicts).toEqual([]);
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('555 0123');
    // Another window's value is still a conflict, whatever the sentBase.
    app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.phone', value: 'other window' }] });
    const late = app.consultations.autosave({
      consultationId: c.id,
      edits: [{ path: 'contact_info.phone', value: 'mine', base: '555 0123', sentBase: '555 01234' }],
    });
    expect(late.conflicts.map((x) => x.path)).toEqual(['contact_info.phone']);
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.phone).toBe('other window');
  });

  it('refuses only the field over a hard limit, with a message at it, and saves every other edit', () => {
    const c = createEmpty();
    const result = app.consultations.autosave({
      consultationId: c.id,
      edits: [
        { path: 'pain_points.impact_assessment', value: 'x'.repeat(HARD_LIMITS.fieldChars + 1) },
        { path: 'contact_info.business_name', value: 'B'.repeat(5000) },
        { path: 'contact_info.email', value: 'not-an-email' },
      ],
    });
    expect(result.rejected.map((r) => r.path)).toEqual(['pain_points.impact_assessment']);
    expect(result.rejected[0]!.message).toMatch(/Too long to keep/);
    const sections = app.consultations.get({ consultationId: c.id }).consultation.sections;
    expect(sections.contact_info).toEqual({ business_name: 'B'.repeat(5000), email: 'not-an-email' });
    expect(sections.pain_points).toEqual({});
    expect(result.issues.map((i) => i.path).sort()).toEqual(['contact_info.business_name', 'contact_info.email']);
  });

  it('refuses an edit that would take the consultation over its size cap, keeping the rest', () => {
    const c = createEmpty();
    const big = 'y'.repeat(HARD_LIMITS.fieldChars - 10);
    const lists = ['primary_challenges', 'technical_issues', 'current_solution_gaps'] as const;
    const texts = ['impact_assessment'];
    const fill = [...texts.map((f) => ({ path: `pain_points.${f}`, value: big }))];
    for (const f of lists) fill.push({ path: `pain_points.${f}`, value: Array.from({ length: 30 }, () => 'z'.repeat(HARD_LIMITS.listItemChars - 1)) as never });
    const result = app.consultations.autosave({ consultationId: c.id, edits: [...fill, { path: 'contact_info.business_name', value: 'Still saved' }] });
    expect(result.rejected.length).toBeGreaterThan(0);
    expect(result.rejected.every((r) => /size limit/.test(r.message))).toBe(true);
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info.business_name).toBe('Still saved');
  });

  it('removes control and bidirectional override characters, keeping every script and emoji', () => {
    const c = createEmpty();
    type(c.id, {
      contact_info: { business_name: 'Acme\u0000\u0007 \u202Egnp.exe\u202C', contact_person: 'يورام כהן ไทย हिन्दी 订单 😀' },
      pain_points: { impact_assessment: 'line one\r\nline\ttwo' },
    });
    const sections = app.consultations.get({ consultationId: c.id }).consultation.sections;
    expect(sections.contact_info).toEqual({ business_name: 'Acme gnp.exe', contact_person: 'يورام כהן ไทย हिन्दी 订单 😀' });
    expect(sections.pain_points.impact_assessment).toBe('line one\nline\ttwo');
  });

  it('rejects unknown fields and bad ids at the boundary, losing nothing already saved', () => {
    const c = createEmpty();
    type(c.id, { contact_info: { business_name: 'Kept' } });
    expect(
      expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: c.id, edits: [{ path: 'contact_info.fax', value: '1' }] }), 'validation')
        .issues![0]!.path,
    ).toBe('edits.0.path');
    expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: 'x', edits: [] }), 'validation');
    expectRejectedWithoutChange(() => app.consultations.autosave({ consultationId: newId(), edits: [] }), 'not_found');
    expect(app.consultations.get({ consultationId: c.id }).consultation.sections.contact_info).toEqual({ business_name: 'Kept' });
  });

  it('keeps private notes apart from the record, and typing undone reads as unchanged', () => {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Acme' } } }).consultation;
    type(c.id, { contact_info: { business_name: 'Acme Co' } });
    type(c.id, { contact_info: { business_name: 'Acme' } });
    expect(app.consultations.get({ consultationId: c.id }).changedSinceVersion).toBe(false);
    app.consultations.autosave({ consultationId: c.id, notes: 'Ask about the franchise plans' });
    const detail = app.consultations.get({ consultationId: c.id });
    expect(detail).toMatchObject({ notes: 'Ask about the franchise plans', changedSinceVersion: false });
    expect(app.consultations.list().items[0]!.changedSinceVersion).toBe(false);
  });

  it('moves updated_at forward on every write, even within one millisecond', () => {
    const c = createEmpty();
    const stamps = [app.consultations.get({ consultationId: c.id }).consultation.updatedAt];
    for (let i = 0; i < 20; i += 1) stamps.push(type(c.id, { contact_info: { business_name: `A${i}` } }).updatedAt);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  });
});

describe('save version', () => {
  function typed(sections: object) {
    const c = createEmpty();
    type(c.id, sections);
    return c;
  }

  it('snapshots the working copy tidied, with changed field paths and a readable summary', () => {
    const c = typed({ contact_info: { business_name: ' Acme ', email: 'ops@acme.com ', website: 'acme.com' }, goals_objectives: { kpis: [' NPS ', ''] } });
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
    expect(detail.changedSinceVersion).toBe(false);
    expect(detail.consultation.updatedAt > c.updatedAt).toBe(true);
  });

  it('refuses a working copy that breaks the version rules, naming the fields, and keeps it as typed', () => {
    const c = typed({ contact_info: { email: 'ops@acme' }, business_context: { team_size: 'a dozen' } });
    const error = expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'validation');
    expect(error.issues!.map((i) => i.path)).toEqual(['contact_info.email', 'business_context.team_size']);
    expect(error.message).toBe('Some fields need attention before saving a version: Contact › Email, Business › Team size.');
  });

  it('lets only one of two saves of the same version win (a version race)', () => {
    const c = typed({ contact_info: { business_name: 'Race Ltd' } });
    app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    const error = expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'conflict');
    expect(error.message).toMatch(/now at version 2/);
    expect(app.consultations.listVersions({ consultationId: c.id }).map((v) => v.versionNumber)).toEqual([1, 2]);
  });

  it('refuses when nothing changed since the newest version', () => {
    const c = createEmpty();
    expectRejectedWithoutChange(() => app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 }), 'invalid_state');
  });

  it('keeps private notes after a save', () => {
    const c = createEmpty();
    type(c.id, { contact_info: { business_name: 'Acme' } }, { notes: 'Budget is soft' });
    const { detail } = app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    expect(detail.notes).toBe('Budget is soft');
  });

  it('discarding changes since the newest version brings it back and keeps notes', () => {
    const c = createEmpty();
    type(c.id, { contact_info: { business_name: 'Oops' } }, { notes: 'n' });
    const detail = app.consultations.discardChanges({ consultationId: c.id });
    expect(detail).toMatchObject({ notes: 'n', changedSinceVersion: false });
    expect(detail.consultation.sections.contact_info).toEqual({});
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

  it('complete, reopen, archive, unarchive: each an event in the history (who, when, from -> to), no content version', () => {
    const c = readyToComplete();
    const done = app.consultations.complete({ consultationId: c.id, expectedVersion: 1 }).consultation;
    expect(done).toMatchObject({ status: 'completed', currentVersion: 1 });
    expect(done.completedAt).not.toBeNull();
    const archived = app.consultations.archive({ consultationId: c.id }).consultation;
    expect(archived).toMatchObject({ status: 'archived', completedAt: done.completedAt });
    const back = app.consultations.unarchive({ consultationId: c.id }).consultation;
    expect(back).toMatchObject({ status: 'completed', completedAt: done.completedAt });
    const reopened = app.consultations.reopen({ consultationId: c.id });
    expect(reopened).toMatchObject({ changedSinceVersion: false, consultation: { status: 'draft', completedAt: null, currentVersion: 1 } });
    expect(app.consultations.listVersions({ consultationId: c.id }).map((v) => [v.versionNumber, v.status])).toEqual([[1, 'draft']]);
    const events = app.consultations.statusEvents({ consultationId: c.id });
    expect(events.map((e) => [e.from, e.to, e.byName, e.by])).toEqual([
      ['draft', 'completed', 'Ada Consultant', c.userId],
      ['completed', 'archived', 'Ada Consultant', c.userId],
      ['archived', 'completed', 'Ada Consultant', c.userId],
      ['completed', 'draft', 'Ada Consultant', c.userId],
    ]);
    expect(events[0]!.at).toBe(done.completedAt);
    expect([...events.map((e) => e.at)].sort()).toEqual(events.map((e) => e.at));
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it('a refused status move records no event', () => {
    const c = readyToComplete();
    expectRejectedWithoutChange(() => app.consultations.reopen({ consultationId: c.id }), 'invalid_state');
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id, expectedVersion: 9 }), 'conflict');
    expect(app.consultations.statusEvents({ consultationId: c.id })).toEqual([]);
  });

  it('refuses moves the status does not allow, and edits to archived or completed consultations', () => {
    const c = readyToComplete();
    expectRejectedWithoutChange(() => app.consultations.reopen({ consultationId: c.id }), 'invalid_state');
    expectRejectedWithoutChange(() => app.consultations.unarchive({ consultationId: c.id }), 'invalid_state');
    app.consultations.archive({ consultationId: c.id });
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id }), 'invalid_state');
    const edit = expectRejectedWithoutChange(() => type(c.id, { contact_info: { business_name: 'x' } }), 'invalid_state');
    expect(edit.message).toMatch(/Unarchive it/);
    app.consultations.unarchive({ consultationId: c.id });
    app.consultations.complete({ consultationId: c.id });
    expect(failureOf(() => app.consultations.autosave({ consultationId: c.id })).message).toMatch(/Reopen it/);
  });

  it('completes what the consultant sees: changes since the newest version are saved first', () => {
    const c = readyToComplete();
    type(c.id, { contact_info: { ...fullSections().contact_info, phone: '+1 555 0199' } });
    expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id, expectedVersion: 7 }), 'conflict');
    const done = app.consultations.complete({ consultationId: c.id });
    // One version for the content that changed, none for the move itself.
    expect(done).toMatchObject({ changedSinceVersion: false, consultation: { status: 'completed', currentVersion: 2 } });
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 2 }).sections.contact_info.phone).toBe('+1 555 0199');
    expect(app.consultations.statusEvents({ consultationId: c.id }).map((e) => [e.from, e.to])).toEqual([['draft', 'completed']]);
  });

  it('refuses to complete over invalid answers, naming them, and changes nothing', () => {
    const c = readyToComplete();
    type(c.id, { contact_info: { ...fullSections().contact_info, email: 'broken@' } });
    const error = expectRejectedWithoutChange(() => app.consultations.complete({ consultationId: c.id }), 'validation');
    expect(error.message).toMatch(/Contact › Email/);
  });
});

describe('history', () => {
  function withThreeVersions() {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Orbit Labs', email: 'hi@orbit.io' } } }).consultation;
    type(c.id, { contact_info: { business_name: 'Orbit Labs', email: 'team@orbit.io' } });
    app.consultations.saveVersion({ consultationId: c.id, expectedVersion: 1 });
    type(c.id, { pain_points: { urgency_level: 'critical' } });
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
    // Version 1 compares with the empty form it started from.
    expect(app.consultations.diffVersions({ consultationId: c.id, from: 0, to: 1 }).changes).toEqual([
      { path: 'contact_info.business_name', after: 'Orbit Labs' },
      { path: 'contact_info.email', after: 'hi@orbit.io' },
    ]);
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
    expectRejectedWithoutChange(() => app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 2, expectedVersion: 3 }), 'conflict');
  });

  it('keeps what was typed since the newest version as a version of its own before a restore', () => {
    const c = withThreeVersions();
    type(c.id, { contact_info: { business_name: 'Orbit Labs', email: 'typed@orbit.io' } });
    const detail = app.consultations.restoreVersion({ consultationId: c.id, versionNumber: 1, expectedVersion: 3 });
    expect(detail.consultation.currentVersion).toBe(5);
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 4 })).toMatchObject({ changeSummary: 'Kept before a restore · Contact: Email' });
    expect(app.consultations.getVersion({ consultationId: c.id, versionNumber: 4 }).sections.contact_info.email).toBe('typed@orbit.io');
    expect(detail.consultation.sections.contact_info.email).toBe('hi@orbit.io');
  });
});

describe('ownership and delete', () => {
  function teammateConsultation() {
    const other = newId();
    const t = now();
    const sqlite = app.database.sqlite;
    sqlite.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(other, 'Bo Teammate', 'bo@example.com', t, t);
    const id = newId();
    sqlite
      .prepare(
        `INSERT INTO consultations (id, user_id, contact_info, current_version, created_at, updated_at) VALUES (?, ?, '{"business_name":"Theirs"}', 1, ?, ?)`,
      )
      .run(id, other, t, t);
    return id;
  }

  it("shows a teammate's consultation read-only and refuses every change to it", () => {
    const id = teammateConsultation();
    const detail = app.consultations.get({ consultationId: id });
    expect(detail.consultation).toMatchObject({ isOwn: false, ownerName: 'Bo Teammate' });
    for (const call of [
      () => app.consultations.autosave({ consultationId: id }),
      () => app.consultations.archive({ consultationId: id }),
      () => app.consultations.delete({ consultationId: id }),
      () => app.consultations.discardChanges({ consultationId: id }),
    ]) {
      expectRejectedWithoutChange(call, 'forbidden');
    }
  });

  it('deletes a consultation with its notes and versions', () => {
    const c = app.consultations.create({ sections: { contact_info: { business_name: 'Gone' } } }).consultation;
    type(c.id, { contact_info: { business_name: 'Going' } }, { notes: 'private' });
    app.consultations.delete({ consultationId: c.id });
    expect(failureOf(() => app.consultations.get({ consultationId: c.id })).code).toBe('not_found');
    const counts = app.database.sqlite
      .prepare(`SELECT (SELECT count(*) FROM consultation_drafts) AS d, (SELECT count(*) FROM consultation_versions) AS v`)
      .get();
    expect(counts).toEqual({ d: 0, v: 0 });
  });
});
