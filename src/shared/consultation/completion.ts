import { FIELDS, getPath, type FieldSpec } from './fields';

// The completion rule, in one place:
// - every field in the catalogue counts once, except fields sharing a group (the three social profiles),
//   which count once together and are filled when any one of them is;
// - text is filled when it has a non-blank character, a list when it has a non-blank entry, a number when set;
// - completion = floor(filled units / all units * 100), so 100 means every unit is filled.
// Completing a consultation needs every essential field (FieldSpec.essential).

export interface MissingField {
  path: string;
  label: string;
  section: FieldSpec['section'];
  essential: boolean;
}

export interface Completion {
  percentage: number;
  missing: MissingField[];
  /** True when every essential field is filled. */
  canComplete: boolean;
}

export function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.some(isFilled);
  return false;
}

interface Unit {
  fields: FieldSpec[];
}

const UNITS: Unit[] = (() => {
  const units: Unit[] = [];
  const groups = new Map<string, Unit>();
  for (const field of FIELDS) {
    if (!field.group) {
      units.push({ fields: [field] });
      continue;
    }
    let unit = groups.get(field.group);
    if (!unit) {
      unit = { fields: [] };
      groups.set(field.group, unit);
      units.push(unit);
    }
    unit.fields.push(field);
  }
  return units;
})();

export const COMPLETION_UNITS = UNITS.length;

/** Completion of a content; fields in `invalid` (answers that break the version rules) do not count. */
export function completionOf(sections: unknown, invalid: ReadonlySet<string> = new Set()): Completion {
  let filled = 0;
  const missing: MissingField[] = [];
  for (const unit of UNITS) {
    if (unit.fields.some((field) => !invalid.has(field.path) && isFilled(getPath(sections, field.path)))) {
      filled += 1;
      continue;
    }
    // A group is reported through its first field: that is where the form leads.
    const first = unit.fields[0]!;
    missing.push({
      path: first.path,
      label: unit.fields.length > 1 ? 'Social media' : first.label,
      section: first.section,
      essential: first.essential,
    });
  }
  return {
    percentage: Math.floor((filled / UNITS.length) * 100),
    missing,
    canComplete: !missing.some((m) => m.essential),
  };
}
