import { useWatch, type Control } from 'react-hook-form';
import type { WorkingSections } from '@shared/consultation/sections';
import type { ConsultationDetail } from '@shared/consultation/model';
import { applyFieldChanges, deepEqual, diffFields } from '@shared/consultation/diff';
import { getPath } from '@shared/consultation/fields';
import { isFilled } from '@shared/consultation/completion';
import { sinceLastVisitLines, valueText } from '@shared/consultation/visits';

// A follow-up visit compared, live, with the visit before it: marks at the fields, and the Review list.

/** The earlier visit's content, rebuilt from the working copy and the changes the main process reported. */
export function lastVisitContent(detail: ConsultationDetail): WorkingSections | null {
  const since = detail.sinceLastVisit;
  if (!since) return null;
  return applyFieldChanges(
    detail.consultation.sections,
    since.changes.map((c) => ({ path: c.path, after: c.before })),
  );
}

/** Under a field: unchanged since the last visit, or what it was then. */
export function LastVisitMark({ control, path, previous }: { control: Control<WorkingSections>; path: string; previous: WorkingSections }) {
  const value = useWatch({ control, name: path as never }) as unknown;
  const before = getPath(previous, path);
  const same = deepEqual(isFilled(value) ? value : undefined, isFilled(before) ? before : undefined);
  if (same && !isFilled(before)) return null;
  return same ? (
    <small className="since-mark unchanged">Unchanged since last visit</small>
  ) : (
    <small className="since-mark changed">Last visit: {valueText(before)}</small>
  );
}

/** Review: every field changed since the last visit, old -> new. */
export function SinceLastVisit({ control, previous }: { control: Control<WorkingSections>; previous: WorkingSections }) {
  const values = useWatch({ control }) as WorkingSections;
  const lines = sinceLastVisitLines(diffFields(previous, values).filter((c) => isFilled(c.before) || isFilled(c.after)));
  return (
    <section className="since-last-visit" aria-labelledby="since-last-visit-title">
      <h3 id="since-last-visit-title">Since last visit</h3>
      {lines.length === 0 ? (
        <p className="muted">Nothing changed since the last visit.</p>
      ) : (
        <ul>
          {lines.map((l) => (
            <li key={l.path}>
              <strong>{l.label}:</strong> <del>{l.before}</del> → <ins>{l.after}</ins>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
