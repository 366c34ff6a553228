import { fieldLabel } from './fields';
import type { FieldChange } from './diff';

// "Since last visit": a follow-up's changed fields as words, one line each, for the Review step and the PDF.

/** A field's value as one short line: lists joined, nothing as a dash. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : '—';
  return String(value);
}

export interface VisitChangeLine {
  path: string;
  label: string;
  before: string;
  after: string;
}

export function sinceLastVisitLines(changes: readonly FieldChange[]): VisitChangeLine[] {
  return changes.map((c) => ({ path: c.path, label: fieldLabel(c.path), before: valueText(c.before), after: valueText(c.after) }));
}
