import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '@shared/contract';

export interface MenuActions {
  /** Sent to the renderer as the contract's `menu.command` event; the screens do the work. */
  command(command: MenuCommand): void;
  openLogs(): void;
  openDataFolder(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Packaged builds have no reload or DevTools items (nor their shortcuts). */
  isPackaged: boolean;
  actions: MenuActions;
}

/** The application menu: the app's own commands with their usual shortcuts, standard roles for the rest. */
export function menuTemplate({ platform, isPackaged, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const run = (command: MenuCommand) => () => actions.command(command);
  const settings: MenuItemConstructorOptions = { label: isMac ? 'Settings…' : 'Settings', accelerator: 'CmdOrCtrl+,', click: run('settings.open') };
  const appMenu: MenuItemConstructorOptions = {
    label: 'Fieldbook',
    submenu: [
      { role: 'about' },
      { type: 'separator' },
      settings,
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  const fileMenu: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Consultation', accelerator: 'CmdOrCtrl+N', click: run('consultation.new') },
      { type: 'separator' },
      { label: 'Export PDF…', accelerator: 'CmdOrCtrl+E', click: run('export.pdf') },
      { label: 'Back Up Now…', accelerator: 'CmdOrCtrl+Shift+B', click: run('backup.now') },
      { label: 'Sync Now', accelerator: 'CmdOrCtrl+Shift+S', click: run('sync.now') },
      ...(isMac ? [] : [{ type: 'separator' } as const, settings]),
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const viewMenu: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(isPackaged ? [] : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Open Logs', click: () => actions.openLogs() },
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ...(isMac ? [] : ([{ type: 'separator' }, { label: 'About Fieldbook', role: 'about' }] as const)),
    ],
  };
  return [...(isMac ? [appMenu] : []), fileMenu, { role: 'editMenu' }, viewMenu, { role: 'windowMenu' }, helpMenu];
}

export function buildMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(options)));
}
