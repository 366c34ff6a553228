import { useState } from 'react';
import { Link } from 'wouter';
import { useQuery } from '@tanstack/react-query';
import { diffWords } from 'diff';
import { format } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { useConsultation, useOperation, useVersions } from '../api/queries';
import { fieldLabel } from '@shared/consultation/fields';
import { STATUS_LABELS } from '@shared/consultation/status';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExportButton } from '../components/ExportButton';
import { useStatusEvents, withStatusEvents } from './statusEventsTimeline';

const show = (value: unknown) => (value === undefined ? '' : Array.isArray(value) ? value.join(' · ') : String(value));

/** Word-level highlighting of what changed inside one field. */
function WordDiff({ before, after, side }: { before: string; after: string; side: 'before' | 'after' }) {
  return (
    <>
      {diffWords(before, after).map((part, index) => {
        if (part.added && side === 'before') return null;
        if (part.removed && side === 'after') return null;
        if (part.added) return <ins key={index}>{part.value}</ins>;
        if (part.removed) return <del key={index}>{part.value}</del>;
        return <span key={index}>{part.value}</span>;
      })}
    </>
  );
}

export function HistoryScreen({ consultationId }: { consultationId: string }) {
  const api = useApi();
  const detail = useConsultation(consultationId);
  const versions = useVersions(consultationId);
  const statusEvents = useStatusEvents(consultationId);
  const restore = useOperation('consultations.restoreVersion');
  const [exportError, setExportError] = useState<unknown>(null);
  // The version whose PDF is being printed: its button says so and waits (a long consultation takes seconds).
  const list = versions.data ?? [];
  const latest = list[list.length - 1]?.versionNumber ?? 1;
  // Until the consultant picks, compare the latest version with the one before it.
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  const from = list.length ? (picked?.from ?? latest - 1) : null;
  const to = list.length ? (picked?.to ?? latest) : null;
  const setFrom = (value: number) => setPicked({ from: value, to: to ?? value });
  const setTo = (value: number) => setPicked({ from: from ?? value, to: value });

  const diff = useQuery({
    queryKey: ['consultations.diffVersions', consultationId, from, to],
    queryFn: () => api.call('consultations.diffVersions', { consultationId, from: from!, to: to! }),
    enabled: from !== null && to !== null,
  });

  if (detail.isError) return <ErrorNotice error={detail.error} />;
  const consultation = detail.data?.consultation;
  // Changes since the newest version are kept as a version of their own before a restore (never lost).
  const canRestore = consultation?.isOwn && consultation.status === 'draft';

  return (
    <section className="history" aria-labelledby="history-title">
      <p className="eyebrow">
        <Link href={`/c/${consultationId}/contact`}>Back to the intake</Link>
      </p>
      <h1 id="history-title">History of {consultation?.sections.contact_info.business_name ?? 'this consultation'}</h1>
      {restore.isError && <ErrorNotice error={restore.error} />}
      {exportError !== null && <ErrorNotice error={exportError} />}
      <div className="history-body">
        <ol className="versions" aria-label="Versions">
          {withStatusEvents([...list].reverse(), statusEvents.data ?? [], (v) => (
            <li key={v.id} aria-current={v.versionNumber === to ? 'true' : undefined}>
              <div className="version-head">
                <strong>Version {v.versionNumber}</strong>
                <span className={`badge status-${v.status}`}>{STATUS_LABELS[v.status]}</span>
              </div>
              <div className="muted">
                {format(new Date(v.createdAt), 'd MMM yyyy, HH:mm')} · {v.authorName ?? 'Unknown'}
              </div>
              <div>{v.changeSummary}</div>
              {v.note && <div className="note">“{v.note}”</div>}
              <div className="version-actions">
                <button type="button" className="link" onClick={() => setPicked({ from: v.versionNumber - 1, to: v.versionNumber })}>
                  {v.versionNumber === 1 ? 'Show what it started with' : 'Compare with previous'}
                </button>
                <ExportButton
                  className="link"
                  aria-label={`Export version ${v.versionNumber} as PDF`}
                  onError={setExportError}
                  make={() => api.call('exports.summaryPdf', { consultationId, versionNumber: v.versionNumber })}
                >
                  PDF
                </ExportButton>
                {canRestore && v.versionNumber !== latest && (
                  <ConfirmDialog
                    title={`Restore version ${v.versionNumber}?`}
                    description="Its content becomes a new version. Nothing in the history is removed."
                    confirmLabel="Restore"
                    onConfirm={() => restore.mutate({ consultationId, versionNumber: v.versionNumber, expectedVersion: consultation!.currentVersion })}
                    trigger={
                      <button type="button" className="link">
                        Restore
                      </button>
                    }
                  />
                )}
              </div>
            </li>
          ))}
        </ol>
        <div className="diff">
          <div className="diff-pickers">
            <label>
              Compare version{' '}
              <select value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))} aria-label="From version">
                <option value={0}>the empty form</option>
                {list.map((v) => (
                  <option key={v.id} value={v.versionNumber}>
                    {v.versionNumber}
                  </option>
                ))}
              </select>
            </label>
            <label>
              with version{' '}
              <select value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))} aria-label="To version">
                {list.map((v) => (
                  <option key={v.id} value={v.versionNumber}>
                    {v.versionNumber}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {diff.isError && <ErrorNotice error={diff.error} />}
          {diff.data && diff.data.changes.length === 0 && <p className="muted">These versions have the same content.</p>}
          {diff.data && diff.data.changes.length > 0 && (
            <table className="diff-table">
              <caption className="visually-hidden">
                Changes from version {from} to version {to}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">{diff.data.from === 0 ? 'Empty form' : `Version ${diff.data.from}`}</th>
                  <th scope="col">Version {diff.data.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.data.changes.map((change) => (
                  <tr key={change.path}>
                    <th scope="row">{fieldLabel(change.path)}</th>
                    <td className="before">
                      {change.before === undefined ? (
                        <span className="muted">empty</span>
                      ) : (
                        <WordDiff before={show(change.before)} after={show(change.after)} side="before" />
                      )}
                    </td>
                    <td className="after">
                      {change.after === undefined ? (
                        <span className="muted">empty</span>
                      ) : (
                        <WordDiff before={show(change.before)} after={show(change.after)} side="after" />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}
