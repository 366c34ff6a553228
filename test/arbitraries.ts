import fc from 'fast-check';
import { URGENCY_LEVELS } from '@shared/consultation/fields';
import type { Sections } from '@shared/consultation/sections';

// Generators of valid, canonical section content (trimmed, no blanks, no empty objects).

const word = fc.stringMatching(/^[A-Za-zÀ-ÿΑ-ωА-я0-9]{1,12}$/);
const text = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
const list = fc.array(text, { minLength: 1, maxLength: 4 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const date = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

function prune<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (child && typeof child === 'object' && !Array.isArray(child)) {
      const inner = prune(child);
      if (Object.keys(inner).length === 0) continue;
      out[key] = inner;
    } else out[key] = child;
  }
  return out as T;
}

export const sectionsArb: fc.Arbitrary<Sections> = fc
  .record({
    contact_info: fc.record({
      business_name: opt(text),
      contact_person: opt(text),
      email: opt(fc.constantFrom('ana@example.com', 'björn.s@firma.de', 'li+intake@shop.cn', 'o.p@agency.co.uk')),
      phone: opt(fc.constantFrom('+1 555 0100', '020 7946 0958', '+49 (30) 123-4567')),
      website: opt(fc.constantFrom('https://acme.com', 'http://bakery.example.org/menu')),
      social_media: opt(
        fc.record({
          linkedin: opt(fc.constantFrom('https://linkedin.com/company/acme', '@acme')),
          facebook: opt(fc.constant('@acme.bakes')),
          instagram: opt(fc.constant('https://instagram.com/acme')),
        }),
      ),
    }),
    business_context: fc.record({
      industry: opt(text),
      business_type: opt(text),
      team_size: opt(fc.integer({ min: 1, max: 5000 })),
      current_platform: opt(text),
      digital_presence: opt(list),
      marketing_channels: opt(list),
    }),
    pain_points: fc.record({
      primary_challenges: opt(list),
      technical_issues: opt(list),
      urgency_level: opt(fc.constantFrom(...URGENCY_LEVELS)),
      impact_assessment: opt(text),
      current_solution_gaps: opt(list),
    }),
    goals_objectives: fc.record({
      primary_goals: opt(list),
      secondary_goals: opt(list),
      success_metrics: opt(list),
      kpis: opt(list),
      timeline: opt(
        fc.tuple(date, date).chain(([a, b]) =>
          fc.record({
            desired_start: opt(fc.constant(a < b ? a : b)),
            target_completion: opt(fc.constant(a < b ? b : a)),
            milestones: opt(list),
          }),
        ),
      ),
      budget_range: opt(text),
      budget_constraints: opt(list),
    }),
  })
  .map((s) => {
    const pruned = prune(s) as Partial<Sections>;
    return {
      contact_info: pruned.contact_info ?? {},
      business_context: pruned.business_context ?? {},
      pain_points: pruned.pain_points ?? {},
      goals_objectives: pruned.goals_objectives ?? {},
    };
  });

/** A complete intake that satisfies every essential field. */
export function fullSections(name = 'Acme Bakery'): Sections {
  return {
    contact_info: {
      business_name: name,
      contact_person: 'María José Núñez',
      email: 'maria@acme-bakery.com',
      phone: '+34 912 345 678',
      website: 'https://acme-bakery.com',
      social_media: { linkedin: 'https://linkedin.com/company/acme-bakery', instagram: '@acmebakes' },
    },
    business_context: {
      industry: 'Food & Beverage',
      business_type: 'Bakery chain',
      team_size: 42,
      current_platform: 'Shopify',
      digital_presence: ['Website', 'Instagram'],
      marketing_channels: ['Email', 'Local press'],
    },
    pain_points: {
      primary_challenges: ['Online orders are lost between systems'],
      technical_issues: ['Inventory does not sync with the POS'],
      urgency_level: 'high',
      impact_assessment: 'About 8% of weekend orders need manual fixes.',
      current_solution_gaps: ['No single view of stock'],
    },
    goals_objectives: {
      primary_goals: ['One order pipeline for shop and web'],
      secondary_goals: ['Loyalty program'],
      success_metrics: ['Order errors under 1%'],
      kpis: ['Weekly manual fixes'],
      timeline: { desired_start: '2027-01-15', target_completion: '2027-06-30', milestones: ['Pilot in one store'] },
      budget_range: '$15k–$50k',
      budget_constraints: ['Spread over two quarters'],
    },
  };
}
