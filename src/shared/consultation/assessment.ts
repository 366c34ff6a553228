import { completionOf, type Completion } from './completion';
import { fieldPathOf } from './fields';
import { normalizeForVersion } from './normalize';
import { strictSectionsSchema, type WorkingSections } from './sections';
import { issuesFromZod, type FieldIssue } from '../errors';

/** Answers that break the version rules (they are kept, shown at the field, and block "Save version"). */
export function versionIssues(sections: WorkingSections): FieldIssue[] {
  const result = strictSectionsSchema.safeParse(normalizeForVersion(sections));
  return result.success ? [] : issuesFromZod(result.error);
}

/** How complete the working copy is, counting only valid answers, and what is wrong where. */
export function assess(sections: WorkingSections): { completion: Completion; issues: FieldIssue[] } {
  const issues = versionIssues(sections);
  return { completion: completionOf(sections, new Set(issues.map((issue) => fieldPathOf(issue.path)))), issues };
}
