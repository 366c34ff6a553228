// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiContext } from '../api/ApiContext';
import { createApi } from '../api/client';
import { saveFile, setDesktopSaving } from '../api/files';
import { SavedFileNotice } from './SavedFileNotice';
import { TokenStorageNote } from './TokenStorageNote';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { DataSection } from '../screens/DataSection';

// The desktop side of saving a file, against a transport that answers as main's IPC bridge does.

afterEach(() => {
  cleanup();
  setDesktopSaving(null);
});

function desktopTransport(answers: Record<string, unknown>) {
  const calls: [string, unknown][] = [];
  const api = createApi({
    kind: 'ipc',
    invoke: async (operation, input) => (calls.push([operation, input]), { ok: true, value: answers[operation] }),
    subscribe: () => () => undefined,
    invokeOnUnload: () => undefined,
  });
  return { api, calls };
}

describe('saving in the desktop app', () => {
  it('goes through main’s save dialog, then offers Show in folder for the saved path', async () => {
    const { api, calls } = desktopTransport({ 'files.save': { path: '/home/ada/Documents/Nordlicht-v1.pdf' }, 'files.showInFolder': { shown: true } });
    setDesktopSaving(api);
    render(
      <ApiContext.Provider value={api}>
        <SavedFileNotice />
      </ApiContext.Provider>,
    );
    const file = { fileName: 'Nordlicht-v1.pdf', mimeType: 'application/pdf', base64: 'JVBERg==' };
    await act(async () => {
      expect(await saveFile(file)).toEqual({ kind: 'saved', path: '/home/ada/Documents/Nordlicht-v1.pdf', fileName: 'Nordlicht-v1.pdf' });
    });
    expect(screen.getByRole('status', { name: 'File saved' }).textContent).toContain('Saved to /home/ada/Documents/Nordlicht-v1.pdf');
    await userEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
    expect(calls).toEqual([
      ['files.save', file],
      ['files.showInFolder', { path: '/home/ada/Documents/Nordlicht-v1.pdf' }],
    ]);
  });

  it('says nothing when the dialog was cancelled', async () => {
    const { api } = desktopTransport({ 'files.save': { path: null } });
    setDesktopSaving(api);
    render(
      <ApiContext.Provider value={api}>
        <SavedFileNotice />
      </ApiContext.Provider>,
    );
    await act(async () => {
      expect(await saveFile({ fileName: 'a.json', mimeType: 'application/json', base64: '' })).toEqual({ kind: 'cancelled' });
    });
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('opening a file in the desktop app', () => {
  function renderData(answers: Record<string, unknown>) {
    const { api, calls } = desktopTransport({ 'backups.list': [], ...answers });
    setDesktopSaving(api);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ApiContext.Provider value={api}>
          <DataSection dataFolder="/home/ada/.config/Fieldbook" />
        </ApiContext.Provider>
      </QueryClientProvider>,
    );
    return calls;
  }

  it('imports through main’s open dialog: the file is read by main, never sent by the window', async () => {
    const report = { consultationsAdded: 2, consultationsUpdated: 0, versionsAdded: 3, unchanged: 0, skipped: [] };
    const calls = renderData({ 'files.open': { path: '/home/ada/export.json', name: 'export.json' }, 'exports.importFile': report });
    await userEvent.click(screen.getByRole('button', { name: 'Import JSON…' }));
    expect(await screen.findByText(/Imported: 2 new, 0 updated, 3 versions added/)).toBeTruthy();
    expect(calls.filter(([op]) => op !== 'backups.list')).toEqual([
      ['files.open', { purpose: 'import' }],
      ['exports.importFile', { path: '/home/ada/export.json' }],
    ]);
  });

  it('asks before restoring the backup chosen in the dialog, and does nothing when cancelled', async () => {
    const calls = renderData({
      'files.open': { path: '/media/usb/fieldbook.db', name: 'fieldbook.db' },
      'backups.restoreFile': { consultations: 4, safetyCopy: 'before-restore.db' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Restore a backup…' }));
    expect(screen.getByRole('region', { name: 'Confirm restore' }).textContent).toContain('Replace everything on this device with fieldbook.db?');
    expect(calls.some(([op]) => op === 'backups.restoreFile')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Restore…' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Restore' }));
    expect(await screen.findByText(/Restored 4 consultations/)).toBeTruthy();
    expect(calls.filter(([op]) => op === 'backups.restoreFile')).toEqual([['backups.restoreFile', { path: '/media/usb/fieldbook.db' }]]);
  });
});

describe('token storage note', () => {
  it('tells the consultant when the token lives only in memory, and stays silent otherwise', () => {
    const { rerender } = render(<TokenStorageNote storage="memory" />);
    expect(screen.getByRole('note').textContent).toMatch(
      /kept only in memory while Fieldbook is\s+open and is never written to disk\. After you quit, enter it again/,
    );
    rerender(<TokenStorageNote storage="os-keychain" />);
    expect(screen.queryByRole('note')).toBeNull();
  });
});
