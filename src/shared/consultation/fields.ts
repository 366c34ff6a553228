// The one catalogue of intake fields. Completion, "what is missing", change summaries, the forms, the PDF
// and the CSV export all read it, so a field is added in one place.

export const SECTION_KEYS = ['contact_info', 'business_context', 'pain_points', 'goals_objectives'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export const SECTION_LABELS: Record<SectionKey, string> = {
  contact_info: 'Contact',
  business_context: 'Business',
  pain_points: 'Pain points',
  goals_objectives: 'Goals',
};

export type FieldKind = 'text' | 'longtext' | 'email' | 'url' | 'phone' | 'social' | 'integer' | 'list' | 'urgency' | 'date';

export interface FieldSpec {
  /** Field path, e.g. `contact_info.social_media.linkedin`. */
  path: string;
  section: SectionKey;
  label: string;
  kind: FieldKind;
  /** Needed before a consultation can be marked completed. */
  essential: boolean;
  /** Fields sharing a group count once towards completion (any one filled fills the group). */
  group?: string;
}

const f = (path: string, label: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path,
  section: path.split('.')[0] as SectionKey,
  label,
  kind,
  essential: false,
  ...extra,
});

export const FIELDS: readonly FieldSpec[] = [
  f('contact_info.business_name', 'Business name', 'text', { essential: true }),
  f('contact_info.contact_person', 'Contact person', 'text', { essential: true }),
  f('contact_info.email', 'Email', 'email', { essential: true }),
  f('contact_info.phone', 'Phone', 'phone'),
  f('contact_info.website', 'Website', 'url'),
  f('contact_info.social_media.linkedin', 'LinkedIn', 'social', { group: 'social_media' }),
  f('contact_info.social_media.facebook', 'Facebook', 'social', { group: 'social_media' }),
  f('contact_info.social_media.instagram', 'Instagram', 'social', { group: 'social_media' }),
  f('business_context.industry', 'Industry', 'text', { essential: true }),
  f('business_context.business_type', 'Business type', 'text'),
  f('business_context.team_size', 'Team size', 'integer'),
  f('business_context.current_platform', 'Current platform', 'text'),
  f('business_context.digital_presence', 'Digital presence', 'list'),
  f('business_context.marketing_channels', 'Marketing channels', 'list'),
  f('pain_points.primary_challenges', 'Primary challenges', 'list', { essential: true }),
  f('pain_points.technical_issues', 'Technical issues', 'list'),
  f('pain_points.urgency_level', 'Urgency', 'urgency', { essential: true }),
  f('pain_points.impact_assessment', 'Impact assessment', 'longtext'),
  f('pain_points.current_solution_gaps', 'Current solution gaps', 'list'),
  f('goals_objectives.primary_goals', 'Primary goals', 'list', { essential: true }),
  f('goals_objectives.secondary_goals', 'Secondary goals', 'list'),
  f('goals_objectives.success_metrics', 'Success metrics', 'list'),
  f('goals_objectives.kpis', 'KPIs', 'list'),
  f('goals_objectives.timeline.desired_start', 'Desired start', 'date'),
  f('goals_objectives.timeline.target_completion', 'Target completion', 'date'),
  f('goals_objectives.timeline.milestones', 'Milestones', 'list'),
  f('goals_objectives.budget_range', 'Budget range', 'text'),
  f('goals_objectives.budget_constraints', 'Budget constraints', 'list'),
];

export const FIELD_BY_PATH: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((field) => [field.path, field]));

export const URGENCY_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type UrgencyLevel = (typeof URGENCY_LEVELS)[number];

/** Suggested budget ranges for the choice input; free text is accepted too. */
export const BUDGET_RANGES = ['Under $5k', '$5k–$15k', '$15k–$50k', '$50k–$150k', 'Over $150k'] as const;

/** Reads a dotted path out of a nested object. */
export function getPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The form field an issue belongs to: a list entry ("field.3") is reported on the list field itself. */
export function fieldPathOf(issuePath: string): string {
  const keys = issuePath.split('.');
  while (keys.length > 1 && /^\d+$/.test(keys[keys.length - 1]!)) keys.pop();
  return keys.join('.');
}

/** A label a person reads for a path: "Contact › Email". */
export function fieldLabel(path: string): string {
  const spec = FIELD_BY_PATH.get(path);
  if (spec) return `${SECTION_LABELS[spec.section]} › ${spec.label}`;
  if (path === 'status') return 'Status';
  return path;
}
