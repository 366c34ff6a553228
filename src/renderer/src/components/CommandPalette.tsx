import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { useApi } from '../api/ApiContext';
import { saveFile } from '../api/files';
import { SEARCH_DEBOUNCE_MS } from '@shared/uiTimings';
import { STATUS_LABELS } from '@shared/consultation/status';
import { syncText } from './StatusBar';
import { useToast } from './Toasts';

interface Entry {
  key: string;
  label: string;
  kind: 'Command' | 'Consultation';
  detail?: string;
  run: () => void | Promise<void>;
}

const MAX_CONSULTATIONS = 8;

/**
 * Ctrl/Cmd+K or "/": jump to a consultation by name, or run a command. A modal <dialog> (focus stays
 * inside, Escape closes) holding a combobox whose options live in a listbox, per the ARIA combobox pattern.
 */
export function CommandPalette({ onClose, onNew }: { onClose: () => void; onNew: () => void }) {
  const api = useApi();
  const notify = useToast();
  const [, navigate] = useLocation();
  const dialog = useRef<HTMLDialogElement>(null);
  const listId = useId();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const returnTo = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => returnTo?.focus?.();
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const found = useQuery({
    queryKey: ['palette', search],
    queryFn: () => api.call('consultations.list', { sort: 'updated', direction: 'desc', limit: MAX_CONSULTATIONS, ...(search ? { search } : {}) }),
    placeholderData: (previous) => previous,
  });

  const entries = useMemo<Entry[]>(() => {
    const go = (path: string) => () => navigate(path);
    const commands: Entry[] = [
      { key: 'new', label: 'New consultation', kind: 'Command', run: onNew },
      { key: 'list', label: 'Go to consultations', kind: 'Command', run: go('/') },
      { key: 'settings', label: 'Open settings', kind: 'Command', run: go('/settings') },
      { key: 'csv', label: 'Export all consultations as CSV', kind: 'Command', run: async () => saveFile(await api.call('exports.csv', {})) },
      { key: 'json', label: 'Export everything as JSON', kind: 'Command', run: async () => saveFile(await api.call('exports.json', undefined)) },
      {
        key: 'sync',
        label: 'Sync now',
        kind: 'Command',
        run: async () => {
          const status = await api.call('sync.now', undefined);
          notify(status.message ?? syncText(status));
        },
      },
    ];
    const words = text.trim().toLocaleLowerCase();
    const matching = commands.filter((c) => !words || c.label.toLocaleLowerCase().includes(words));
    // Results for older words (still shown while the new search runs) must not be what Enter opens.
    const current = search === text.trim() && !found.isPlaceholderData ? (found.data?.items ?? []) : [];
    const consultations: Entry[] = current.map((item) => ({
      key: `c-${item.id}`,
      label: item.businessName ?? 'Untitled consultation',
      kind: 'Consultation',
      detail: [item.contactPerson, STATUS_LABELS[item.status]].filter(Boolean).join(' · '),
      run: go(`/c/${item.id}/contact`),
    }));
    return [...consultations, ...matching];
  }, [api, found.data, found.isPlaceholderData, navigate, notify, onNew, search, text]);

  const current = Math.min(active, Math.max(0, entries.length - 1));
  const choose = async (entry: Entry | undefined) => {
    if (!entry) return;
    setFailure(null);
    try {
      await entry.run();
      onClose();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : 'That did not work.');
    }
  };

  const optionId = (index: number) => `${listId}-option-${index}`;
  return (
    <dialog ref={dialog} className="palette" aria-label="Command palette" onClose={onClose} onClick={(e) => e.target === dialog.current && onClose()}>
      <input
        role="combobox"
        aria-label="Jump to a consultation or run a command"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={entries.length ? optionId(current) : undefined}
        placeholder="Type a business name or a command…"
        value={text}
        autoFocus
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActive((current + step + entries.length) % Math.max(1, entries.length));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            void choose(entries[current]);
          } else if (e.key === 'Tab') {
            e.preventDefault(); // one control: Tab stays here, arrows move in the list
          }
        }}
      />
      <ul role="listbox" id={listId} aria-label="Results">
        {entries.map((entry, index) => (
          <li
            key={entry.key}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            onMouseMove={() => setActive(index)}
            onClick={() => void choose(entry)}
          >
            <span className="palette-label">{entry.label}</span>
            <span className="palette-kind">{entry.detail ? `${entry.kind} · ${entry.detail}` : entry.kind}</span>
          </li>
        ))}
        {entries.length === 0 && !found.isFetching && (
          <li role="option" aria-selected="false" aria-disabled="true" className="muted">
            Nothing matches “{text.trim()}”.
          </li>
        )}
      </ul>
      {failure && (
        <p role="alert" className="field-error">
          {failure}
        </p>
      )}
      <p className="palette-help muted">↑ ↓ to choose · Enter to open · Esc to close</p>
    </dialog>
  );
}
