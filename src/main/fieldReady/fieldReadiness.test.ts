import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/tempDatabase';
import type { AppHost } from '../appHost';
import { assessReadiness, MIN_FREE_BYTES, type ReadinessFacts } from './fieldReadiness';
import type { FieldReadiness } from '@shared/fieldReadiness';
import { startTestHost } from '../../../test/testHost';

const NOW = new Date('2026-11-28T08:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const green: ReadinessFacts = {
  now: NOW,
  sync: { state: 'up_to_date', pending: 0, lastSyncedAt: hoursAgo(1) },
  syncConfigured: true,
  newestBackupAt: hoursAgo(2),
  freeBytes: 10 * MIN_FREE_BYTES,
  secretStorage: 'os-keychain',
  hasToken: true,
  missingFonts: [],
};
const red = (r: FieldReadiness) => Object.fromEntries(r.items.filter((i) => !i.ok).map((i) => [i.check, i.action?.kind]));

describe('field readiness: each item red or green by its condition', () => {
  it('is all green on a laptop that synced, backed up, has room, a keychain and its fonts', () => {
    const r = assessReadiness(green);
    expect(r.ready).toBe(true);
    expect(r.items.map((i) => i.check)).toEqual(['pending', 'lastSync', 'backups', 'disk', 'secrets', 'fonts']);
    expect(r.items.every((i) => i.action === null)).toBe(true);
    expect(assessReadiness({ ...green, sync: { ...green.sync, lastSyncedAt: new Date(NOW.getTime() - 20_000).toISOString() } }).items[1]!.detail).toBe(
      'less than a minute ago.',
    );
    expect(r.items[2]!.detail).toBe('Newest backup 2 hours ago.');
  });

  it('turns each item red, alone, with the one action that fixes it', () => {
    expect(red(assessReadiness({ ...green, sync: { state: 'offline', pending: 3, lastSyncedAt: hoursAgo(1) } }))).toEqual({ pending: 'sync.now' });
    expect(assessReadiness({ ...green, sync: { state: 'offline', pending: 3, lastSyncedAt: hoursAgo(1) } }).items[0]!.detail).toBe(
      '3 changes not yet synced (offline).',
    );
    expect(red(assessReadiness({ ...green, sync: { ...green.sync, lastSyncedAt: hoursAgo(30) } }))).toEqual({ lastSync: 'sync.now' });
    expect(red(assessReadiness({ ...green, newestBackupAt: hoursAgo(25) }))).toEqual({ backups: 'backup.now' });
    expect(red(assessReadiness({ ...green, newestBackupAt: null }))).toEqual({ backups: 'backup.now' });
    expect(red(assessReadiness({ ...green, freeBytes: MIN_FREE_BYTES - 1 }))).toEqual({ disk: 'advice' });
    expect(red(assessReadiness({ ...green, secretStorage: 'memory' }))).toEqual({ secrets: 'advice' });
    expect(red(assessReadiness({ ...green, missingFonts: ['NotoSansThai-Regular.ttf'] }))).toEqual({ fonts: 'advice' });
    // Sync off: both sync items point at setting it up; the weak keychain does not matter without a token.
    expect(
      red(
        assessReadiness({
          ...green,
          sync: { state: 'disabled', pending: 0, lastSyncedAt: null },
          syncConfigured: false,
          hasToken: false,
          secretStorage: 'memory',
        }),
      ),
    ).toEqual({
      pending: 'sync.setup',
      lastSync: 'sync.setup',
    });
  });
});

describe('settings.fieldReadiness through the contract', () => {
  let host: AppHost | undefined;
  let cleanup = () => {};
  afterEach(() => {
    host?.close();
    cleanup();
  });

  it('reads this laptop: no backup and sync off are red; "Back up now" makes the backup and turns it green; missing fonts are red', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    host = startTestHost(join(t.dir, 'data'), { validateOutput: true });
    await host.dispatch('users.saveProfile', { name: 'Ada', email: 'ada@example.com' });
    const first = await host.dispatch('settings.fieldReadiness', undefined);
    if (!first.ok) throw new Error(first.error.message);
    expect(red(first.value as FieldReadiness)).toEqual({ pending: 'sync.setup', lastSync: 'sync.setup', backups: 'backup.now' });
    const fixed = await host.dispatch('settings.fieldReadiness', { fix: 'backup' });
    if (!fixed.ok) throw new Error(fixed.error.message);
    expect(red(fixed.value as FieldReadiness)).toEqual({ pending: 'sync.setup', lastSync: 'sync.setup' });
    expect(host.services.backups.list()).toHaveLength(1);
    const disk = (fixed.value as FieldReadiness).items.find((i) => i.check === 'disk')!;
    expect(disk.detail).toMatch(/^[\d,]+ MB free\.$/);
    host.close();

    const emptyFonts = join(t.dir, 'no-fonts');
    mkdirSync(emptyFonts);
    host = startTestHost(join(t.dir, 'data'), { fontsFolder: emptyFonts });
    const noFonts = await host.dispatch('settings.fieldReadiness', undefined);
    if (!noFonts.ok) throw new Error(noFonts.error.message);
    expect((noFonts.value as FieldReadiness).items.find((i) => i.check === 'fonts')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^Missing: NotoSans-Regular\.ttf/),
    });
    expect((await host.dispatch('settings.fieldReadiness', { fix: 'everything' })).ok).toBe(false);
  });
});
