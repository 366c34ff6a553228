import { useEffect, useState } from 'react';
import type { Api } from '../api/client';
import type { AutosaveResult } from '@shared/consultation/model';
import type { WorkingSections } from '@shared/consultation/sections';
import { AutosaveQueue, KEEPALIVE_BODY_BYTES, type AutosaveState } from './autosaveQueue';
import { AUTOSAVE_DELAY_MS } from '@shared/uiTimings';

export type { AutosaveState } from './autosaveQueue';
const RETRY_MS = 4_000;

interface Options {
  api: Api;
  consultationId: string;
  stored: WorkingSections;
  enabled: boolean;
  read: () => { sections: WorkingSections; notes: string };
  onSaved: (result: AutosaveResult) => void;
}

/** The autosave queue for one consultation, tied to the screen's life and to the page's. */
export function useAutosave({ api, consultationId, stored, enabled, read, onSaved }: Options) {
  const [state, setState] = useState<AutosaveState>({ kind: 'idle', savedAt: null });
  // The queue lives as long as the screen; it reads the latest callbacks through this holder.
  const [latest] = useState(() => ({ read, onSaved, enabled }));
  useEffect(() => {
    Object.assign(latest, { read, onSaved, enabled });
  });
  const [queue] = useState(
    () =>
      new AutosaveQueue({
        consultationId,
        stored,
        send: (payload) => api.call('consultations.autosave', payload),
        sendOnUnload: (payload) => api.callOnUnload('consultations.autosave', payload),
        read: () => latest.read(),
        enabled: () => latest.enabled,
        onState: setState,
        onSaved: (result) => latest.onSaved(result),
        delayMs: AUTOSAVE_DELAY_MS,
        retryMs: RETRY_MS,
        // The preview leaves with a keepalive fetch, which carries at most 64 KiB; Electron's IPC has no such limit.
        unloadLimitBytes: api.transportKind === 'http' ? KEEPALIVE_BODY_BYTES : undefined,
      }),
  );
  useEffect(() => {
    const onLeave = () => queue.flushOnUnload();
    // Typing the app refused (or could not send yet) is still only in this page: ask before it goes.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (queue.atRisk) event.preventDefault();
    };
    window.addEventListener('pagehide', onLeave);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('pagehide', onLeave);
      window.removeEventListener('beforeunload', onBeforeUnload);
      // Leaving the screen inside the app: the app stays alive, so a normal save finishes the job.
      void queue.flush().finally(() => queue.dispose());
    };
  }, [queue]);
  return { state, queue };
}
