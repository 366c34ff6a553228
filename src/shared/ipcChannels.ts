/** The IPC channel names: one for calls, one for events. Kept apart so the preload bundles nothing else. */
export const IPC_INVOKE = 'fieldbook:invoke';
export const IPC_EVENT = 'fieldbook:event';
