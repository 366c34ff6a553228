import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureOf, openTestApp, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { editsForSections } from '@shared/consultation/edits';

let app: TestApp;
beforeEach(() => {
  app = openTestApp();
});
afterEach(() => app.close());

describe('follow-up visits', () => {
  it('prefills from the previous visit’s newest version (not its unsaved typing) and links to it', () => {
    const first = app.consultations.create({ sections: fullSections('Harbour Cafe') }).consultation;
    app.consultations.autosave({ consultationId: first.id, edits: [{ path: 'contact_info.phone', value: '+44 20 7946 0000' }] });
    app.consultations.saveVersion({ consultationId: first.id });
    app.consultations.autosave({ consultationId: first.id, edits: [{ path: 'contact_info.email', value: 'typed-not-saved@example.com' }] });
    const latest = app.consultations.getVersion({ consultationId: first.id, versionNumber: 2 });

    const next = app.consultations.createFollowUp({ consultationId: first.id });
    expect(next.consultation.id).not.toBe(first.id);
    expect(next.consultation.followUpOf).toBe(first.id);
    expect(next.consultation.sections).toEqual(latest.sections);
    expect(next.consultation.currentVersion).toBe(1);
    expect(app.consultations.listVersions({ consultationId: next.consultation.id })[0]!.changeSummary).toMatch(/^Follow-up visit/);
    expect(next.sinceLastVisit).toEqual({ consultationId: first.id, versionNumber: 2, changes: [] });
    // The previous visit is untouched.
    expect(app.consultations.get({ consultationId: first.id }).consultation.sections.contact_info.email).toBe('typed-not-saved@example.com');
  });

  it('reports each field changed since the last visit, old -> new, and nothing for unchanged ones', () => {
    const first = app.consultations.create({ sections: fullSections('Harbour Cafe') }).consultation;
    const visit = app.consultations.createFollowUp({ consultationId: first.id }).consultation;
    const oldUrgency = first.sections.pain_points.urgency_level;
    const newUrgency = oldUrgency === 'critical' ? 'low' : 'critical';
    app.consultations.autosave({
      consultationId: visit.id,
      edits: editsForSections({ pain_points: { ...first.sections.pain_points, urgency_level: newUrgency } }),
    });
    const since = app.consultations.get({ consultationId: visit.id }).sinceLastVisit!;
    expect(since.changes).toEqual([{ path: 'pain_points.urgency_level', before: oldUrgency, after: newUrgency }]);
  });

  it('follows a deleted earlier visit gracefully: the link stays, "since last visit" is simply absent', () => {
    const first = app.consultations.create({ sections: fullSections('Gone Ltd') }).consultation;
    const visit = app.consultations.createFollowUp({ consultationId: first.id }).consultation;
    app.consultations.delete({ consultationId: first.id });
    const detail = app.consultations.get({ consultationId: visit.id });
    expect(detail.consultation.followUpOf).toBe(first.id);
    expect(detail.sinceLastVisit).toBeNull();
    expect(failureOf(() => app.consultations.createFollowUp({ consultationId: first.id })).code).toBe('not_found');
  });

  it('keeps the link through JSON export and import', () => {
    const first = app.consultations.create({ sections: fullSections('Linked Co') }).consultation;
    const visit = app.consultations.createFollowUp({ consultationId: first.id }).consultation;
    const file = app.exports.exportAll();
    expect(file.consultations.find((c) => c.id === visit.id)!.followUpOf).toBe(first.id);
    const other = openTestApp();
    try {
      other.settings.set('current_user_id', app.users.current()!.id);
      other.store.addUserIfNew(app.store.user(app.users.current()!.id)!);
      expect(other.exports.importAll({ text: JSON.stringify(file) }).consultationsAdded).toBe(2);
      const imported = other.consultations.get({ consultationId: visit.id });
      expect(imported.consultation.followUpOf).toBe(first.id);
      expect(imported.sinceLastVisit).toEqual(app.consultations.get({ consultationId: visit.id }).sinceLastVisit);
    } finally {
      other.close();
    }
  });
});

describe('follow-up visits on the dashboard', () => {
  it('marks a follow-up and the earlier visit it replaces as the latest, and asks the follow-up index, not a scan', () => {
    const first = app.consultations.create({ sections: fullSections('Grouped Visits') }).consultation;
    const second = app.consultations.createFollowUp({ consultationId: first.id }).consultation;
    const third = app.consultations.createFollowUp({ consultationId: second.id }).consultation;
    const other = app.consultations.create({ sections: fullSections('Single Visit') }).consultation;
    const byId = new Map(app.consultations.list().items.map((i) => [i.id, i]));
    expect(byId.get(first.id)).toMatchObject({ followUpOf: null, hasLaterVisit: true });
    expect(byId.get(second.id)).toMatchObject({ followUpOf: first.id, hasLaterVisit: true });
    expect(byId.get(third.id)).toMatchObject({ followUpOf: second.id, hasLaterVisit: false });
    expect(byId.get(other.id)).toMatchObject({ followUpOf: null, hasLaterVisit: false });
    // Latest visit per client, asked of the database: whole pages of latest visits, not a filtered page.
    const latest = (cursor?: string) =>
      app.consultations.list({ latestVisits: true, limit: 1, sort: 'business_name', direction: 'asc', ...(cursor ? { cursor } : {}) });
    const page1 = latest();
    const page2 = latest(page1.nextCursor!);
    expect([...page1.items, ...page2.items].map((i) => i.id)).toEqual([third.id, other.id]);
    expect(latest(page2.nextCursor ?? undefined).items.length === 0 || page2.nextCursor === null).toBe(true);
    expect(app.consultations.list({ latestVisits: true, search: 'grouped' }).items.map((i) => i.id)).toEqual([third.id]);
    const plan = app.consultations.explainList({}).join('\n');
    expect(plan).toMatch(/SEARCH f USING (COVERING )?INDEX idx_consultations_follow_up_of/);
  });
});
