import type { FilePayload } from '../../../shared/contract';

/**
 * Hands a file to the person: a download in the browser preview; in Electron the same download opens the
 * system's save dialog (Electron's default for downloads).
 */
export function saveFile(file: FilePayload): void {
  handOver(file);
  for (const listener of savedListeners) listener(file.fileName);
}

const savedListeners = new Set<(fileName: string) => void>();

/** Every export goes through saveFile; this is how the screen says where each file went. */
export function onFileSaved(listener: (fileName: string) => void): () => void {
  savedListeners.add(listener);
  return () => savedListeners.delete(listener);
}

function handOver(file: FilePayload): void {
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

/** Reads a chosen file as text or base64, for import and restore. */
export async function readChosenFile(file: File, as: 'text' | 'base64'): Promise<string> {
  if (as === 'text') return file.text();
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
