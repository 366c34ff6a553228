import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyFieldChanges, diffFields, summarizeChanges } from './diff';
import { canonical, canonicalSections } from './normalize';
import { fullSections, sectionsArb } from '../../../test/arbitraries';

const jsonObject = fc
  .dictionary(
    fc.constantFrom('a', 'b', 'c', 'd'),
    fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.integer(),
      fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.oneof(fc.string({ maxLength: 3 }), fc.boolean()), { maxKeys: 3 }),
    ),
    { maxKeys: 4 },
  )
  .map((o) => canonical(o));

describe('field-path diff', () => {
  it('names changed fields by dotted path, lists as one field', () => {
    const before = fullSections();
    const after = structuredClone(before);
    after.contact_info.email = 'new@acme-bakery.com';
    after.contact_info.social_media = { linkedin: 'https://linkedin.com/company/acme-bakery' };
    after.goals_objectives.kpis = ['Weekly manual fixes', 'NPS'];
    delete after.business_context.team_size;
    expect(diffFields(before, after)).toEqual([
      { path: 'business_context.team_size', before: 42 },
      { path: 'contact_info.email', before: 'maria@acme-bakery.com', after: 'new@acme-bakery.com' },
      { path: 'contact_info.social_media.instagram', before: '@acmebakes' },
      { path: 'goals_objectives.kpis', before: ['Weekly manual fixes'], after: ['Weekly manual fixes', 'NPS'] },
    ]);
  });

  it('names each field inside a nested object that appears or disappears whole', () => {
    const before = { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} };
    const after = { ...before, goals_objectives: { timeline: { desired_start: '2027-01-01', milestones: ['a'] } } };
    expect(diffFields(before, after).map((c) => c.path)).toEqual(['goals_objectives.timeline.desired_start', 'goals_objectives.timeline.milestones']);
    expect(diffFields(after, before).map((c) => c.path)).toEqual(['goals_objectives.timeline.desired_start', 'goals_objectives.timeline.milestones']);
  });

  it('summarises changes per section in the form order', () => {
    expect(summarizeChanges(['goals_objectives.kpis', 'contact_info.email', 'contact_info.phone'])).toBe('Contact: Email, Phone · Goals: KPIs');
    expect(summarizeChanges(['status'])).toBe('Status');
    expect(summarizeChanges([])).toBe('No changes');
  });

  it('property: diff(a, b) applied to a gives b (any canonical JSON objects)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        expect(applyFieldChanges(a, diffFields(a, b))).toEqual(b);
        expect(diffFields(a, a)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: diff(a, b) applied to a gives b (generated intakes), and reversed gives a', () => {
    fc.assert(
      fc.property(sectionsArb, sectionsArb, (a, b) => {
        expect(canonicalSections(applyFieldChanges(a, diffFields(a, b)))).toEqual(b);
        expect(canonicalSections(applyFieldChanges(b, diffFields(b, a)))).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });
});
