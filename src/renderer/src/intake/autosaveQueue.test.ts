import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutosaveQueue, type AutosavePayload, type AutosaveState } from './autosaveQueue';
import type { AutosaveResult } from '../../../shared/consultation/model';
import type { DraftSections } from '../../../shared/consultation/sections';

const result = (n: number): AutosaveResult => ({
  updatedAt: `2026-01-01T00:00:0${n}.000Z`,
  completion: { percentage: n, missing: [], canComplete: false },
  issues: [],
});

function setup(overrides: { send?: (p: AutosavePayload) => Promise<AutosaveResult> } = {}) {
  const sections: DraftSections = { contact_info: {}, business_context: {}, pain_points: {}, goals_objectives: {} };
  let notes = '';
  const sent: AutosavePayload[] = [];
  const unloaded: AutosavePayload[] = [];
  const states: AutosaveState['kind'][] = [];
  let n = 0;
  const queue = new AutosaveQueue({
    consultationId: 'c1',
    send: overrides.send ?? (async (p) => (sent.push(structuredClone(p)), result(++n))),
    sendOnUnload: (p) => unloaded.push(structuredClone(p)),
    read: () => ({ sections, notes }),
    enabled: () => true,
    onState: (s) => states.push(s.kind),
    onSaved: () => undefined,
    delayMs: 600,
    retryMs: 4000,
  });
  return { queue, sections, sent, unloaded, states, setNotes: (v: string) => (notes = v) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('autosave queue', () => {
  it('saves once after a pause in typing, sending only the sections that changed', async () => {
    const { queue, sections, sent } = setup();
    for (const text of ['A', 'Ac', 'Acm', 'Acme']) {
      sections.contact_info.business_name = text;
      queue.markDirty('contact_info');
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    expect(sent).toEqual([{ consultationId: 'c1', sections: { contact_info: { business_name: 'Acme' } } }]);
  });

  it('never overlaps saves: a change made during a save is sent right after it', async () => {
    let release: () => void = () => undefined;
    const sent: AutosavePayload[] = [];
    let active = 0;
    let maxActive = 0;
    const { queue, sections } = setup({
      send: (p) => {
        sent.push(structuredClone(p));
        active += 1;
        maxActive = Math.max(maxActive, active);
        return new Promise((resolve) => {
          release = () => {
            active -= 1;
            resolve(result(sent.length));
          };
        });
      },
    });
    sections.contact_info.email = 'a@';
    queue.markDirty('contact_info');
    await vi.advanceTimersByTimeAsync(600);
    sections.pain_points.urgency_level = 'high';
    queue.markDirty('pain_points');
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(700);
    expect(sent.map((p) => Object.keys(p.sections))).toEqual([['contact_info'], ['pain_points']]);
    release();
    expect(maxActive).toBe(1);
  });

  it('keeps changes after a failed save, reports why, and retries them', async () => {
    let fail = true;
    const sent: AutosavePayload[] = [];
    const { queue, sections, states } = setup({
      send: async (p) => {
        sent.push(structuredClone(p));
        if (fail) throw new Error('The disk is full.');
        return result(1);
      },
    });
    sections.goals_objectives.kpis = ['NPS'];
    queue.markDirty('goals_objectives');
    await vi.advanceTimersByTimeAsync(600);
    expect(states.at(-1)).toBe('error');
    fail = false;
    await vi.advanceTimersByTimeAsync(4000);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.sections).toEqual({ goals_objectives: { kpis: ['NPS'] } });
    expect(states.at(-1)).toBe('saved');
  });

  it('hands unsent changes to the unload request when the page goes away', async () => {
    const { queue, sections, sent, unloaded, setNotes } = setup();
    sections.contact_info.contact_person = 'Noor';
    queue.markDirty('contact_info');
    setNotes('call back Tuesday');
    queue.markDirty('notes');
    queue.flushOnUnload();
    expect(unloaded).toEqual([{ consultationId: 'c1', sections: { contact_info: { contact_person: 'Noor' } }, draftNotes: 'call back Tuesday' }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(0);
    expect(queue.hasUnsent).toBe(false);
  });
});
