import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { keys } from '../api/queries';

/** A conflicting value as words (also for the conflicts between windows in IntakeScreen). */
export const showConflictValue = (value: unknown) => (value === null || value === undefined ? 'empty' : Array.isArray(value) ? value.join(', ') : String(value));

/** Fields this laptop and another changed differently: the team's value is in place; keep it or bring back this one. */
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
            <strong>{c.label}</strong>: this device had “{showConflictValue(c.ours)}”, the team has “{showConflictValue(c.theirs)}”.
            {editable && (
              <>
                {' '}
                <button type="button" onClick={() => void resolve(c.id, 'ours')}>Keep this device's</button>{' '}
                <button type="button" onClick={() => void resolve(c.id, 'theirs')}>Keep the team's</button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
