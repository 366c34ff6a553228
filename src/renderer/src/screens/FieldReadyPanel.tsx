import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import type { ReadinessItem } from '@shared/fieldReadiness';
import { ErrorNotice } from '../components/ErrorNotice';

const KEY = ['settings.fieldReadiness'] as const;

/** Settings › Ready for the field: each check green, or red with the one thing that fixes it. */
export function FieldReadyPanel() {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery({ queryKey: KEY, queryFn: () => api.call('settings.fieldReadiness', undefined) });
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  // A sync that finishes (or fails) changes two of the checks: read them again.
  useEffect(() => api.on('sync.status', () => void client.invalidateQueries({ queryKey: KEY })), [api, client]);

  const fix = async (item: ReadinessItem) => {
    const kind = item.action?.kind;
    setFailure(null);
    setBusy(item.check);
    try {
      if (kind === 'sync.now') await api.call('sync.now', undefined);
      if (kind === 'backup.now') client.setQueryData(KEY, await api.call('settings.fieldReadiness', { fix: 'backup' }));
      if (kind === 'sync.setup') document.getElementById('sync-url')?.focus();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
      await client.invalidateQueries({ queryKey: KEY });
    }
  };

  return (
    <section className="card field-ready" aria-labelledby="field-ready-title">
      <h2 id="field-ready-title">Ready for the field</h2>
      {query.isError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && (
        <>
          <p role="status">{query.data.ready ? 'This laptop is ready for a day in the field.' : 'Some things need attention before a day in the field.'}</p>
          <ul className="readiness">
            {query.data.items.map((item) => (
              <li key={item.check} className={item.ok ? 'ready-ok' : 'ready-bad'} aria-label={`${item.label}: ${item.ok ? 'ready' : 'needs attention'}`}>
                <span className="ready-mark" aria-hidden="true">
                  {item.ok ? '✓' : '✗'}
                </span>
                <span>
                  <strong>{item.label}</strong> <span className="ready-state">{item.ok ? 'Ready' : 'Needs attention'}</span>
                  <br />
                  <span className="muted">{item.detail}</span>
                </span>
                {item.action &&
                  (item.action.kind === 'advice' ? (
                    <span className="ready-advice">{item.action.label}</span>
                  ) : (
                    <button type="button" disabled={busy === item.check} onClick={() => void fix(item)}>
                      {item.action.label}
                    </button>
                  ))}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void query.refetch()}>
            Check again
          </button>
        </>
      )}
      {failure !== null && <ErrorNotice error={failure} />}
    </section>
  );
}
