import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { BrowserWindow, Dialog, Shell } from 'electron';
import type { DesktopFiles } from '../handlers';
import type { FilePayload } from '../../shared/contract';

const FILTERS: Record<string, { name: string; extensions: string[] }> = {
  '.pdf': { name: 'PDF document', extensions: ['pdf'] },
  '.csv': { name: 'CSV spreadsheet', extensions: ['csv'] },
  '.json': { name: 'Fieldbook export', extensions: ['json'] },
  '.db': { name: 'Fieldbook backup', extensions: ['db'] },
};

/**
 * Native save dialog with the file written by main, and "Show in folder" for what this session saved (and
 * nothing else: the renderer cannot probe arbitrary paths through it).
 */
export function desktopFiles(
  dialog: Pick<Dialog, 'showSaveDialog'>,
  shell: Pick<Shell, 'showItemInFolder'>,
  window: () => BrowserWindow | null,
  defaultFolder: () => string,
): DesktopFiles {
  const saved = new Set<string>();
  return {
    async save(file: FilePayload) {
      const filter = FILTERS[extname(file.fileName).toLowerCase()];
      const options = { defaultPath: join(defaultFolder(), file.fileName), filters: filter ? [filter] : [] };
      const parent = window();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return { path: null };
      writeFileSync(result.filePath, Buffer.from(file.base64, 'base64'));
      saved.add(result.filePath);
      return { path: result.filePath };
    },
    showInFolder(path: string) {
      if (!saved.has(path)) return { shown: false };
      shell.showItemInFolder(path);
      return { shown: true };
    },
  };
}
