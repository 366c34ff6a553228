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
  // Kept here: the form starts afresh from the saved settings after each save, the message stays.
  const [message, setMessage] = useState<string | null>(null);
  if (!settings.data) return null;
  return (
    <SyncForm
      key={JSON.stringify(settings.data)}
      initial={settings.data}
      message={message}
      setMessage={setMessage}
      onSaved={() => void client.invalidateQueries({ queryKey: ['sync.getSettings'] })}
    />
  );
}

const FIELDS = ['url', 'token', 'intervalMinutes'] as const;
type Field = (typeof FIELDS)[number];

interface SyncFormProps {
  initial: { url: string; enabled: boolean; intervalMinutes: number; hasToken: boolean };
  message: string | null;
  setMessage: (message: string | null) => void;
  onSaved: () => void;
}

function SyncForm({ initial, message, setMessage, onSaved }: SyncFormProps) {
  const api = useApi();
  const [url, setUrl] = useState(initial.url);
  const [token, setToken] = useState('');
  const [enabled, setEnabled] = useState(initial.enabled);
  const [interval, setIntervalMinutes] = useState(String(initial.intervalMinutes));
  const [failure, setFailure] = useState<unknown>(null);
  const issues = failure instanceof ApiError ? failure.issues : [];
  const fieldError = (path: Field) => issues.find((i) => i.path === path)?.message;
  // Field problems are shown at their fields; anything else (a refused call, an unknown field) as one notice.
  const otherFailure = failure !== null && (issues.length === 0 || issues.some((i) => !(FIELDS as readonly string[]).includes(i.path)));
  // The saved token belongs to the URL it was entered for: another URL needs it again.
  const tokenKept = initial.hasToken && url.trim() === initial.url;

  const run = async (work: () => Promise<string>) => {
    setMessage(null);
    setFailure(null);
    try {
      const done = await work();
      setMessage(done);
    } catch (error) {
      setFailure(error);
    }
  };
  const FIELD_NAMES: Record<Field, string> = { url: 'Database URL', token: 'Auth token', intervalMinutes: 'Sync interval' };
  const described = (path: Field) => (fieldError(path) ? { 'aria-invalid': true as const, 'aria-describedby': `sync-${path}-error` } : {});
  const errorOf = (path: Field) =>
    fieldError(path) && (
      <small id={`sync-${path}-error`} className="field-error" role="alert">
        {/* The message names its field, so it reads whole wherever it is announced. */}
        {FIELD_NAMES[path]}: {fieldError(path)}
      </small>
    );

  return (
    <form className="card sync-settings" aria-labelledby="sync-title" noValidate onSubmit={(e) => e.preventDefault()}>
      <h2 id="sync-title">Team sync</h2>
      <p className="muted">Without sync, everything stays on this laptop. With it, your work reaches the team's Turso database whenever there is a network.</p>
      <div className="field">
        <label htmlFor="sync-url">Database URL</label>
        <input id="sync-url" value={url} placeholder="libsql://your-team.turso.io" onChange={(e) => setUrl(e.target.value)} {...described('url')} />
        {errorOf('url')}
      </div>
      <div className="field">
        <label htmlFor="sync-token">Auth token</label>
        <input
          id="sync-token"
          type="password"
          autoComplete="off"
          value={token}
          placeholder={tokenKept ? 'Saved: leave blank to keep it' : 'Paste the token'}
          onChange={(e) => setToken(e.target.value)}
          {...described('token')}
        />
        {initial.hasToken && !tokenKept && url.trim() !== '' && (
          <small className="muted">The saved token is only sent to the URL it was entered for. Paste the token for this URL.</small>
        )}
        {errorOf('token')}
      </div>
      <div className="field inline">
        <label>
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Sync automatically
        </label>
        <span aria-hidden="true">every</span>
        <input
          id="sync-interval"
          type="number"
          min={1}
          max={1440}
          value={interval}
          aria-label="Minutes between automatic syncs"
          onChange={(e) => setIntervalMinutes(e.target.value)}
          className="narrow"
          {...described('intervalMinutes')}
        />
        <span aria-hidden="true">minutes</span>
      </div>
      {errorOf('intervalMinutes')}
      <div className="data-actions">
        <button
          type="button"
          onClick={() => void run(async () => (await api.call('sync.testConnection', { url: url.trim(), ...(token ? { token } : {}) })).message)}
        >
          Test connection
        </button>
        <button
          type="button"
          className="primary"
          onClick={() =>
            void run(async () => {
              // An empty or unreadable number is sent as NaN: the main process answers with words for this field.
              await api.call('sync.saveSettings', {
                url: url.trim(),
                ...(token ? { token } : {}),
                enabled,
                intervalMinutes: interval.trim() === '' ? Number.NaN : Number(interval),
              });
              setToken('');
              onSaved();
              return url.trim() === '' ? 'Sync settings cleared.' : enabled ? 'Saved. Syncing now.' : 'Saved. Sync is off.';
            })
          }
        >
          Save
        </button>
        {initial.enabled && (
          <button
            type="button"
            onClick={() =>
              void run(async () => {
                const s = await api.call('sync.now', undefined);
                return s.message ?? 'Synced.';
              })
            }
          >
            Sync now
          </button>
        )}
        {initial.url !== '' && (
          <button
            type="button"
            onClick={() =>
              void run(async () => {
                await api.call('sync.saveSettings', { url: '', token: '', enabled: false, intervalMinutes: initial.intervalMinutes });
                onSaved();
                return 'Sync settings cleared. The token is forgotten.';
              })
            }
          >
            Forget sync settings
          </button>
        )}
      </div>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {otherFailure && <ErrorNotice error={failure} />}
    </form>
  );
}
