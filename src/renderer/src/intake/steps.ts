import type { SectionKey } from '@shared/consultation/fields';

export const STEPS = [
  { slug: 'contact', section: 'contact_info', title: 'Contact' },
  { slug: 'business', section: 'business_context', title: 'Business' },
  { slug: 'pain-points', section: 'pain_points', title: 'Pain points' },
  { slug: 'goals', section: 'goals_objectives', title: 'Goals' },
  { slug: 'review', section: null, title: 'Review' },
] as const satisfies readonly { slug: string; section: SectionKey | null; title: string }[];

export type StepSlug = (typeof STEPS)[number]['slug'];

export const stepIndex = (slug: string | undefined) =>
  Math.max(
    0,
    STEPS.findIndex((s) => s.slug === slug),
  );
export const stepOfSection = (section: string) => STEPS.find((s) => s.section === section)?.slug ?? 'contact';
