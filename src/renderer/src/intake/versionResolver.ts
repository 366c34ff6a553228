import type { FieldErrors, Resolver } from 'react-hook-form';
import { strictSectionsSchema, type DraftSections } from '../../../shared/consultation/sections';
import { normalizeForVersion } from '../../../shared/consultation/normalize';
import { issuesFromZod, type FieldIssue } from '../../../shared/errors';

/** The form field an issue belongs to: a list entry ("field.3") is shown on the list field itself. */
export function fieldPathOf(issuePath: string): string {
  const keys = issuePath.split('.');
  while (keys.length > 1 && /^\d+$/.test(keys[keys.length - 1]!)) keys.pop();
  return keys.join('.');
}

/** Puts field issues into react-hook-form's nested error shape. */
export function toFieldErrors(issues: FieldIssue[]): FieldErrors<DraftSections> {
  const errors: Record<string, unknown> = {};
  for (const issue of issues) {
    const keys = fieldPathOf(issue.path).split('.');
    let node = errors;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const leaf = keys[keys.length - 1]!;
    if (!node[leaf]) node[leaf] = { type: 'validate', message: issue.message };
  }
  return errors as FieldErrors<DraftSections>;
}

/**
 * The version rules from src/shared, applied to what is typed as it would be saved (trimmed, normalised).
 * The form keeps the raw values: autosave stores work in progress, these errors only guide and gate
 * "Save version".
 */
export const versionResolver: Resolver<DraftSections> = (values) => {
  const result = strictSectionsSchema.safeParse(normalizeForVersion(values));
  if (result.success) return { values, errors: {} };
  return { values: {}, errors: toFieldErrors(issuesFromZod(result.error)) };
};
