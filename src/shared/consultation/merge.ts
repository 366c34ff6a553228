import { applyFieldChanges, deepEqual, diffFields, type FieldChange } from './diff';
import { canonicalSections } from './normalize';
import type { WorkingSections as Sections } from './sections';

// Three-way merge of two edits made from the same base version (two laptops, offline). A field changed
// on one side only takes that side's value; a field changed on both sides to the same value is agreed; a
// field changed on both sides differently is a conflict: the merged content takes the side that reached
// the team database first ("theirs"), and the conflict is kept for the owner to resolve. Both edits stay
// in the history as versions either way.

export interface FieldConflict {
  path: string;
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

export interface MergeResult {
  merged: Sections;
  conflicts: FieldConflict[];
}

export function mergeSections(base: Sections, ours: Sections, theirs: Sections): MergeResult {
  const oursChanges = new Map(diffFields(base, ours).map((c) => [c.path, c]));
  const theirsChanges = new Map(diffFields(base, theirs).map((c) => [c.path, c]));
  const apply: FieldChange[] = [];
  const conflicts: FieldConflict[] = [];
  for (const [path, change] of oursChanges) {
    const theirsChange = theirsChanges.get(path);
    if (!theirsChange) {
      apply.push(change);
    } else if (!deepEqual(change.after, theirsChange.after)) {
      conflicts.push({ path, base: change.before, ours: change.after, theirs: theirsChange.after });
    }
  }
  // Start from theirs (already on the team database) and bring in what only we changed.
  return { merged: canonicalSections(applyFieldChanges(theirs, apply)), conflicts };
}
