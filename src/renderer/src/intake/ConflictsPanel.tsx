import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { keys } from '../api/queries';

/** A conflicting value as words (also for the conflicts between windows in IntakeScreen). */
export const showConflictValue = (value: unknown) =>
  value === null || value === undefined ? 'empty' : Array.isArray(value) ? value.join(', ') : String(value);

/**
 * Fields two devices changed differently: the value that reached the team first is in place; keep it or use
 * the other. Worded without "this device": the conflict travels to the owner's other laptops too.
 */
export function ConflictsPanel({ consultationId, editable }: { consultationId: string; editable: boolean }) {
  const api = useApi();
  const client = useQueryClient();
  const conflicts = useQuery({ queryKey: ['consultations.conflicts', consultationId], queryFn: () => api.call('consultations.conflicts', { consultationId }) });
  if (!conflicts.data?.length) return null;
  const resolve = async (conflictId: string, keep: 'ours' | 'theirs') => {
    await api.call('consultations.resolveConflict', { conflictId, keep });
    await client.invalidateQueries({ queryKey: ['consultations.conflicts', consultationId] });
    await client.invalidateQueries({ queryKey: keys.consultation(consultationId) });
    await client.invalidateQueries({ queryKey: keys.versions(consultationId) });
  };
  return (
    <section className="notice conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Changed on two devices</h2>
      <p>Both versions are in the history. The value shown is the one that reached the team first; choose what stays.</p>
      <ul>
        {conflicts.data.map((c) => (
          <li key={c.id}>
            <strong>{c.label}</strong>: now “{showConflictValue(c.theirs)}”; the other device had “{showConflictValue(c.ours)}”.
            {editable && (
              <>
                {' '}
                <button type="button" onClick={() => void resolve(c.id, 'theirs')}>
                  Keep the current value
                </button>{' '}
                <button type="button" onClick={() => void resolve(c.id, 'ours')}>
                  Use the other value
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
