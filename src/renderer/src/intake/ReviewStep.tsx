import { useFormContext, useWatch } from 'react-hook-form';
import type { WorkingSections } from '@shared/consultation/sections';
import { FIELDS, SECTION_KEYS, SECTION_LABELS, getPath, type UrgencyLevel } from '@shared/consultation/fields';
import { URGENCY_LABELS } from '../app/labels';
import { isFilled } from '@shared/consultation/completion';

/** Everything entered, section by section, with a way back to each field and the note for the next version. */
export function ReviewStep({
  editable,
  note,
  onNote,
  onEdit,
}: {
  editable: boolean;
  note: string;
  onNote: (v: string) => void;
  onEdit: (path: string) => void;
}) {
  const { control } = useFormContext<WorkingSections>();
  const values = useWatch({ control }) as WorkingSections;
  return (
    <div className="review">
      {SECTION_KEYS.map((section) => (
        <section key={section} aria-labelledby={`review-${section}`}>
          <h3 id={`review-${section}`}>{SECTION_LABELS[section]}</h3>
          <dl>
            {FIELDS.filter((f) => f.section === section).map((field) => {
              const value = getPath(values, field.path);
              return (
                <div key={field.path} className="review-row">
                  <dt>{field.label}</dt>
                  <dd>
                    <span className="review-value">
                      {isFilled(value) ? (
                        Array.isArray(value) ? (
                          <ul>
                            {value.filter(isFilled).map((item, i) => (
                              <li key={i}>{String(item)}</li>
                            ))}
                          </ul>
                        ) : field.kind === 'urgency' ? (
                          (URGENCY_LABELS[value as UrgencyLevel] ?? String(value))
                        ) : (
                          String(value)
                        )
                      ) : (
                        <span className="muted">Not filled in</span>
                      )}
                    </span>
                    {editable && (
                      <button type="button" className="link" onClick={() => onEdit(field.path)} aria-label={`Edit ${field.label}`}>
                        Edit
                      </button>
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
      {editable && (
        <div className="field wide">
          <label htmlFor="version-note">Note for this version (optional)</label>
          <textarea id="version-note" rows={3} value={note} onChange={(e) => onNote(e.target.value)} placeholder="e.g. After the second call with the owner" />
        </div>
      )}
    </div>
  );
}
