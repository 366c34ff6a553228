import { z } from 'zod';
import { FIELD_BY_PATH, FIELDS, fieldLabel, getPath } from './fields';
import { fieldSchemaAt, HARD_LIMITS, type WorkingSections } from './sections';
import { cleanValue } from './textHygiene';
import { applyFieldChanges, deepEqual } from './diff';
import { canonical, canonicalSections } from './normalize';
import { issuesFromZod, type FieldIssue } from '../errors';

// Autosave sends field edits, not sections: a second window that never touched a field cannot blank it,
// and a field two windows changed differently comes back to the later one as a conflict instead of being
// overwritten. One bad field is refused alone; every other edit in the same save is kept.

export const FIELD_PATHS = FIELDS.map((field) => field.path) as [string, ...string[]];
export const fieldPathSchema = z.enum(FIELD_PATHS, { error: 'Not a field of the intake' });

export const fieldEditSchema = z.strictObject({
  path: fieldPathSchema,
  /** The new value; null or absent clears the field. */
  value: z.unknown().optional(),
  /** What this window last saw in the field (null: empty). Absent: replace whatever is stored. */
  base: z.unknown().optional(),
  /** What this window sent in a save whose answer it never got (the page left): as good a base as `base`. */
  sentBase: z.unknown().optional(),
});
export type FieldEdit = z.infer<typeof fieldEditSchema>;

export const fieldConflictSchema = z.object({
  path: z.string(),
  label: z.string(),
  /** What this window sent. */
  yours: z.unknown(),
  /** What another window (or device) had already saved there. */
  theirs: z.unknown(),
});
export type FieldConflict = z.infer<typeof fieldConflictSchema>;

export interface EditOutcome {
  next: WorkingSections;
  applied: string[];
  rejected: FieldIssue[];
  conflicts: FieldConflict[];
}

/** An empty answer and a missing one are the same answer. */
export function storedForm(value: unknown): unknown {
  const value_ = canonical(value);
  if (value_ === null || value_ === undefined || value_ === '') return undefined;
  if (Array.isArray(value_) && value_.length === 0) return undefined;
  if (typeof value_ === 'object' && !Array.isArray(value_) && Object.keys(value_).length === 0) return undefined;
  return value_;
}

/** UTF-8 size of a string, without Node's Buffer or the DOM's TextEncoder. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const sectionsBytes = (sections: WorkingSections) => utf8Bytes(JSON.stringify(sections));

/** Applies field edits to the working copy, each on its own: refused or conflicting ones leave the rest. */
export function applyEdits(current: WorkingSections, edits: readonly FieldEdit[]): EditOutcome {
  let next = current;
  const outcome: EditOutcome = { next, applied: [], rejected: [], conflicts: [] };
  for (const edit of edits) {
    const multiline = FIELD_BY_PATH.get(edit.path)?.kind === 'longtext';
    const value = storedForm(cleanValue(edit.value, multiline));
    if (value !== undefined) {
      const checked = fieldSchemaAt(edit.path, 'working')?.safeParse(value);
      if (!checked?.success) {
        const issues = checked ? issuesFromZod(checked.error, edit.path.split('.')) : [{ path: edit.path, message: 'Not a field of the intake' }];
        outcome.rejected.push(...issues);
        continue;
      }
    }
    const stored = storedForm(getPath(next, edit.path));
    if (deepEqual(stored, value)) {
      outcome.applied.push(edit.path);
      continue;
    }
    const seen = (base: unknown) => deepEqual(stored, storedForm(cleanValue(base, multiline)));
    if ('base' in edit && !seen(edit.base) && !('sentBase' in edit && seen(edit.sentBase))) {
      outcome.conflicts.push({ path: edit.path, label: fieldLabel(edit.path), yours: value ?? null, theirs: stored ?? null });
      continue;
    }
    const candidate = canonicalSections(applyFieldChanges(next, [{ path: edit.path, after: value }]));
    if (sectionsBytes(candidate) > HARD_LIMITS.consultationBytes) {
      outcome.rejected.push({
        path: edit.path,
        message: `This consultation is at its size limit (${HARD_LIMITS.consultationBytes / 1_000_000} MB), so this field was not saved. Shorten it or another long field.`,
      });
      continue;
    }
    next = candidate;
    outcome.applied.push(edit.path);
  }
  outcome.next = next;
  return outcome;
}

/** Content from outside (the team database, an import file) cleaned as typed text is: every field. */
export function cleanSections<T extends WorkingSections>(sections: T): T {
  let out = sections;
  for (const field of FIELDS) {
    const value = getPath(out, field.path);
    if (value === undefined) continue;
    const cleaned = cleanValue(value, field.kind === 'longtext');
    if (!deepEqual(cleaned, value)) out = applyFieldChanges(out, [{ path: field.path, after: cleaned }]);
  }
  return out;
}

/** Edits that make every field of the given sections what they hold there (fields left out are cleared). */
export function editsForSections(sections: Partial<Record<string, unknown>>): FieldEdit[] {
  return FIELDS.filter((field) => field.section in sections).map((field) => ({ path: field.path, value: getPath(sections, field.path) ?? null }));
}
