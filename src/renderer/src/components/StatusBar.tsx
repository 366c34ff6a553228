import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { formatDistanceToNowStrict } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { useOnline } from '../hooks/useOnline';
import type { SyncStatus } from '@shared/contract';

export function syncText(status: SyncStatus | null): string {
  if (!status || status.state === 'disabled') return 'Sync off: everything stays on this device';
  const waiting = `${status.pending} change${status.pending === 1 ? '' : 's'} waiting`;
  switch (status.state) {
    case 'offline':
      return `Offline · ${waiting}${status.message ? ` · ${status.message}` : ''}`;
    case 'syncing':
      return status.progress ? `Syncing ${status.progress.done} of ${status.progress.total}…` : 'Syncing…';
    case 'up_to_date':
      return `${status.lastSyncedAt ? `Up to date · synced ${formatDistanceToNowStrict(new Date(status.lastSyncedAt))} ago` : 'Up to date'}${status.message ? ` · ${status.message}` : ''}`;
    case 'error':
      return `Sync problem: ${status.message ?? 'unknown'} · ${waiting}`;
  }
}

export function StatusBar() {
  const api = useApi();
  const online = useOnline();
  const initial = useQuery({ queryKey: ['sync.status'], queryFn: () => api.call('sync.status', undefined) });
  const [live, setLive] = useState<SyncStatus | null>(null);
  useEffect(() => api.on('sync.status', setLive), [api]);
  const status = live ?? initial.data ?? null;
  const enabled = status !== null && status.state !== 'disabled';

  // Network regained: sync now rather than at the next interval.
  const wasOnline = useRef(online);
  useEffect(() => {
    if (online && !wasOnline.current && enabled) void api.call('sync.now', undefined).catch(() => undefined);
    wasOnline.current = online;
  }, [online, enabled, api]);

  return (
    <footer className="statusbar" aria-label="Status">
      <span className={online ? 'dot online' : 'dot offline'} aria-hidden="true" />
      <span>{online ? 'Online' : 'Offline'}</span>
      <span className="sep" aria-hidden="true">
        ·
      </span>
      <span role="status" data-testid="sync-status">
        {syncText(status)}
      </span>
      {(status?.state === 'error' || status?.state === 'offline') && (
        <button type="button" className="link" onClick={() => void api.call('sync.now', undefined).catch(() => undefined)}>
          Retry
        </button>
      )}
    </footer>
  );
}
