import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '../api/client';
import type { AutosaveResult } from '../../../shared/consultation/model';
import type { DraftSections } from '../../../shared/consultation/sections';
import type { SectionKey } from '../../../shared/consultation/fields';

export type AutosaveState =
  | { kind: 'idle'; savedAt: string | null }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; savedAt: string }
  | { kind: 'error'; message: string };

export const AUTOSAVE_DELAY_MS = 600;
const RETRY_MS = 4_000;

interface Options {
  api: Api;
  consultationId: string;
  enabled: boolean;
  read: () => { sections: DraftSections; notes: string };
  onSaved: (result: AutosaveResult) => void;
  delayMs?: number;
}

/**
 * Saves the draft on every pause in typing. Only changed sections are sent; saves never overlap (a change
 * made during a save is sent right after it); a failed save keeps its changes and retries; leaving the
 * page or the screen sends what is still unsent.
 */
export function useAutosave({ api, consultationId, enabled, read, onSaved, delayMs = AUTOSAVE_DELAY_MS }: Options) {
  const [state, setState] = useState<AutosaveState>({ kind: 'idle', savedAt: null });
  const dirty = useRef(new Set<SectionKey | 'notes'>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const latest = useRef({ read, onSaved, enabled });
  latest.current = { read, onSaved, enabled };

  const payload = useCallback(() => {
    const { sections, notes } = latest.current.read();
    const changed: Partial<DraftSections> = {};
    for (const key of dirty.current) if (key !== 'notes') (changed as Record<string, unknown>)[key] = sections[key];
    return {
      consultationId,
      sections: changed,
      ...(dirty.current.has('notes') ? { draftNotes: notes || null } : {}),
    };
  }, [consultationId]);

  const flush = useCallback(async (): Promise<void> => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (inFlight.current) {
      await inFlight.current;
      if (dirty.current.size) return flush();
      return;
    }
    if (!dirty.current.size || !latest.current.enabled) return;
    const input = payload();
    const sent = new Set(dirty.current);
    dirty.current.clear();
    setState({ kind: 'saving' });
    inFlight.current = (async () => {
      try {
        const result = await api.call('consultations.autosave', input);
        latest.current.onSaved(result);
        setState(dirty.current.size ? { kind: 'pending' } : { kind: 'saved', savedAt: result.updatedAt });
      } catch (error) {
        for (const key of sent) dirty.current.add(key);
        setState({ kind: 'error', message: error instanceof Error ? error.message : 'unknown error' });
        timer.current = setTimeout(() => void flush(), RETRY_MS);
      } finally {
        inFlight.current = null;
      }
    })();
    await inFlight.current;
    if (dirty.current.size && !timer.current) timer.current = setTimeout(() => void flush(), delayMs);
  }, [api, payload, delayMs]);

  const markDirty = useCallback(
    (key: SectionKey | 'notes') => {
      if (!latest.current.enabled) return;
      dirty.current.add(key);
      setState((s) => (s.kind === 'saving' ? s : { kind: 'pending' }));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), delayMs);
    },
    [flush, delayMs],
  );

  useEffect(() => {
    const onLeave = () => {
      if (dirty.current.size && latest.current.enabled) {
        api.callOnUnload('consultations.autosave', payload());
        dirty.current.clear();
      }
    };
    window.addEventListener('pagehide', onLeave);
    return () => {
      window.removeEventListener('pagehide', onLeave);
      // Leaving the screen inside the app: the app is alive, so a normal save finishes the job.
      if (timer.current) clearTimeout(timer.current);
      if (dirty.current.size) void flush();
    };
  }, [api, payload, flush]);

  return { state, markDirty, flush, hasUnsent: () => dirty.current.size > 0 || inFlight.current !== null };
}
