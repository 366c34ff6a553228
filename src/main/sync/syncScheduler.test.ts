import { afterEach, describe, expect, it, vi } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SyncScheduler, backoffMs, BACKOFF_BASE_MS, BACKOFF_MAX_MS } from './syncScheduler';
import type { SyncStatus } from '@shared/contract';
import type { SyncEngine } from './syncEngine';
import { startAppHost, type AppHost } from '../appHost';
import { tempDir, failureOf } from '../../../test/tempDatabase';
import { fileRemote, device, type Device } from '../../../test/syncDevices';
import { fullSections } from '../../../test/arbitraries';
import { startHranaAdapter, startTursoServer, tursodbMissing } from '../../../test/tursoServer';
import { MESSAGES } from './syncErrors';
import { editsForSections } from '@shared/consultation/edits';

afterEach(() => vi.useRealTimers());

describe('sync scheduler', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, () => 0.5)).toBe(BACKOFF_BASE_MS);
    expect(backoffMs(2, () => 0.5)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoffMs(3, () => 0)).toBe(2 * BACKOFF_BASE_MS);
    expect(backoffMs(50, () => 0.5)).toBe(BACKOFF_MAX_MS);
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(4)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('a run that fails after the app stopped (its database closed) ends quietly: no status to describe, stop() resolves', async () => {
    const statuses: SyncStatus[] = [];
    let fail: (error: Error) => void = () => {};
    const engine = { syncOnce: () => new Promise((_, reject) => (fail = reject)) } as unknown as SyncEngine;
    let open = true;
    const read = () => {
      if (!open) throw new TypeError('The database connection is not open');
      return { state: 'offline' as const, message: 'unreachable' };
    };
    const scheduler = new SyncScheduler({
      engine: () => engine,
      intervalMs: () => 60_000,
      pending: () => (read(), 0),
      emit: (s) => statuses.push(s),
      describe: read,
    });
    scheduler.start();
    await vi.waitFor(() => expect(statuses.map((s) => s.state)).toEqual(['syncing']));
    // The app closes: the scheduler is told to stop, the database closes, then the run in flight fails.
    const stopping = scheduler.stop();
    open = false;
    fail(new TypeError('The database connection is not open'));
    await expect(stopping).resolves.toBeUndefined();
    expect(statuses.map((s) => s.state)).toEqual(['syncing']);
  });

  it('a run that fails after sync was turned off (a restored backup has it off) reports sync off, not a problem it will retry', async () => {
    const statuses: SyncStatus[] = [];
    let fail: (error: Error) => void = () => {};
    let runs = 0;
    const engine = {
      syncOnce: () => {
        runs += 1;
        return new Promise((_, reject) => (fail = reject));
      },
    } as unknown as SyncEngine;
    let enabled = true;
    const scheduler = new SyncScheduler({
      engine: () => (enabled ? engine : null),
      intervalMs: () => 60_000,
      pending: () => 3,
      emit: (s) => statuses.push(s),
      enabled: () => enabled,
      random: () => 0,
    });
    scheduler.start();
    await vi.waitFor(() => expect(statuses.map((s) => s.state)).toEqual(['syncing']));
    enabled = false;
    fail(new TypeError('The database connection is not open'));
    await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ state: 'disabled', message: null }));
    expect(statuses.map((s) => s.state)).not.toContain('error');
    // No retry was scheduled: with sync on again, nothing runs in the first backoff (2.5 s here) and after it.
    enabled = true;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(runs).toBe(1);
    await scheduler.stop();
  });

  it('reports offline with the waiting count, retries with backoff, then reports up to date', async () => {
    vi.useFakeTimers();
    const statuses: SyncStatus[] = [];
    let failing = true;
    let runs = 0;
    const engine = {
      syncOnce: async () => {
        runs += 1;
        if (failing) throw new TypeError('fetch failed');
        return { pushed: 0, pulled: 0, merged: 0, conflicts: 0, schemaVersion: 1 };
      },
    } as unknown as SyncEngine;
    const scheduler = new SyncScheduler({
      engine: () => engine,
      intervalMs: () => 60_000,
      pending: () => (failing ? 7 : 0),
      emit: (s) => statuses.push(s),
      random: () => 0.5,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses.map((s) => s.state)).toEqual(['syncing', 'offline']);
    expect(statuses.at(-1)).toMatchObject({ pending: 7, message: MESSAGES.unreachable });
    await vi.advanceTimersByTimeAsync(BACKOFF_BASE_MS - 1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    failing = false;
    await vi.advanceTimersByTimeAsync(2 * BACKOFF_BASE_MS);
    expect(runs).toBe(3);
    expect(statuses.at(-1)!.state).toBe('up_to_date');
    expect(statuses.at(-1)!.lastSyncedAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(4); // on the interval
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toBe(4); // stopped means stopped
  });

  it('says "up to date" only when nothing waits: changes typed during a run go out right after it', async () => {
    let waiting = 2;
    let runs = 0;
    const engine = {
      syncOnce: async () => {
        runs += 1;
        if (runs === 2) waiting = 0; // the catch-up run sends what was typed during the first
        return { pushed: 0, pulled: 0, merged: 0, conflicts: 0, schemaVersion: 1 };
      },
    } as unknown as SyncEngine;
    const statuses: SyncStatus[] = [];
    const scheduler = new SyncScheduler({ engine: () => engine, intervalMs: () => 60_000, pending: () => waiting, emit: (s) => statuses.push(s) });
    scheduler.start();
    await vi.waitFor(() => expect(statuses.at(-1)!.state).toBe('up_to_date'), { timeout: 5_000 });
    expect(runs).toBe(2);
    expect(statuses.filter((s) => s.state === 'up_to_date').every((s) => s.pending === 0)).toBe(true);
    await scheduler.stop();

    // Changes that never leave (every run ends with some still waiting): not "up to date", but words.
    const stuck = new SyncScheduler({ engine: () => engine, intervalMs: () => 60_000, pending: () => 3, emit: (s) => statuses.push(s), random: () => 0.5 });
    statuses.length = 0;
    stuck.start();
    await vi.waitFor(() => expect(statuses.at(-1)!.state).toBe('error'), { timeout: 5_000 });
    expect(statuses.some((s) => s.state === 'up_to_date')).toBe(false);
    expect(statuses.at(-1)!.message).toBe('3 changes are still waiting to be sent. Sync will try again.');
    await stuck.stop();
  });

  it('waits for a run in progress when stopping, and reports disabled when sync is off', async () => {
    let release = () => {};
    const engine = { syncOnce: () => new Promise<void>((r) => (release = r)) } as unknown as SyncEngine;
    let on = true;
    const statuses: string[] = [];
    const scheduler = new SyncScheduler({
      engine: () => (on ? engine : null),
      intervalMs: () => 60_000,
      pending: () => 0,
      emit: (s) => statuses.push(s.state),
    });
    scheduler.start();
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    on = false;
    const off = new SyncScheduler({ engine: () => null, intervalMs: () => 1, pending: () => 0, emit: (s) => statuses.push(s.state) });
    off.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(statuses.at(-1)).toBe('disabled');
    await off.stop();
  });
});

describe('sync settings and conflicts through the host', () => {
  let host: AppHost | null = null;
  let cleanup = () => {};
  afterEach(async () => {
    await host?.stop();
    host = null;
    cleanup();
  });

  it.skipIf(tursodbMissing !== null)('keeps the token in a 0600 secret file, never returns it, and tests a connection', async () => {
    const t = tempDir();
    const server = await startTursoServer();
    const adapter = await startHranaAdapter(server.port);
    cleanup = () => (t.cleanup(), void adapter.close().then(() => server.stop()));
    host = startAppHost({ dataFolder: t.dir, shell: 'browser-preview', version: 't', autoBackup: false });
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    expect(failureOf(() => host!.sync.saveSettings({ url: 'not a url', enabled: true, intervalMinutes: 5 })).issues![0]!.path).toBe('url');
    const url = adapter.url;
    const saved = host.sync.saveSettings({ url, token: 'secret-token-123', enabled: true, intervalMinutes: 5 });
    expect(saved).toEqual({ url, enabled: true, intervalMinutes: 5, hasToken: true });
    expect(JSON.stringify(await host.dispatch('sync.getSettings', undefined))).not.toContain('secret-token-123');
    expect(statSync(join(t.dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await host.sync.testConnection({ url })).toMatchObject({ ok: true });
    const status = await host.sync.syncNow();
    expect(status).toMatchObject({ state: 'up_to_date', pending: 0 });
    expect(await host.sync.testConnection({ url: 'http://127.0.0.1:9' })).toMatchObject({ ok: false, message: MESSAGES.unreachable });
  });

  it('resolves a conflict: keeping ours writes a version, keeping theirs changes nothing but the flag', async () => {
    const { remote, cleanup: c } = fileRemote();
    const devices: Device[] = [];
    cleanup = () => (devices.forEach((d) => d.close()), c());
    const a = device('A', remote);
    devices.push(a);
    const id = a.consultations.create({ sections: fullSections('Conflicted') }).consultation.id;
    await a.sync();
    const b = device('B', remote, { sameUserAs: a });
    devices.push(b);
    await b.sync();
    const base = fullSections('Conflicted');
    a.consultations.autosave({
      consultationId: id,
      edits: editsForSections({ contact_info: { ...base.contact_info, email: 'a@x.io', phone: '+1 555 1111' } }),
    });
    a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    b.consultations.autosave({
      consultationId: id,
      edits: editsForSections({ contact_info: { ...base.contact_info, email: 'b@x.io', phone: '+1 555 2222' } }),
    });
    b.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    await a.sync();
    await b.sync();
    const { ConflictsService } = await import('./conflictsService');
    const conflicts = new ConflictsService(b.store, () => b.users.requireCurrentId());
    const list = conflicts.list({ consultationId: id });
    expect(list.map((x) => [x.path, x.ours, x.theirs])).toEqual([
      ['contact_info.email', 'b@x.io', 'a@x.io'],
      ['contact_info.phone', '+1 555 2222', '+1 555 1111'],
    ]);
    conflicts.resolve({ conflictId: list[0]!.id, keep: 'ours' });
    conflicts.resolve({ conflictId: list[1]!.id, keep: 'theirs' });
    expect(conflicts.list({ consultationId: id })).toEqual([]);
    const now = b.consultations.get({ consultationId: id }).consultation;
    expect(now.sections.contact_info).toMatchObject({ email: 'b@x.io', phone: '+1 555 1111' });
    await b.sync();
    await a.sync();
    expect(a.consultations.get({ consultationId: id }).consultation.sections.contact_info.email).toBe('b@x.io');
  });
});
