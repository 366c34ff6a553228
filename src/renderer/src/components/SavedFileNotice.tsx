import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { onFileSaved, type SaveOutcome } from '../api/files';

/** After an export or backup: where the file went, and in the desktop app a way to see it there. */
export function SavedFileNotice() {
  const api = useApi();
  const [outcome, setOutcome] = useState<Extract<SaveOutcome, { kind: 'saved' }> | null>(null);
  // Downloads in the preview are told by a toast; this notice is for files the desktop app saved.
  useEffect(() => onFileSaved((o) => o.kind === 'saved' && setOutcome(o)), []);
  if (!outcome) return null;
  return (
    <div className="notice saved-file toast" role="status" aria-label="File saved">
      <span>
        Saved to <code>{outcome.path}</code>
      </span>
      <button type="button" onClick={() => void api.call('files.showInFolder', { path: outcome.path }).catch(() => undefined)}>
        Show in folder
      </button>
      <button type="button" className="link" onClick={() => setOutcome(null)} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
