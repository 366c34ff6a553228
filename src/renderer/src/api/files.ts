import type { FilePayload } from '@shared/contract';
import type { Api } from './client';

/** What became of a file handed to the person. */
export type SaveOutcome = { kind: 'saved'; path: string; fileName: string } | { kind: 'downloaded'; fileName: string } | { kind: 'cancelled' };

let desktop: Api | null = null;
const listeners = new Set<(outcome: SaveOutcome) => void>();

/** In the desktop app files are saved through main's native dialog; the preview keeps browser downloads. */
export function setDesktopSaving(api: Api | null): void {
  desktop = api;
}

/** Told of every file saved or downloaded, so one notice can offer "Show in folder". */
export function onFileSaved(listener: (outcome: SaveOutcome) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Hands a file to the person: the desktop's save dialog (written by main), or a download in the preview. */
export async function saveFile(file: FilePayload): Promise<SaveOutcome> {
  let outcome: SaveOutcome;
  if (desktop) {
    const { path } = await desktop.call('files.save', file);
    outcome = path ? { kind: 'saved', path, fileName: file.fileName } : { kind: 'cancelled' };
  } else {
    download(file);
    outcome = { kind: 'downloaded', fileName: file.fileName };
  }
  if (outcome.kind !== 'cancelled') for (const listener of listeners) listener(outcome);
  return outcome;
}

function download(file: FilePayload): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file the consultant picked: a browser File (preview, drops), or a path main's open dialog returned. */
export type ChosenFile = { name: string; file: File } | { name: string; path: string };

/**
 * The desktop's native open dialog; `undefined` in the preview, whose caller opens its own file input.
 * Null when the consultant cancelled.
 */
export async function chooseWithDialog(purpose: 'import' | 'restore'): Promise<ChosenFile | null | undefined> {
  if (!desktop) return undefined;
  const { path, name } = await desktop.call('files.open', { purpose });
  return path ? { name: name ?? path, path } : null;
}

/** Imports a chosen export: main reads a dialog's path itself; a browser File is sent as text. */
export async function importChosen(api: Api, chosen: ChosenFile) {
  return 'path' in chosen
    ? api.call('exports.importFile', { path: chosen.path })
    : api.call('exports.importJson', { text: await readChosenFile(chosen.file, 'text') });
}

/** Restores a chosen backup, the same way round. */
export async function restoreChosen(api: Api, chosen: ChosenFile) {
  return 'path' in chosen
    ? api.call('backups.restoreFile', { path: chosen.path })
    : api.call('backups.restore', { base64: await readChosenFile(chosen.file, 'base64') });
}

/** Reads a chosen file as text or base64, for import and restore. */
export async function readChosenFile(file: File, as: 'text' | 'base64'): Promise<string> {
  if (as === 'text') return file.text();
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A Fieldbook backup is an SQLite file; an export is JSON. Judged by the first bytes, not the name. */
export async function kindOfDroppedFile(file: File): Promise<'backup' | 'export' | null> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (String.fromCharCode(...head) === 'SQLite format 3\0') return 'backup';
  const start = (await file.slice(0, 64).text()).trimStart();
  return start.startsWith('{') ? 'export' : null;
}
