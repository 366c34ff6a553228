import { useEffect, useState } from 'react';
import { formatDistanceToNowStrict } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { useOnline } from '../hooks/useOnline';
import type { SyncStatus } from '../../../shared/contract';

function syncText(status: SyncStatus | null): string {
  if (!status || status.state === 'disabled') return 'Sync off: everything stays on this device';
  switch (status.state) {
    case 'offline':
      return `Offline · ${status.pending} change${status.pending === 1 ? '' : 's'} waiting`;
    case 'syncing':
      return status.progress ? `Syncing ${status.progress.done}/${status.progress.total}…` : 'Syncing…';
    case 'up_to_date':
      return status.lastSyncedAt ? `Up to date · synced ${formatDistanceToNowStrict(new Date(status.lastSyncedAt))} ago` : 'Up to date';
    case 'error':
      return `Sync problem: ${status.message ?? 'unknown'} · ${status.pending} waiting`;
  }
}

export function StatusBar() {
  const api = useApi();
  const online = useOnline();
  const [sync, setSync] = useState<SyncStatus | null>(null);
  useEffect(() => api.on('sync.status', setSync), [api]);
  return (
    <footer className="statusbar" aria-label="Status">
      <span className={online ? 'dot online' : 'dot offline'} aria-hidden="true" />
      <span>{online ? 'Online' : 'Offline'}</span>
      <span className="sep" aria-hidden="true">·</span>
      <span role="status">{syncText(sync)}</span>
    </footer>
  );
}
