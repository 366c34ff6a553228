import { afterEach, describe, expect, it } from 'vitest';
import type { AppHost } from '../../src/main/appHost';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import type { FieldReadiness } from '@shared/fieldReadiness';
import { assessReadiness } from '../../src/main/fieldReady/fieldReadiness';
import { startTestHost } from '../testHost';

// Settings › Ready for the field, driven through the host's dispatch as the renderer reaches it.

let host: AppHost | null = null;
let cleanups: (() => void)[] = [];
afterEach(() => {
  host?.close();
  host = null;
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

describe('attack: Ready for the field', () => {
  it('a sync that is failing right now (team password refused) is not reported as "ready for the field"', () => {
    // Defect: with nothing pending and a success within 24 hours, every item is green even while each sync
    // attempt now fails: the consultant leaves for the field believing teammates' work will reach them.
    const now = new Date('2027-03-01T08:00:00.000Z');
    const panel = assessReadiness({
      now,
      sync: { state: 'error', pending: 0, lastSyncedAt: '2027-02-28T12:00:00.000Z' },
      syncConfigured: true,
      newestBackupAt: '2027-03-01T07:00:00.000Z',
      freeBytes: 50 * 1024 ** 3,
      secretStorage: 'os-keychain',
      hasToken: true,
      missingFonts: [],
    });
    expect(panel.ready).toBe(false);
  });
  it('a backup stamped in the future (the clock was ahead once) does not stop the daily backups, and is not shown as fresh', async () => {
    // Defect: ensureDaily compares the newest file name's time with now; a backup made while the clock read
    // 2031 is "newer than a day" until 2031, so no daily backup is made again for years, rotation keeps the
    // 2031 file forever, and the panel shows it green as made "less than a minute ago".
    const t = tempDir();
    cleanups.push(t.cleanup);
    host = startTestHost(t.dir);
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    host.services.consultations.create({ sections: fullSections('Clock Ahead Backup Ltd') });
    await host.services.backups.ensureDaily(new Date('2031-06-01T09:00:00.000Z'));
    expect(host.services.backups.list().map((b) => b.createdAt)).toEqual(['2031-06-01T09:00:00.000Z']);
    // The clock is right again; the consultant asks for today's backup from the panel.
    const fixed = await host.dispatch('settings.fieldReadiness', { fix: 'backup' });
    expect(fixed.ok).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const item = fixed.ok ? (fixed.value as FieldReadiness).items.find((i) => i.check === 'backups') : undefined;
    expect({ todaysBackupMade: host.services.backups.list().some((b) => b.createdAt.startsWith(today)), panelSays: item?.detail }).toMatchObject({
      todaysBackupMade: true,
    });
  }, 60_000);
});
