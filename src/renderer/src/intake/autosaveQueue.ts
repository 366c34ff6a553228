import type { AutosaveResult } from '@shared/consultation/model';
import type { WorkingSections } from '@shared/consultation/sections';
import { utf8Bytes, type FieldEdit } from '@shared/consultation/edits';
import { FIELDS, getPath } from '@shared/consultation/fields';

export type AutosaveState =
  { kind: 'idle'; savedAt: string | null } | { kind: 'pending' } | { kind: 'saving' } | { kind: 'saved'; savedAt: string } | { kind: 'error'; message: string };

export interface AutosavePayload {
  consultationId: string;
  edits: FieldEdit[];
  notes?: string | null;
}

export interface AutosaveQueueOptions {
  consultationId: string;
  /** What is stored now, field by field: the base each edit is checked against. */
  stored: WorkingSections;
  send: (payload: AutosavePayload) => Promise<AutosaveResult>;
  sendOnUnload: (payload: AutosavePayload) => void;
  read: () => { sections: WorkingSections; notes: string };
  enabled: () => boolean;
  onState: (state: AutosaveState) => void;
  onSaved: (result: AutosaveResult) => void;
  delayMs: number;
  retryMs: number;
  /**
   * The most a request that outlives the page may carry (a keepalive fetch: 64 KiB in all, in Chromium);
   * absent when it has no such limit (Electron's IPC).
   */
  unloadLimitBytes?: number;
}

/** A keepalive fetch body, with room left under Chromium's 64 KiB for every keepalive request of the page. */
export const KEEPALIVE_BODY_BYTES = 60_000;

/** The catalogue field a form input belongs to ("pain_points.primary_challenges.2" -> the list field). */
export function fieldOfInput(name: string): string | undefined {
  return FIELDS.find((field) => name === field.path || name.startsWith(`${field.path}.`))?.path;
}

const NOTES = 'notes';

/**
 * Saves field edits on every pause in typing. Only changed fields are sent, each with the value this window
 * last knew to be stored, so another window's work is never overwritten silently; saves never overlap (a
 * change made during a save goes right after it); a failed save keeps its changes and retries; a field the
 * app refuses (a hard limit) is held back and reported, and the rest keeps saving; `flushOnUnload` hands
 * what is unsent to a request that outlives the page.
 */
export class AutosaveQueue {
  private readonly dirty = new Set<string>();
  /** Fields refused by a hard limit: unsaved until they change again. */
  private readonly refused = new Set<string>();
  private readonly bases = new Map<string, unknown>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private failing = false;
  private readonly sending = new Set<string>();
  /** The values of the save under way: an unload save made before its answer names them as a base too. */
  private readonly sendingValues = new Map<string, unknown>();
  /** The newest write this window made: a read older than it is stale for this window. */
  lastSavedAt = '';

  constructor(private readonly options: AutosaveQueueOptions) {
    this.adopt(options.stored);
  }

  /** What is unsaved: changes not sent yet, a save under way, or fields the app refused. */
  get hasUnsent(): boolean {
    return this.dirty.size > 0 || this.inFlight !== null || this.refused.size > 0;
  }

  /** Typing that only this page holds and that a normal unload save may not rescue: refused, or saves failing. */
  get atRisk(): boolean {
    // Typing left unsent when the screen turned read-only (another window completed or archived it) too.
    if (this.refused.size > 0 || (this.dirty.size > 0 && (this.failing || !this.options.enabled()))) return true;
    // More than the request that outlives the page can carry (a long field, a big paste): ask before leaving.
    return this.unloadLimited && this.unloadKeys().length > 0 && this.bytesOf(this.payload(this.unloadKeys())) > this.options.unloadLimitBytes!;
  }

  private get unloadLimited(): boolean {
    return this.options.unloadLimitBytes !== undefined;
  }

  /** What an unload save must carry: unsent changes, and a save under way (the page may cancel it; resending is harmless). */
  private unloadKeys(): string[] {
    return [...new Set([...this.sending, ...this.dirty])];
  }

  private bytesOf(payload: AutosavePayload): number {
    return utf8Bytes(JSON.stringify(payload));
  }

  /** Fields with typing not yet stored. */
  isPending(path: string): boolean {
    return this.dirty.has(path) || this.refused.has(path) || this.sending.has(path);
  }

  /** Takes what is stored now as the base of every field not being edited here. */
  adopt(stored: WorkingSections, paths: readonly string[] = FIELDS.map((f) => f.path)): void {
    for (const path of paths) if (!this.isPending(path)) this.bases.set(path, getPath(stored, path) ?? null);
  }

