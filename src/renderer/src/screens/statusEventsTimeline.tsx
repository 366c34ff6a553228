import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { keys } from '../api/queries';
import type { VersionSummary } from '@shared/consultation/model';
import { statusEventLabel, type StatusEventView } from '@shared/consultation/statusEvents';

// Status moves shown in the History list between the versions they happened after: they are events, not
// versions (a completion with no content change adds no version number).

export function useStatusEvents(consultationId: string) {
  const api = useApi();
  // Under the versions key, so whatever refreshes the versions (a mutation, another window) refreshes these too.
  return useQuery({
    queryKey: [...keys.versions(consultationId), 'statusEvents'],
    queryFn: () => api.call('consultations.statusEvents', { consultationId }),
  });
}

/**
 * The History list's items, newest first: each version as `renderVersion` draws it, and each status move
 * placed by when it happened (a move at the same moment as a version comes after it: a completion saves
 * changes first, then moves).
 */
export function withStatusEvents(
  versionsNewestFirst: readonly VersionSummary[],
  events: readonly StatusEventView[],
  renderVersion: (version: VersionSummary) => ReactNode,
): ReactNode[] {
  const pending = [...events].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const out: ReactNode[] = [];
  for (const version of versionsNewestFirst) {
    while (pending.length && pending[0]!.at >= version.createdAt) {
      const event = pending.shift()!;
      out.push(<StatusEventItem key={event.id} event={event} />);
    }
    out.push(renderVersion(version));
  }
  for (const event of pending) out.push(<StatusEventItem key={event.id} event={event} />);
  return out;
}

export function StatusEventItem({ event }: { event: StatusEventView }) {
  const label = `${statusEventLabel(event.from, event.to)} by ${event.byName ?? 'Unknown'}`;
  return (
    <li className="status-event" aria-label={`${label}, ${format(new Date(event.at), 'd MMM yyyy, HH:mm')}`}>
      <div>
        <span className="badge">{label}</span>
      </div>
      <div className="muted">{format(new Date(event.at), 'd MMM yyyy, HH:mm')} · status only, no new version</div>
    </li>
  );
}
