import { stringify } from 'csv-stringify/sync';
import { FIELDS, fieldLabel, getPath } from '@shared/consultation/fields';
import { STATUS_LABELS } from '@shared/consultation/status';
import type { Consultation } from '@shared/consultation/model';

// One row per consultation, one column per field, lists joined readably. Cells a spreadsheet would run as
// a formula (starting with = + - @, tab or carriage return) get a leading apostrophe (OWASP's advice).

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join('; ');
  return String(value);
}

export const CSV_COLUMNS = ['Id', 'Status', 'Completion %', 'Version', 'Owner', 'Created', 'Updated', 'Completed', ...FIELDS.map((f) => fieldLabel(f.path))];

export function consultationsCsv(rows: Consultation[]): string {
  const records = rows.map((c) =>
    [
      c.id,
      STATUS_LABELS[c.status],
      String(c.completionPercentage),
      String(c.currentVersion),
      c.ownerName ?? '',
      c.createdAt,
      c.updatedAt,
      c.completedAt ?? '',
      ...FIELDS.map((f) => cell(getPath(c.sections, f.path))),
    ].map(neutralizeFormula),
  );
  // A byte-order mark so spreadsheet apps read the file as UTF-8 (accents, CJK).
  return `\uFEFF${stringify([CSV_COLUMNS, ...records], { record_delimiter: 'windows' })}`;
}