  /** The consultant chose a value for a field in conflict: `force` keeps this window's whatever is stored. */
  settle(path: string, stored: unknown, force: boolean): void {
    this.bases.set(path, stored ?? null);
    if (force) {
      this.bases.delete(path);
      this.markDirty(path);
    }
  }

  markDirty(nameOrNotes: string): void {
    if (!this.options.enabled()) return;
    const key = nameOrNotes === NOTES ? NOTES : fieldOfInput(nameOrNotes);
    if (!key) return;
    this.refused.delete(key);
    this.dirty.add(key);
    if (!this.inFlight) this.options.onState({ kind: 'pending' });
    // Unsent text that an unload request could no longer carry is saved now, not after the pause.
    const large = this.unloadLimited && this.bytesOf(this.payload([...this.dirty])) > this.options.unloadLimitBytes! / 2;
    this.schedule(large ? 0 : this.options.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private payload(keys: readonly string[]): AutosavePayload {
    const { sections, notes } = this.options.read();
    const edits: FieldEdit[] = keys
      .filter((key) => key !== NOTES)
      .map((path) => {
        const edit: FieldEdit = { path, value: getPath(sections, path) ?? null };
        if (this.bases.has(path)) edit.base = this.bases.get(path);
        // The save under way may land before this one: its value is then what is stored, not a conflict.
        if (this.bases.has(path) && this.sendingValues.has(path)) edit.sentBase = this.sendingValues.get(path);
        return edit;
      });
    return { consultationId: this.options.consultationId, edits, ...(keys.includes(NOTES) ? { notes: notes || null } : {}) };
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    if (!this.dirty.size || !this.options.enabled()) return;
    const sent = [...this.dirty];
    const payload = this.payload(sent);
    this.dirty.clear();
    for (const key of sent) this.sending.add(key);
    for (const edit of payload.edits) this.sendingValues.set(edit.path, edit.value ?? null);
    this.options.onState({ kind: 'saving' });
    this.inFlight = this.options
      .send(payload)
      .then((result) => {
        this.failing = false;
        if (result.updatedAt > this.lastSavedAt) this.lastSavedAt = result.updatedAt;
        const refused = new Set(result.rejected.map((r) => (r.path === NOTES ? NOTES : fieldOfInput(r.path))));
        const conflicted = new Set(result.conflicts.map((c) => c.path));
        if (refused.has(NOTES) && sent.includes(NOTES)) this.refused.add(NOTES);
        for (const edit of payload.edits) {
          if (refused.has(edit.path)) this.refused.add(edit.path);
          else if (!conflicted.has(edit.path)) this.bases.set(edit.path, edit.value ?? null);
        }
        this.options.onSaved(result);
        if (this.refused.size) this.options.onState({ kind: 'error', message: 'a field is too long to keep; every other change is saved' });
        else this.options.onState(this.dirty.size ? { kind: 'pending' } : { kind: 'saved', savedAt: result.updatedAt });
      })
      .catch((error: unknown) => {
        this.failing = true;
        for (const key of sent) this.dirty.add(key);
        this.options.onState({ kind: 'error', message: error instanceof Error ? error.message : 'unknown error' });
        this.schedule(this.options.retryMs);
      })
      .finally(() => {
        this.sending.clear();
        this.sendingValues.clear();
        this.inFlight = null;
      });
    await this.inFlight;
    if (this.dirty.size && !this.timer) this.schedule(this.options.delayMs);
  }

  /**
   * The page is going away: send what is unsent (and a save under way, which the page may cancel) with a
   * request that survives it. Under a size limit, the smallest fields go first so as many as fit are kept.
   */
  flushOnUnload(): void {
    const keys = this.unloadKeys();
    if (!keys.length || !this.options.enabled()) return;
    let chosen = keys;
    if (this.unloadLimited && this.bytesOf(this.payload(keys)) > this.options.unloadLimitBytes!) {
      chosen = [];
      for (const key of [...keys].sort((a, b) => this.bytesOf(this.payload([a])) - this.bytesOf(this.payload([b])))) {
        if (this.bytesOf(this.payload([...chosen, key])) <= this.options.unloadLimitBytes!) chosen.push(key);
      }
    }
    if (chosen.length) this.options.sendOnUnload(this.payload(chosen));
    for (const key of chosen) this.dirty.delete(key);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
