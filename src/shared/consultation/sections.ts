import { z } from 'zod';
import { URGENCY_LEVELS } from './fields';

// Two readings of the same four sections (seed: contact_info, business_context, pain_points,
// goals_objectives). The working reading is the record as typed (a half-typed email is kept, only
// HARD_LIMITS refuse); the strict reading is what a saved version must satisfy. Both reject unknown keys.

export const LIMITS = {
  shortText: 200,
  longText: 5000,
  listItems: 50,
  listItem: 300,
  teamSize: 1_000_000,
} as const;

/**
 * The only limits that refuse what a consultant typed, and only for the one field that breaks them: they
 * protect the app (memory, the sync link, the PDF), not the rules. The rules above (LIMITS, formats) are
 * judged for completion and "Save version", never a reason to refuse the working copy.
 */
export const HARD_LIMITS = {
  fieldChars: 100_000,
  listItems: 1_000,
  listItemChars: 10_000,
  /** The four sections as UTF-8 JSON. */
  consultationBytes: 1_000_000,
  notesChars: 100_000,
} as const;

const tooLong = (max: number) => ({ error: `Keep this under ${max.toLocaleString('en-US')} characters` });

const tooLongToKeep = (max: number) => ({
  error: `Too long to keep: at most ${max.toLocaleString('en-US')} characters. The rest of the form is still saved.`,
});
const textRules = {
  strict: {
    short: z.string().max(LIMITS.shortText, tooLong(LIMITS.shortText)),
    long: z.string().max(LIMITS.longText, tooLong(LIMITS.longText)),
    list: z.array(z.string().max(LIMITS.listItem, tooLong(LIMITS.listItem))).max(LIMITS.listItems, { error: `At most ${LIMITS.listItems} entries` }),
  },
  working: {
    short: z.string().max(HARD_LIMITS.fieldChars, tooLongToKeep(HARD_LIMITS.fieldChars)),
    long: z.string().max(HARD_LIMITS.fieldChars, tooLongToKeep(HARD_LIMITS.fieldChars)),
    list: z
      .array(z.string().max(HARD_LIMITS.listItemChars, tooLongToKeep(HARD_LIMITS.listItemChars)))
      .max(HARD_LIMITS.listItems, { error: `Too many entries to keep: at most ${HARD_LIMITS.listItems}` }),
  },
};

