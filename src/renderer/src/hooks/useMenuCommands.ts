import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { useApi } from '../api/ApiContext';
import { saveFile } from '../api/files';
import type { MenuCommand } from '@shared/contract';

/**
 * The desktop menu's commands (sent by main as `menu.command` events) done by the screens' own operations.
 * Returns what to tell the consultant when a command cannot run where they are, or failed.
 */
export function useMenuCommands(newConsultation: () => void): { problem: string | null; clear: () => void } {
  const api = useApi();
  const [location, navigate] = useLocation();
  const [problem, setProblem] = useState<string | null>(null);
  const current = useRef({ location, newConsultation });
  useEffect(() => {
    current.current = { location, newConsultation };
  });

  useEffect(() => {
    const run = async (command: MenuCommand) => {
      setProblem(null);
      switch (command) {
        case 'consultation.new':
          return current.current.newConsultation();
        case 'settings.open':
          return navigate('/settings');
        case 'sync.now':
          await api.call('sync.now', undefined);
          return;
        case 'backup.now':
          await saveFile(await api.call('backups.create', undefined));
          return;
        case 'export.pdf': {
          const id = /^\/c\/([^/]+)/.exec(current.current.location)?.[1];
          if (!id) return setProblem('Open a consultation to export its PDF summary.');
          await saveFile(await api.call('exports.summaryPdf', { consultationId: id }));
          return;
        }
      }
    };
    return api.on('menu.command', ({ command }) => {
      run(command).catch((error: unknown) => setProblem(error instanceof Error ? error.message : 'That did not work.'));
    });
  }, [api, navigate]);

  return { problem, clear: () => setProblem(null) };
}
