import { useState, type ReactNode } from 'react';
import type { FilePayload } from '@shared/contract';
import { saveFile } from '../api/files';

interface ExportButtonProps {
  /** Makes the file (a PDF of hundreds of rows takes a moment); the button says so meanwhile. */
  make: () => Promise<FilePayload>;
  onError: (error: unknown) => void;
  children: ReactNode;
  busyText?: string;
  className?: string;
  title?: string;
  'aria-label'?: string;
}

/** A button that exports a file, shows "Exporting…" while it works, and hands the file over when done. */
export function ExportButton({ make, onError, children, busyText = 'Exporting…', className, title, 'aria-label': ariaLabel }: ExportButtonProps) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={className}
      title={title}
      aria-label={busy ? undefined : ariaLabel}
      aria-busy={busy || undefined}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await saveFile(await make());
        } catch (error) {
          onError(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? busyText : children}
    </button>
  );
}
