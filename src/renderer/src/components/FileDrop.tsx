import { useEffect, useState } from 'react';
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { importChosen, kindOfDroppedFile, restoreChosen } from '../api/files';
import { ErrorNotice } from './ErrorNotice';

interface Dropped {
  file: File;
  kind: 'backup' | 'export';
}

const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes('Files');

/**
 * A Fieldbook export (JSON) or backup (SQLite) dropped anywhere on the window: asks first, exactly as the
 * Import and Restore buttons do, then imports or restores. Anything else is refused in words.
 */
export function FileDrop() {
  const api = useApi();
  const client = useQueryClient();
  const [dragging, setDragging] = useState(false);
  const [dropped, setDropped] = useState<Dropped | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (event: DragEvent) => {
      if (hasFiles(event)) event.preventDefault();
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      setMessage(null);
      setFailure(null);
      void kindOfDroppedFile(file).then((kind) => {
        if (kind) setDropped({ file, kind });
        else setFailure(new Error(`${file.name} is not a Fieldbook export (.json) or backup (.db).`));
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const confirm = async ({ file, kind }: Dropped) => {
    setDropped(null);
    try {
      if (kind === 'export') {
        const report = await importChosen(api, { name: file.name, file });
        setMessage(
          `Imported ${file.name}: ${report.consultationsAdded} new, ${report.consultationsUpdated} updated, ${report.versionsAdded} versions added, ${report.unchanged} already here.`,
        );
      } else {
        const result = await restoreChosen(api, { name: file.name, file });
        setMessage(`Restored ${result.consultations} consultations from ${file.name}. What was here before is kept as ${result.safetyCopy}.`);
      }
      await client.invalidateQueries();
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop a Fieldbook export to import it, or a backup to restore it
        </div>
      )}
      <AlertDialog.Root open={dropped !== null} onOpenChange={(open) => !open && setDropped(null)}>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="dialog-overlay" />
          <AlertDialog.Content className="dialog">
            <AlertDialog.Title>{dropped?.kind === 'backup' ? 'Restore this backup?' : 'Import this export?'}</AlertDialog.Title>
            <AlertDialog.Description>
              {dropped?.kind === 'backup'
                ? `${dropped.file.name} replaces the data on this device. What is here now is kept in the backups folder first, so nothing is lost.`
                : `Consultations in ${dropped?.file.name ?? 'this file'} are added or updated here; nothing on this device is deleted.`}
            </AlertDialog.Description>
            <div className="dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button">Cancel</button>
              </AlertDialog.Cancel>
              <AlertDialog.Action asChild>
                <button type="button" className={dropped?.kind === 'backup' ? 'danger' : 'primary'} onClick={() => dropped && void confirm(dropped)}>
                  {dropped?.kind === 'backup' ? 'Restore' : 'Import'}
                </button>
              </AlertDialog.Action>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
      {(message || failure !== null) && (
        <div className="toast">
          {message && (
            <p role="status" className="notice">
              {message}
            </p>
          )}
          {failure !== null && <ErrorNotice error={failure} />}
        </div>
      )}
    </>
  );
}
