import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useApi } from '../api/ApiContext';
import { chooseWithDialog, importChosen, restoreChosen, type ChosenFile } from '../api/files';
import { ExportButton } from '../components/ExportButton';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';

/** Export, import, back up and restore: everything a consultant needs to never lose their data. */
export function DataSection({ dataFolder }: { dataFolder: string | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const backups = useQuery({ queryKey: ['backups.list'], queryFn: () => api.call('backups.list', undefined) });
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [restoreFile, setRestoreFile] = useState<ChosenFile | null>(null);
  // While this window imports: how far the worker is (null otherwise; other windows' imports are not ours).
  const [importing, setImporting] = useState<{ done: number; total: number } | null>(null);
  const importingNow = useRef(false);
  useEffect(
    () =>
      api.on('imports.progress', (progress) => {
        if (importingNow.current) setImporting(progress);
      }),
    [api],
  );

  const run = async (work: () => Promise<string | void>) => {
    setMessage(null);
    setFailure(null);
    try {
      const done = await work();
      if (done) setMessage(done);
    } catch (error) {
      setFailure(error);
    }
  };

  const importJson = (file: ChosenFile) =>
    run(async () => {
      importingNow.current = true;
      setImporting({ done: 0, total: 0 });
      let report;
      try {
        report = await importChosen(api, file);
      } finally {
        importingNow.current = false;
        setImporting(null);
      }
      await client.invalidateQueries();
      return `Imported: ${report.consultationsAdded} new, ${report.consultationsUpdated} updated, ${report.versionsAdded} versions added, ${report.unchanged} already here.`;
    });

  const restoreListed = (file: string, label: string) =>
    run(async () => {
      const result = await api.call('backups.restoreListed', { file });
      await client.invalidateQueries();
      return `Restored ${result.consultations} consultations from the automatic backup of ${label}. What was here before is kept as ${result.safetyCopy}.`;
    });

  const restore = (file: ChosenFile) =>
    run(async () => {
      const result = await restoreChosen(api, file);
      await client.invalidateQueries();
      return `Restored ${result.consultations} consultations. What was here before is kept as ${result.safetyCopy}.`;
    });

  return (
    <section aria-labelledby="data-title" className="card data">
      <h2 id="data-title">Your data</h2>
      {dataFolder && (
        <p>
          Stored on this device in <code>{dataFolder}</code>.
        </p>
      )}
      <div className="data-actions">
        <ExportButton
          busyText="Backing up…"
          onError={setFailure}
          make={() => {
            setFailure(null);
            return api.call('backups.create', undefined);
          }}
        >
          Back up now…
        </ExportButton>
        <ExportButton
          onError={setFailure}
          make={() => {
            setFailure(null);
            return api.call('exports.json', undefined);
          }}
        >
          Export everything (JSON)
        </ExportButton>
        <FilePickerButton
          label="Import JSON…"
          purpose="import"
          accept="application/json,.json"
          busyText={
            importing &&
            (importing.total > 0 ? `Importing ${importing.done.toLocaleString('en-US')} of ${importing.total.toLocaleString('en-US')}…` : 'Importing…')
          }
          onFile={(file) => void importJson(file)}
          onError={setFailure}
        />
        <FilePickerButton
          label="Restore a backup…"
          purpose="restore"
          onError={setFailure}
          accept=".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/x-sqlite3"
          onFile={setRestoreFile}
        />
      </div>
      {restoreFile && (
        <div className="notice" role="region" aria-label="Confirm restore">
          <span>Replace everything on this device with {restoreFile.name}?</span>
          <ConfirmDialog
            title="Restore this backup?"
            description="The backup replaces the data on this device. What is here now is kept in the backups folder first, so nothing is lost."
            confirmLabel="Restore"
            tone="danger"
            onConfirm={() => {
              const file = restoreFile;
              setRestoreFile(null);
              void restore(file);
            }}
            trigger={
              <button type="button" className="danger">
                Restore…
              </button>
            }
          />
          <button type="button" onClick={() => setRestoreFile(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {failure !== null && <ErrorNotice error={failure} />}
      <h3>Automatic backups</h3>
      <p className="muted">Fieldbook keeps a copy of your data every day, the last seven days, in the backups folder.</p>
      <ul className="backups">
        {(backups.data ?? []).map((b) => {
          const label = format(new Date(b.createdAt), 'd MMM yyyy, HH:mm');
          return (
            <li key={b.file}>
              <span>
                {label} · {(b.bytes / 1024).toFixed(0)} KB
              </span>
              <ConfirmDialog
                title={`Restore the backup of ${label}?`}
                description="This backup replaces the data on this device. What is here now is kept in the backups folder first, so nothing is lost."
                confirmLabel="Restore"
                tone="danger"
                onConfirm={() => void restoreListed(b.file, label)}
                trigger={
                  <button type="button" className="link" aria-label={`Restore the backup of ${label}`}>
                    Restore…
                  </button>
                }
              />
            </li>
          );
        })}
        {backups.data?.length === 0 && <li className="muted">None yet.</li>}
      </ul>
    </section>
  );
}

/**
 * A real button that opens the system's file picker: one control with one name and one focus ring, found
 * by role like every other action. The desktop app uses its native open dialog (main reads the file); the
 * preview a hidden file input.
 */
function FilePickerButton({
  label,
  purpose,
  accept,
  onFile,
  onError,
  busyText,
}: {
  label: string;
  purpose: 'import' | 'restore';
  accept: string;
  onFile: (file: ChosenFile) => void;
  onError: (error: unknown) => void;
  busyText?: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const choose = async () => {
    try {
      const chosen = await chooseWithDialog(purpose);
      if (chosen === undefined) input.current?.click();
      else if (chosen) onFile(chosen);
    } catch (error) {
      onError(error);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void choose()} disabled={Boolean(busyText)} aria-busy={busyText ? true : undefined}>
        {busyText || label}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept={accept}
        aria-label={label}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile({ name: file.name, file });
        }}
      />
    </>
  );
}
