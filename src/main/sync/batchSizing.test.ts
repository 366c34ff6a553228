import { afterEach, describe, expect, it } from 'vitest';
import { LinkSizer, MAX_PAGE_BYTES, pushSlice } from './batchSizing';
import { openTestApp, type TestApp } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import { SyncOutbox, type Entity } from '../store/syncOutbox';

/** A request that takes as long as `bytes` need at `bytesPerSecond`. */
const transfer = (bytesPerSecond: number) => (bytes: number) => new Promise<number>((r) => setTimeout(() => r(bytes), (bytes / bytesPerSecond) * 1000));

describe('link sizing', () => {
  it('sizes requests to about a quarter of the timeout at the measured rate, within bounds', async () => {
    const slow = new LinkSizer({ timeoutMs: 2_000 });
    const send = transfer(50 * 1024);
    for (let i = 0; i < 4; i += 1) await slow.timed(slow.budgetBytes(), () => send(slow.budgetBytes()));
    // 50 KB/s × 2 s × 0.25 = 25 KB, give or take timer slack on a busy machine.
    expect(slow.budgetBytes()).toBeGreaterThan(15 * 1024);
    expect(slow.budgetBytes()).toBeLessThan(40 * 1024);

    const fast = new LinkSizer({ timeoutMs: 15_000 });
    for (let i = 0; i < 8; i += 1) await fast.timed(fast.budgetBytes(), async () => undefined);
    expect(fast.budgetBytes()).toBe(MAX_PAGE_BYTES); // never over the page cap, however fast
  });

  it('halves after a failure, never below the floor, and ignores tiny requests', async () => {
    const sizer = new LinkSizer({ startBytes: 64 * 1024, minBytes: 4 * 1024 });
    for (let i = 0; i < 10; i += 1) await expect(sizer.timed(1, () => Promise.reject(new Error('timeout')))).rejects.toThrow();
    expect(sizer.budgetBytes()).toBe(4 * 1024);
    const before = sizer.budgetBytes();
    await sizer.timed(10, () => new Promise((r) => setTimeout(r, 200))); // 10 bytes in 200 ms says nothing about the rate
    expect(sizer.budgetBytes()).toBe(before);
  });

  it('covers about one budget of rows per pull log page', () => {
    const sizer = new LinkSizer({ startBytes: 200_000 });
    sizer.observeRows(20 * 10_000, 20); // rows of ~10 KB
    sizer.observeRows(20 * 10_000, 20);
    expect(sizer.logPageRows()).toBeGreaterThanOrEqual(50);
    expect(sizer.logPageRows()).toBeLessThan(100);
    sizer.observeRows(0, 0);
    expect(new LinkSizer({ startBytes: MAX_PAGE_BYTES }).logPageRows()).toBe(1000);
  });
});

describe('push slices', () => {
  let app: TestApp | null = null;
  afterEach(() => app?.close());

  it('takes outbox entries in order while they fit the budget, and always at least one', () => {
    app = openTestApp();
    const long = 'Ω'.repeat(4_000);
    for (let i = 0; i < 10; i += 1) {
      const s = fullSections(`Slice ${i}`);
      app.consultations.create({ sections: { ...s, pain_points: { ...s.pain_points, impact_assessment: long } } });
    }
    const outbox = new SyncOutbox(app.database);
    const entries = outbox.page(1_000);
    const size = (e: { entity: Entity; id: string }) => outbox.textBytes(e.entity, e.id);
    const whole = pushSlice(entries, Number.MAX_SAFE_INTEGER, size);
    expect(whole.entries).toEqual(entries);
    // Each consultation and each version carries ~8 KB of Ω (2 bytes each): a 40 KB budget takes a few, in order.
    const part = pushSlice(entries, 40 * 1024, size);
    expect(part.entries.length).toBeGreaterThan(1);
    expect(part.entries.length).toBeLessThan(entries.length);
    expect(part.entries).toEqual(entries.slice(0, part.entries.length));
    expect(part.bytes).toBeLessThanOrEqual(40 * 1024);
    expect(pushSlice(entries, 1, size).entries).toEqual(entries.slice(0, 1));
  });

  it('sizes every entry of a page in one read, exactly as textBytes does one by one, after any seq', () => {
    app = openTestApp();
    const long = fullSections('Long');
    const ids = [fullSections('Small'), { ...long, pain_points: { ...long.pain_points, impact_assessment: 'Ω'.repeat(3_000) } }, fullSections('Deleted')].map(
      (sections) => app!.consultations.create({ sections }).consultation.id,
    );
    app.consultations.autosave({ consultationId: ids[0]!, edits: [{ path: 'contact_info.phone', value: '+1 555 0100' }] });
    app.consultations.saveVersion({ consultationId: ids[0]!, expectedVersion: 1 });
    app.consultations.delete({ consultationId: ids[2]! });
    const outbox = new SyncOutbox(app.database);
    const sized = outbox.sizedPageAfter(0, 1_000);
    expect(sized.map(({ seq, entity, id }) => ({ seq, entity, id }))).toEqual(outbox.page(1_000));
    expect(new Set(sized.map((e) => e.entity))).toEqual(new Set(['user', 'consultation', 'version', 'tombstone']));
    for (const e of sized) expect(e.bytes).toBe(outbox.textBytes(e.entity, e.id));
    // The long one weighs its 6,000 bytes of Ω and more; a row gone since it was queued weighs nothing.
    expect(sized.find((e) => e.id === ids[1] && e.entity === 'consultation')!.bytes).toBeGreaterThan(6_000);
    expect(sized.filter((e) => e.id === ids[2] && e.entity === 'consultation').every((e) => e.bytes === 0)).toBe(true);
    expect(outbox.sizedPageAfter(sized[2]!.seq, 2)).toEqual(sized.slice(3, 5));
  });
});
