import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { onFileSaved } from '../api/files';

type Notify = (message: string) => void;
const ToastContext = createContext<Notify>(() => undefined);

/** Shows a short confirmation ("Exported …") after work that otherwise ends in silence. */
export const useToast = () => useContext(ToastContext);

const VISIBLE_MS = 8_000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<{ id: number; message: string }[]>([]);
  const nextId = useRef(0);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const notify = useCallback<Notify>(
    (message) => {
      const id = (nextId.current += 1);
      setToasts((list) => [...list.slice(-2), { id, message }]);
      setTimeout(() => dismiss(id), VISIBLE_MS);
    },
    [dismiss],
  );
  // The preview hands files to the browser's downloads; the desktop app's saves are told by SavedFileNotice.
  useEffect(
    () =>
      onFileSaved((outcome) => {
        if (outcome.kind === 'downloaded') notify(`Exported ${outcome.fileName} to your browser's downloads (usually the Downloads folder).`);
      }),
    [notify],
  );
  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast">
            <span>{toast.message}</span>
            <button type="button" className="link" onClick={() => dismiss(toast.id)} aria-label="Dismiss notification">
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
