import { statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { BrowserWindow, Dialog, Shell } from 'electron';
import type { DesktopFiles } from '../handlers';
import type { FilePayload } from '@shared/contract';
import { AppFailure } from '@shared/errors';

const FILTERS: Record<string, { name: string; extensions: string[] }> = {
  '.pdf': { name: 'PDF document', extensions: ['pdf'] },
  '.csv': { name: 'CSV spreadsheet', extensions: ['csv'] },
  '.json': { name: 'Fieldbook export', extensions: ['json'] },
  '.db': { name: 'Fieldbook backup', extensions: ['db'] },
};

const OPEN_FILTERS = {
  import: [{ name: 'Fieldbook export', extensions: ['json'] }],
  restore: [{ name: 'Fieldbook backup', extensions: ['db', 'sqlite', 'sqlite3'] }],
};

/**
 * Native save and open dialogs with files written and read by main, and "Show in folder" for what this
 * session saved. Only paths the consultant picked in a dialog are honoured: the renderer cannot name, read
 * or probe arbitrary files through these.
 */
export function desktopFiles(
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>,
  shell: Pick<Shell, 'showItemInFolder'>,
  window: () => BrowserWindow | null,
  defaultFolder: () => string,
): DesktopFiles {
  const saved = new Set<string>();
  const chosen = new Set<string>();
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
    async open(purpose) {
      const options = { defaultPath: defaultFolder(), properties: ['openFile' as const], filters: OPEN_FILTERS[purpose] };
      const parent = window();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      const path = result.canceled ? undefined : result.filePaths[0];
      if (!path) return { path: null, name: null };
      chosen.add(path);
      return { path, name: basename(path) };
    },
    chosen(path: string) {
      if (!chosen.has(path)) throw new AppFailure('forbidden', 'Choose the file again: Fieldbook only opens files picked in its dialog.');
      // A pipe or device would block main while read: only plain files.
      if (!statSync(path).isFile()) throw new AppFailure('validation', 'This is not a file Fieldbook can open. Choose a Fieldbook export or backup.');
      return path;
    },
    showInFolder(path: string) {
      if (!saved.has(path)) return { shown: false };
      shell.showItemInFolder(path);
      return { shown: true };
    },
  };
}
