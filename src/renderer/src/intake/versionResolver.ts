import type { FieldErrors, Resolver } from 'react-hook-form';
import { strictSectionsSchema, type WorkingSections } from '@shared/consultation/sections';
import { normalizeForVersion } from '@shared/consultation/normalize';
import { issuesFromZod, type FieldIssue } from '@shared/errors';
import { fieldPathOf } from '@shared/consultation/fields';

export { fieldPathOf };

/** Puts field issues into react-hook-form's nested error shape. */
export function toFieldErrors(issues: FieldIssue[]): FieldErrors<WorkingSections> {
  const errors: Record<string, unknown> = {};
  for (const issue of issues) {
    const keys = fieldPathOf(issue.path).split('.');
    let node = errors;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const leaf = keys[keys.length - 1]!;
    if (!node[leaf]) node[leaf] = { type: 'validate', message: issue.message };
  }
  return errors as FieldErrors<WorkingSections>;
}

/**
 * The version rules from src/shared, applied to what is typed as it would be saved (trimmed, normalised).
 * The form keeps the raw values: autosave stores work in progress, these errors only guide and gate
 * "Save version".
 */
export const versionResolver: Resolver<WorkingSections> = (values) => {
  const result = strictSectionsSchema.safeParse(normalizeForVersion(values));
  if (result.success) return { values, errors: {} };
  return { values: {}, errors: toFieldErrors(issuesFromZod(result.error)) };
};
