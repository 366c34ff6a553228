import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutosaveQueue, type AutosavePayload } from './autosaveQueue';
import { operations } from '@shared/contract';
import type { AutosaveResult } from '@shared/consultation/model';
import type { WorkingSections } from '@shared/consultation/sections';

// Adversarial (branch attack): the queue against the real contract check the app runs on every autosave
// (handlers.ts parses the input with this schema and answers a validation error when it fails).

afterEach(() => vi.useRealTimers());

describe('attack: autosave queue and the notes limit', () => {
  it('a typed field is saved even while the private notes pasted in the same pause are over their limit', async () => {
    // Defect: every retry (and the unload request) resends the over-long notes with the field edits, the
    // contract refuses the whole payload each time, so the typed phone number is never stored.
    vi.useFakeTimers();
    const accepted: AutosavePayload[] = [];
    const check = (payload: AutosavePayload) => {
      const parsed = operations['consultations.autosave'].input.safeParse(payload);
      if (!parsed.success) throw new Error('Some fields need attention');
      accepted.push(payload);
    };
    const result: AutosaveResult = {
      updatedAt: '2026-01-01T00:00:01.000Z',
      completion: { percentage: 10, missing: [], canComplete: false },
      issues: [],
      rejected: [],
      conflicts: [],
      changedSinceVersion: true,
      currentVersion: 1,
    };
    const sections: WorkingSections = { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} };
    let notes = '';
    const queue = new AutosaveQueue({
      consultationId: '01a221f1-45a5-7304-a3c9-6d801e11523a',
      stored: { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} },
      send: async (payload) => (check(payload), result),
      sendOnUnload: (payload) => {
        try {
          check(payload);
        } catch {
          // the unload request is refused the same way
        }
      },
      read: () => ({ sections, notes }),
      enabled: () => true,
      onState: () => undefined,
      onSaved: () => undefined,
      delayMs: 600,
      retryMs: 4000,
    });
    sections.contact_info.phone = '+1 555 0199';
    queue.markDirty('contact_info.phone');
    notes = 'pasted '.repeat(20_000);
    queue.markDirty('notes');
    await vi.advanceTimersByTimeAsync(60_000);
    queue.flushOnUnload();
    queue.dispose();
    expect(accepted.flatMap((p) => p.edits)).toContainEqual(expect.objectContaining({ path: 'contact_info.phone', value: '+1 555 0199' }));
  });
});

describe('attack: autosave queue when the consultation stops being editable', () => {
  it('typing not yet sent when another window completes the consultation is not dropped without a word', async () => {
    // Defect: once the screen turns read-only (enabled() false), flush() and flushOnUnload() return early;
    // the unsent edit is neither sent, nor refused, nor "at risk", so the page closes without asking.
    vi.useFakeTimers();
    const sent: AutosavePayload[] = [];
    const sections: WorkingSections = { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} };
    let editable = true;
    const queue = new AutosaveQueue({
      consultationId: '01a221f1-45a5-7304-a3c9-6d801e11523a',
      stored: { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} },
      send: async (payload) => {
        sent.push(payload);
        throw new Error('This consultation is completed. Reopen it to make changes.');
      },
      sendOnUnload: (payload) => sent.push(payload),
      read: () => ({ sections, notes: '' }),
      enabled: () => editable,
      onState: () => undefined,
      onSaved: () => undefined,
      delayMs: 600,
      retryMs: 4000,
    });
    sections.contact_info.phone = '+1 555 0142';
    queue.markDirty('contact_info.phone');
    await vi.advanceTimersByTimeAsync(200);
    editable = false; // another window marked it completed; this screen turned read-only
    await vi.advanceTimersByTimeAsync(10_000);
    queue.flushOnUnload();
    // Either it was tried (and its refusal reported), or the page knows it holds typing it could not keep.
    expect(sent.length > 0 || queue.atRisk).toBe(true);
  });
});
