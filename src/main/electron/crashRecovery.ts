import type { Dialog, RenderProcessGoneDetails, WebContents } from 'electron';

type Log = { error(...args: unknown[]): void; info(...args: unknown[]): void };

/**
 * When the renderer dies (crash, out of memory, killed), the window would stay blank: log why and offer a
 * reload. Everything typed up to the last autosave is in the database, so a reload loses nothing saved.
 */
export function handleRenderProcessGone(
  contents: Pick<WebContents, 'on' | 'reload' | 'isDestroyed'>,
  dialog: Pick<Dialog, 'showMessageBox'>,
  log: Log,
  quit: () => void,
): void {
  contents.on('render-process-gone', (_event, details: RenderProcessGoneDetails) => {
    log.error(`Renderer gone: ${details.reason} (exit code ${details.exitCode})`);
    if (details.reason === 'clean-exit') return;
    void dialog
      .showMessageBox({
        type: 'error',
        title: 'Fieldbook stopped showing',
        message: 'The Fieldbook window stopped working.',
        detail: 'Your work is saved up to the last autosave. Reload the window to carry on.',
        buttons: ['Reload', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response === 0 && !contents.isDestroyed()) contents.reload();
        else if (response === 1) quit();
      });
  });
}
