import type { PowerMonitor } from 'electron';

/** A laptop waking up has likely missed sync runs and may be back on a network: sync now. */
export function syncOnResume(powerMonitor: Pick<PowerMonitor, 'on' | 'off'>, nudge: () => Promise<void>): () => void {
  const onResume = () => void nudge().catch(() => undefined);
  powerMonitor.on('resume', onResume);
  return () => powerMonitor.off('resume', onResume);
}
