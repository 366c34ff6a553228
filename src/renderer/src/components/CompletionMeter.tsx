import type { z } from 'zod';
import type { completionSchema } from '@shared/consultation/model';
import { SECTION_LABELS, type SectionKey } from '@shared/consultation/fields';

type Completion = z.infer<typeof completionSchema>;

/** How complete the intake is, and what is missing: each item leads to its field. */
export function CompletionMeter({ completion, onGoTo }: { completion: Completion; onGoTo: (path: string) => void }) {
  const essentials = completion.missing.filter((m) => m.essential);
  const others = completion.missing.filter((m) => !m.essential);
  return (
    <section className="completion" aria-labelledby="completion-title">
      <h2 id="completion-title">
        Completion <span className="pct">{completion.percentage}%</span>
      </h2>
      <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={completion.percentage} aria-label="Completion">
        <div style={{ width: `${completion.percentage}%` }} />
      </div>
      {completion.missing.length === 0 ? (
        <p className="muted">Everything is filled in.</p>
      ) : (
        <>
          {essentials.length > 0 && <MissingList title="Needed to complete" items={essentials} onGoTo={onGoTo} />}
          {others.length > 0 && <MissingList title="Still open" items={others} onGoTo={onGoTo} />}
        </>
      )}
    </section>
  );
}

function MissingList({ title, items, onGoTo }: { title: string; items: Completion['missing']; onGoTo: (path: string) => void }) {
  return (
    <>
      <h3>{title}</h3>
      <ul className="missing">
        {items.map((item) => (
          <li key={item.path}>
            <button type="button" className="link" onClick={() => onGoTo(item.path)}>
              {item.label}
              <span className="muted"> · {SECTION_LABELS[item.section as SectionKey]}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
