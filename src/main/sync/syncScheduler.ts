import type { SyncStatus } from '@shared/contract';
import type { SyncEngine } from './syncEngine';
import { describeSyncError, type SyncTrouble } from './syncErrors';

// The background job: syncs on start, on an interval, and when nudged (network regained, "Sync now").
// Failures back off exponentially with jitter. It never blocks local work: local writes are short
// transactions and the network waits are asynchronous. stop() waits for a run in progress.

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 10 * 60_000;

export interface SchedulerOptions {
  /** The engine for the current settings, or null when sync is off or not set up. */
  engine: () => SyncEngine | null;
  intervalMs: () => number;
  pending: () => number;
  emit: (status: SyncStatus) => void;
  /** Called after a run that brought changes from the team, so open screens refresh. */
  pulledChanges?: () => void;
  random?: () => number;
  /** Words for a failed run (the service knows whether a token was sent). */
  describe?: (error: unknown) => SyncTrouble;
  /** Whether sync is on now (settings may change during a run: a restored backup's have it off). */
  enabled?: () => boolean;
}

/** Backoff before attempt `failures + 1`: base * 2^(failures-1), capped, times a jitter in [0.5, 1.5). */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + random()));
}

/** Runs in a row that may follow a successful one when changes are still waiting (typed during the run). */
const CATCH_UP_RUNS = 3;

const waitingMessage = (n: number) => `${n.toLocaleString('en-US')} change${n === 1 ? ' is' : 's are'} still waiting to be sent. Sync will try again.`;

export class SyncScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private failures = 0;
  private catchUps = 0;
  status: SyncStatus = { state: 'disabled', pending: 0, lastSyncedAt: null, message: null, progress: null };

  constructor(private readonly options: SchedulerOptions) {}

  private set(next: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...next, pending: this.options.pending() };
    this.options.emit(this.status);
  }

  start(): void {
    this.stopped = false;
    void this.nudge();
  }

  /** Sync as soon as possible; resolves when a run that started after this call is over. */
  async nudge(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) {
      // A run is under way with what it read at its start: run once more after it.
      this.again = true;
      await this.running;
      await this.running;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.nudge();
      }
    });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.nudge(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    try {
      const engine = this.options.engine();
      if (!engine) return this.turnedOff();
      this.set({ state: 'syncing', message: null, progress: null });
      const report = await engine.syncOnce();
      if (report.pulled > 0 || report.merged > 0) this.options.pulledChanges?.();
      this.failures = 0;
      const waiting = this.options.pending();
      // "Up to date" only when nothing waits: changes typed during the run go out in a run right after it.
      if (waiting > 0 && this.catchUps < CATCH_UP_RUNS) {
        this.catchUps += 1;
        this.again = true;
        this.set({ state: 'syncing', lastSyncedAt: new Date().toISOString(), message: null, progress: null });
        return;
      }
      this.catchUps = 0;
      if (waiting > 0) {
        this.set({ state: 'error', lastSyncedAt: new Date().toISOString(), message: waitingMessage(waiting), progress: null });
        this.schedule(backoffMs(1, this.options.random));
        return;
      }
      this.set({ state: 'up_to_date', lastSyncedAt: new Date().toISOString(), message: teamNote(report), progress: null });
      this.schedule(this.options.intervalMs());
    } catch (error) {
      // Stopped meanwhile (the app closing, its database with it): nothing to describe, no one to tell.
      if (this.stopped) return console.warn('Sync ended as the app stopped', error);
      // Turned off meanwhile (a restored backup's settings): not a problem to report, nor a run to retry.
      if (this.options.enabled?.() === false) {
        console.warn('Sync ended as it was turned off', error);
        this.catchUps = 0;
        return this.turnedOff();
      }
      this.failures += 1;
      this.catchUps = 0;
      // The raw error is for the log; the status carries words.
      console.warn('Sync failed', error);
      const { state, message } = (this.options.describe ?? describeSyncError)(error);
      this.set({ state, message, progress: null });
      this.schedule(backoffMs(this.failures, this.options.random));
    }
  }

  /** Sync is off: nothing failed, nothing to retry. */
  private turnedOff(): void {
    this.failures = 0;
    this.set({ state: 'disabled', message: null, progress: null });
  }

  progress(done: number, total: number): void {
    this.set({ state: 'syncing', progress: { done, total } });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}

/** What the consultant should hear after a good sync: rows from the team kept aside, or a notice. */
export function teamNote(report: { quarantined?: number; notices?: readonly string[] }): string | null {
  const quarantined = report.quarantined ?? 0;
  if (quarantined > 0)
    return `${quarantined} change${quarantined === 1 ? '' : 's'} from the team could not be read and ${quarantined === 1 ? 'was' : 'were'} kept aside; everything else synced.`;
  return report.notices?.at(-1) ?? null;
}
