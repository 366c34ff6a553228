import type { AutosaveResult } from '../../../shared/consultation/model';
import type { DraftSections } from '../../../shared/consultation/sections';
import type { SectionKey } from '../../../shared/consultation/fields';

export type AutosaveState =
  | { kind: 'idle'; savedAt: string | null }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; savedAt: string }
  | { kind: 'error'; message: string };

export type DirtyKey = SectionKey | 'notes';

export interface AutosavePayload {
  consultationId: string;
  sections: Partial<DraftSections>;
  draftNotes?: string | null;
}

export interface AutosaveQueueOptions {
  consultationId: string;
  send: (payload: AutosavePayload) => Promise<AutosaveResult>;
  sendOnUnload: (payload: AutosavePayload) => void;
  read: () => { sections: DraftSections; notes: string };
  enabled: () => boolean;
  onState: (state: AutosaveState) => void;
  onSaved: (result: AutosaveResult) => void;
  delayMs: number;
  retryMs: number;
}

/**
 * Saves the draft on every pause in typing. Only changed sections are sent; saves never overlap (a change
 * made during a save goes right after it); a failed save keeps its changes and retries; `flushOnUnload`
 * hands what is unsent to a request that outlives the page.
 */
export class AutosaveQueue {
  private readonly dirty = new Set<DirtyKey>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly options: AutosaveQueueOptions) {}

  get hasUnsent(): boolean {
    return this.dirty.size > 0 || this.inFlight !== null;
  }

  markDirty(key: DirtyKey): void {
    if (!this.options.enabled()) return;
    this.dirty.add(key);
    if (!this.inFlight) this.options.onState({ kind: 'pending' });
    this.schedule(this.options.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private payload(): AutosavePayload {
    const { sections, notes } = this.options.read();
    const changed: Record<string, unknown> = {};
    for (const key of this.dirty) if (key !== 'notes') changed[key] = sections[key];
    return {
      consultationId: this.options.consultationId,
      sections: changed as Partial<DraftSections>,
      ...(this.dirty.has('notes') ? { draftNotes: notes || null } : {}),
    };
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    if (!this.dirty.size || !this.options.enabled()) return;
    const payload = this.payload();
    const sent = [...this.dirty];
    this.dirty.clear();
    this.options.onState({ kind: 'saving' });
    this.inFlight = this.options
      .send(payload)
      .then((result) => {
        this.options.onSaved(result);
        this.options.onState(this.dirty.size ? { kind: 'pending' } : { kind: 'saved', savedAt: result.updatedAt });
      })
      .catch((error: unknown) => {
        for (const key of sent) this.dirty.add(key);
        this.options.onState({ kind: 'error', message: error instanceof Error ? error.message : 'unknown error' });
        this.schedule(this.options.retryMs);
      })
      .finally(() => {
        this.inFlight = null;
      });
    await this.inFlight;
    if (this.dirty.size && !this.timer) this.schedule(this.options.delayMs);
  }

  /** The page is going away: send what is unsent with a request that survives it. */
  flushOnUnload(): void {
    if (!this.dirty.size || !this.options.enabled()) return;
    this.options.sendOnUnload(this.payload());
    this.dirty.clear();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
