import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';

/** The team's Turso database: URL, token (kept in the secret store, never shown again), on/off, interval. */
export function SyncSettingsCard() {
  const api = useApi();
  const client = useQueryClient();
  const settings = useQuery({ queryKey: ['sync.getSettings'], queryFn: () => api.call('sync.getSettings', undefined) });
  if (!settings.data) return null;
  return <SyncForm key={JSON.stringify(settings.data)} initial={settings.data} onSaved={() => void client.invalidateQueries({ queryKey: ['sync.getSettings'] })} />;
}

function SyncForm({ initial, onSaved }: { initial: { url: string; enabled: boolean; intervalMinutes: number; hasToken: boolean }; onSaved: () => void }) {
  const api = useApi();
  const [url, setUrl] = useState(initial.url);
  const [token, setToken] = useState('');
  const [enabled, setEnabled] = useState(initial.enabled);
  const [interval, setIntervalMinutes] = useState(String(initial.intervalMinutes));
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const fieldError = (path: string) => (failure instanceof ApiError ? failure.issues.find((i) => i.path === path)?.message : undefined);

  const run = async (work: () => Promise<string>) => {
    setMessage(null);
    setFailure(null);
    try {
      setMessage(await work());
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <form className="card sync-settings" aria-labelledby="sync-title" noValidate onSubmit={(e) => e.preventDefault()}>
      <h2 id="sync-title">Team sync</h2>
      <p className="muted">Without sync, everything stays on this laptop. With it, your work reaches the team's Turso database whenever there is a network.</p>
      <div className="field">
        <label htmlFor="sync-url">Database URL</label>
        <input id="sync-url" value={url} placeholder="libsql://your-team.turso.io" onChange={(e) => setUrl(e.target.value)} aria-invalid={fieldError('url') ? true : undefined} />
        {fieldError('url') && <small className="field-error" role="alert">{fieldError('url')}</small>}
      </div>
      <div className="field">
        <label htmlFor="sync-token">Auth token</label>
        <input id="sync-token" type="password" autoComplete="off" value={token} placeholder={initial.hasToken ? 'Saved: leave blank to keep it' : 'Paste the token'} onChange={(e) => setToken(e.target.value)} />
      </div>
      <div className="field inline">
        <label>
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Sync automatically
        </label>
        {/* The visible words are "every … minutes"; the name says it whole, and the error names the field. */}
        <label htmlFor="sync-interval">every</label>
        <input
          id="sync-interval"
          type="number"
          min={1}
          max={1440}
          value={interval}
          onChange={(e) => setIntervalMinutes(e.target.value)}
          className="narrow"
          aria-label="Sync every how many minutes"
          aria-invalid={fieldError('intervalMinutes') ? true : undefined}
          aria-describedby={fieldError('intervalMinutes') ? 'sync-interval-error' : undefined}
        />
        <span>minutes</span>
      </div>
      {fieldError('intervalMinutes') && (
        <small id="sync-interval-error" className="field-error" role="alert">
          Sync interval: {fieldError('intervalMinutes')}
        </small>
      )}
      <div className="data-actions">
        <button type="button" onClick={() => void run(async () => (await api.call('sync.testConnection', { url: url.trim(), ...(token ? { token } : {}) })).message)}>
          Test connection
        </button>
        <button
          type="button"
          className="primary"
          onClick={() =>
            void run(async () => {
              await api.call('sync.saveSettings', { url: url.trim(), ...(token ? { token } : {}), enabled, intervalMinutes: Number(interval) });
              setToken('');
              onSaved();
              return enabled ? 'Saved. Syncing now.' : 'Saved. Sync is off.';
            })
          }
        >
          Save
        </button>
        {initial.enabled && (
          <button type="button" onClick={() => void run(async () => { const s = await api.call('sync.now', undefined); return s.message ?? 'Synced.'; })}>
            Sync now
          </button>
        )}
      </div>
      {message && <p role="status" className="notice">{message}</p>}
      {failure !== null && !fieldError('url') && !fieldError('intervalMinutes') && <ErrorNotice error={failure} />}
    </form>
  );
}
