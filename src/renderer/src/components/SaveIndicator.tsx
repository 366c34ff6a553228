import { useEffect, useState } from 'react';
import { formatDistanceToNowStrict } from 'date-fns';
import type { AutosaveState } from '../intake/autosaveQueue';

/** "Saving… / Saved 3 s ago / Not saved: reason", updated every few seconds. */
export function SaveIndicator({ state }: { state: AutosaveState }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 5_000);
    return () => clearInterval(timer);
  }, []);
  let text: string;
  switch (state.kind) {
    case 'idle':
      text = state.savedAt ? `Saved ${ago(state.savedAt)}` : 'All changes saved';
      break;
    case 'pending':
    case 'saving':
      text = 'Saving…';
      break;
    case 'saved':
      text = `Saved ${ago(state.savedAt)}`;
      break;
    case 'error':
      text = `Not saved: ${state.message}`;
      break;
  }
  return (
    <span className={`save-indicator ${state.kind}`} role="status" aria-live="polite" data-testid="save-indicator">
      {text}
    </span>
  );
}

function ago(iso: string): string {
  const seconds = (Date.now() - Date.parse(iso)) / 1000;
  if (seconds < 5) return 'just now';
  return `${formatDistanceToNowStrict(new Date(iso))} ago`;
}
