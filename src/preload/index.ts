import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '@shared/ipcChannels';

// The renderer's only door to the main process: call an operation, listen to events. Frozen, nothing else.
const api = Object.freeze({
  invoke: (operation: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_INVOKE, operation, input),
  subscribe(listener: (name: string, payload: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
});

contextBridge.exposeInMainWorld('fieldbook', api);
