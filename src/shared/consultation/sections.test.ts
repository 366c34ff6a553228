import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HARD_LIMITS, workingSectionsSchema, LIMITS, strictSectionsSchema } from './sections';
import { normalizeForVersion } from './normalize';
import { issuesFromZod } from '../errors';
import { fullSections, sectionsArb } from '../../../test/arbitraries';

const withContact = (contact: Record<string, unknown>) => ({ ...fullSections(), contact_info: { ...fullSections().contact_info, ...contact } });

function strictIssues(value: unknown) {
  const result = strictSectionsSchema.safeParse(value);
  return result.success ? [] : issuesFromZod(result.error);
}

describe('section schemas', () => {
  it('accepts a full intake under the version rules', () => {
    expect(strictIssues(fullSections())).toEqual([]);
  });

  it.each(['ana', 'ana@', 'ana@example', '@example.com', 'ana @example.com', 'ana@exa mple.com', '.ana@example.com', 'an..a@example.com'])(
    'rejects the email %j with a message a person understands',
    (email) => {
      expect(strictIssues(withContact({ email }))).toEqual([{ path: 'contact_info.email', message: 'Enter an email address like name@example.com' }]);
    },
  );

  it('rejects websites that are not web links, phones without digits, and malformed social handles', () => {
    const issues = strictIssues(withContact({ website: 'ftp://files.acme.com', phone: 'call me', social_media: { linkedin: 'not a link' } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['contact_info.phone', 'contact_info.social_media.linkedin', 'contact_info.website']);
    expect(issues.find((i) => i.path === 'contact_info.phone')!.message).toMatch(/phone number/);
  });

  it('requires a whole, positive, plausible team size', () => {
    for (const team_size of [0, -3, 2.5, 10_000_000]) {
      const issues = strictIssues({ ...fullSections(), business_context: { team_size } });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe('business_context.team_size');
    }
  });

  it('rejects impossible dates and a target before the start', () => {
    const bad = strictIssues({ ...fullSections(), goals_objectives: { timeline: { desired_start: '2027-02-30' } } });
    expect(bad).toEqual([{ path: 'goals_objectives.timeline.desired_start', message: 'Enter a date as YYYY-MM-DD' }]);
    const reversed = strictIssues({
      ...fullSections(),
      goals_objectives: { timeline: { desired_start: '2027-05-01', target_completion: '2027-04-01' } },
    });
    expect(reversed).toEqual([{ path: 'goals_objectives.timeline.target_completion', message: 'Target completion must be on or after the desired start' }]);
  });

  it('rejects unknown keys at every level, in both readings', () => {
    for (const schema of [workingSectionsSchema, strictSectionsSchema]) {
      const top = schema.safeParse({ ...fullSections(), notes: 'x' });
      expect(top.success).toBe(false);
      const nested = schema.safeParse({ ...fullSections(), contact_info: { social_media: { tiktok: '@a' } } });
      expect(nested.success).toBe(false);
      expect(issuesFromZod(nested.error!)[0]).toEqual({ path: 'contact_info.social_media', message: 'Unknown field: tiktok' });
    }
  });

  it('bounds every string and list: the rules for a version, the hard limits for the working copy', () => {
    const cases = [
      { schema: strictSectionsSchema, short: LIMITS.shortText, long: LIMITS.longText, items: LIMITS.listItems, item: LIMITS.listItem },
      {
        schema: workingSectionsSchema,
        short: HARD_LIMITS.fieldChars,
        long: HARD_LIMITS.fieldChars,
        items: HARD_LIMITS.listItems,
        item: HARD_LIMITS.listItemChars,
      },
    ];
    for (const { schema, short, long, items, item } of cases) {
      const at = (over: number) => ({
        ...fullSections(),
        contact_info: { business_name: 'x'.repeat(short + over) },
        goals_objectives: { primary_goals: Array.from({ length: items + over }, (_, i) => `goal ${i}`), kpis: ['y'.repeat(item + over)] },
        pain_points: { impact_assessment: 'z'.repeat(long + over) },
      });
      expect(schema.safeParse(at(0)).success).toBe(true);
      const result = schema.safeParse(at(1));
      expect(result.success).toBe(false);
      const paths = issuesFromZod(result.error!)
        .map((i) => i.path)
        .sort();
      expect(paths).toEqual(['contact_info.business_name', 'goals_objectives.kpis.0', 'goals_objectives.primary_goals', 'pain_points.impact_assessment']);
    }
  });

  it('lets a draft hold work in progress that a version refuses', () => {
    const draft = { ...fullSections(), contact_info: { email: 'ana@exa' }, business_context: { team_size: '4' } };
    expect(workingSectionsSchema.safeParse(draft).success).toBe(true);
    expect(strictIssues(draft).map((i) => i.path)).toEqual(['contact_info.email', 'business_context.team_size']);
  });

  it('normalises text only when a version is saved: trims, drops blanks, reads typed numbers, adds https', () => {
    const normalized = normalizeForVersion({
      contact_info: { business_name: '  Acme  ', phone: '   ', website: 'acme.com' },
      business_context: { team_size: '1,200', digital_presence: [' Web ', '', '  '] },
      pain_points: {},
      goals_objectives: { timeline: { milestones: [' '] } },
    });
    expect(normalized).toEqual({
      contact_info: { business_name: 'Acme', website: 'https://acme.com' },
      business_context: { team_size: 1200, digital_presence: ['Web'] },
      pain_points: {},
      goals_objectives: {},
    });
    expect(strictIssues(normalized)).toEqual([]);
  });

  it('property: every generated valid intake passes both readings and survives normalisation unchanged', () => {
    fc.assert(
      fc.property(sectionsArb, (sections) => {
        expect(strictSectionsSchema.safeParse(sections).success).toBe(true);
        expect(workingSectionsSchema.safeParse(sections).success).toBe(true);
        expect(normalizeForVersion(sections)).toEqual(sections);
      }),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary junk never throws, and whatever is accepted is an object of the four sections', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true }), (junk) => {
        for (const schema of [workingSectionsSchema, strictSectionsSchema]) {
          const result = schema.safeParse(junk);
          if (result.success) expect(Object.keys(result.data).sort()).toEqual(Object.keys(junk as object).sort());
          else expect(issuesFromZod(result.error).every((i) => typeof i.message === 'string' && i.message.length > 0)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