// Unicode on both sides (björn@bücher.de is a real address) but a dotted domain with a real top level,
// so "ana@exa" is caught as the typo it usually is. zod's own email patterns are ASCII-only or take "ana@exa".
export const emailPattern = /^(?!\.)(?!.*\.\.)[^\s@"(),:;<>[\]\\]{1,64}(?<!\.)@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}$/u;
const phonePattern = /^\+?[0-9][0-9 ().-]{4,22}[0-9]$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
// A profile link or an @handle: consultants note either.
const socialPattern = /^(@[A-Za-z0-9._-]{1,60}|https?:\/\/\S+)$/;

function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

type Mode = 'working' | 'strict';

function fieldsFor(mode: Mode) {
  const strict = mode === 'strict';
  const shortText = textRules[mode].short;
  const email = strict
    ? z.email({ pattern: emailPattern, error: 'Enter an email address like name@example.com' }).max(LIMITS.shortText, tooLong(LIMITS.shortText))
    : shortText;
  const website = strict
    ? z
        .url({ protocol: /^https?$/, hostname: z.regexes.domain, error: 'Enter a web address like https://example.com' })
        .max(LIMITS.shortText, tooLong(LIMITS.shortText))
    : shortText;
  const phone = strict ? shortText.regex(phonePattern, { error: 'Enter a phone number with digits, spaces, dashes or a leading +' }) : shortText;
  const social = strict ? shortText.regex(socialPattern, { error: 'Enter a profile link (https://…) or an @handle' }) : shortText;
  const teamSize = strict
    ? z
        .number({ error: 'Enter the team size as a whole number' })
        .int({ error: 'Enter the team size as a whole number' })
        .min(1, { error: 'Team size is at least 1' })
        .max(LIMITS.teamSize, { error: 'Team size looks too large' })
    : // While typing the field may hold a half-typed number: keep it, strict parsing reports it.
      z.union([z.number().finite(), shortText]);
  const date = strict ? z.string().refine(isCalendarDate, { error: 'Enter a date as YYYY-MM-DD' }) : shortText;
  return { email, website, phone, social, teamSize, date };
}

function sectionsFor(mode: Mode) {
  const strict = mode === 'strict';
  const t = fieldsFor(mode);
  const { short: shortText, long: longText, list } = textRules[mode];
  const contactInfo = z.strictObject({
    business_name: shortText.optional(),
    contact_person: shortText.optional(),
    email: t.email.optional(),
    phone: t.phone.optional(),
    website: t.website.optional(),
    social_media: z.strictObject({ linkedin: t.social.optional(), facebook: t.social.optional(), instagram: t.social.optional() }).optional(),
  });
  const businessContext = z.strictObject({
    industry: shortText.optional(),
    business_type: shortText.optional(),
    team_size: t.teamSize.optional(),
    current_platform: shortText.optional(),
    digital_presence: list.optional(),
    marketing_channels: list.optional(),
  });
  const painPoints = z.strictObject({
    primary_challenges: list.optional(),
    technical_issues: list.optional(),
    urgency_level: z.enum(URGENCY_LEVELS, { error: 'Choose low, medium, high or critical' }).optional(),
    impact_assessment: longText.optional(),
    current_solution_gaps: list.optional(),
  });
  const timeline = z.strictObject({
    desired_start: t.date.optional(),
    target_completion: t.date.optional(),
    milestones: list.optional(),
  });
  const goalsObjectives = z.strictObject({
    primary_goals: list.optional(),
    secondary_goals: list.optional(),
    success_metrics: list.optional(),
    kpis: list.optional(),
    timeline: (strict
      ? timeline.refine((v) => !v.desired_start || !v.target_completion || v.target_completion >= v.desired_start, {
          error: 'Target completion must be on or after the desired start',
          path: ['target_completion'],
        })
      : timeline
    ).optional(),
    budget_range: shortText.optional(),
    budget_constraints: list.optional(),
  });
  return { contactInfo, businessContext, painPoints, goalsObjectives };
}

const workingShapes = sectionsFor('working');
const strictShapes = sectionsFor('strict');

export const workingSectionSchemas = {
  contact_info: workingShapes.contactInfo,
  business_context: workingShapes.businessContext,
  pain_points: workingShapes.painPoints,
  goals_objectives: workingShapes.goalsObjectives,
} as const;

export const strictSectionSchemas = {
  contact_info: strictShapes.contactInfo,
  business_context: strictShapes.businessContext,
  pain_points: strictShapes.painPoints,
  goals_objectives: strictShapes.goalsObjectives,
} as const;

/** All four sections as the working copy (what the consultant typed) may hold them. */
export const workingSectionsSchema = z.strictObject(workingSectionSchemas);
/** All four sections as a saved version must hold them. */
export const strictSectionsSchema = z.strictObject(strictSectionSchemas);
/** Some of the four sections: what a create call may start from. */
export const workingSectionsPatchSchema = workingSectionsSchema.partial();

/** The schema of one field at a dotted path ("contact_info.social_media.linkedin") in either reading. */
export function fieldSchemaAt(path: string, reading: 'working' | 'strict'): z.ZodType | undefined {
  const [section, ...keys] = path.split('.');
  const roots: Record<string, z.ZodType> = reading === 'working' ? workingSectionSchemas : strictSectionSchemas;
  let node: z.ZodType | undefined = section ? roots[section] : undefined;
  for (const key of keys) {
    while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    node = node instanceof z.ZodObject ? (node.shape as Record<string, z.ZodType>)[key] : undefined;
  }
  return node;
}

export type ContactInfo = z.infer<typeof strictShapes.contactInfo>;
export type BusinessContext = z.infer<typeof strictShapes.businessContext>;
export type PainPoints = z.infer<typeof strictShapes.painPoints>;
export type GoalsObjectives = z.infer<typeof strictShapes.goalsObjectives>;
export type Sections = z.infer<typeof strictSectionsSchema>;
export type WorkingSections = z.infer<typeof workingSectionsSchema>;
export type WorkingSectionsPatch = z.infer<typeof workingSectionsPatchSchema>;

export const EMPTY_SECTIONS: Sections = Object.freeze({
  contact_info: {},
  business_context: {},
  pain_points: {},
  goals_objectives: {},
}) as Sections;
