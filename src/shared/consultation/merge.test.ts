import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeSections } from './merge';
import { diffFields } from './diff';
import { fullSections, sectionsArb } from '../../../test/arbitraries';

describe('three-way merge', () => {
  it('takes fields changed on one side, agrees on equal changes, and flags different changes', () => {
    const base = fullSections();
    const ours = structuredClone(base);
    const theirs = structuredClone(base);
    ours.contact_info.phone = '+1 555 0001'; // only ours
    theirs.business_context.team_size = 50; // only theirs
    ours.pain_points.urgency_level = 'critical'; // both, same
    theirs.pain_points.urgency_level = 'critical';
    ours.contact_info.email = 'ours@acme-bakery.com'; // both, different
    theirs.contact_info.email = 'theirs@acme-bakery.com';
    const { merged, conflicts } = mergeSections(base, ours, theirs);
    expect(merged.contact_info.phone).toBe('+1 555 0001');
    expect(merged.business_context.team_size).toBe(50);
    expect(merged.pain_points.urgency_level).toBe('critical');
    expect(merged.contact_info.email).toBe('theirs@acme-bakery.com');
    expect(conflicts).toEqual([{ path: 'contact_info.email', base: 'maria@acme-bakery.com', ours: 'ours@acme-bakery.com', theirs: 'theirs@acme-bakery.com' }]);
  });

  it('property: without overlapping changes the merge holds both edits, whichever side is "theirs"', () => {
    fc.assert(
      fc.property(sectionsArb, sectionsArb, sectionsArb, (base, a, b) => {
        const aPaths = new Set(diffFields(base, a).map((c) => c.path));
        const overlap = diffFields(base, b).some((c) => aPaths.has(c.path));
        const one = mergeSections(base, a, b);
        const two = mergeSections(base, b, a);
        if (!overlap) {
          expect(one.conflicts).toEqual([]);
          expect(one.merged).toEqual(two.merged);
          for (const c of diffFields(base, a)) expect(diffFields(one.merged, a).map((d) => d.path)).not.toContain(c.path);
        }
        // Every conflict is a field both sides changed, differently.
        for (const conflict of one.conflicts) expect(conflict.ours).not.toEqual(conflict.theirs);
        expect(mergeSections(base, a, a).merged).toEqual(a);
        expect(mergeSections(base, base, b).merged).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });
});
