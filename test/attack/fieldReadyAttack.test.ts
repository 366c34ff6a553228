import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../../src/main/appHost';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import type { FieldReadiness } from '../../src/shared/fieldReadiness';
import { assessReadiness } from '../../src/main/fieldReady/fieldReadiness';

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
  it('a daily backup that failed half-way (backups disk full) does not show as a fresh backup, and the fix tries again', async () => {
    // Defect: the backup worker writes straight to fieldbook-auto-<time>.db (created empty first). When it
    // fails, that empty or partial file stays; list() takes it as the newest backup, so the panel shows
    // "Backup on this laptop" green and ensureDaily makes no new backup for 24 hours.
    const t = tempDir();
    cleanups.push(t.cleanup);
    const backups = join(t.dir, 'backups');
    mkdirSync(backups, { recursive: true });
    // A tiny filesystem for backups only: the live database fits elsewhere, its copy does not (a full disk).
    // Needs root (this machine's tests run as root); a real full disk is what it stands for.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', backups]);
    cleanups.push(() => execFileSync('umount', ['-l', backups]));
    host = startAppHost({ dataFolder: t.dir, shell: 'browser-preview', version: 't', autoBackup: false, backgroundSync: false });
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    for (let i = 0; i < 20; i += 1) host.services.consultations.create({ sections: fullSections(`Backup Filler ${i}`) });
    const fixed = await host.dispatch('settings.fieldReadiness', { fix: 'backup' });
    const files = readdirSync(backups).map((name) => ({ name, bytes: statSync(join(backups, name)).size }));
    const panel = await host.dispatch('settings.fieldReadiness', {});
    expect(panel.ok).toBe(true);
    const item = panel.ok ? (panel.value as FieldReadiness).items.find((i) => i.check === 'backups') : undefined;
    // The backup could not be made: the panel must not say there is a fresh one.
    expect({ fixed: fixed.ok, files, backupsGreen: item?.ok }).toMatchObject({ backupsGreen: false });
  }, 60_000);
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
    host = startAppHost({ dataFolder: t.dir, shell: 'browser-preview', version: 't', autoBackup: false, backgroundSync: false });
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    host.services.consultations.create({ sections: fullSections('Clock Ahead Backup Ltd') });
    await host.services.backups.ensureDaily(new Date('2031-06-01T09:00:00.000Z'));
    expect(host.services.backups.list().map((b) => b.createdAt)).toEqual(['2031-06-01T09:00:00.000Z']);
    // The clock is right again; the consultant asks for today's backup from the panel.
    const fixed = await host.dispatch('settings.fieldReadiness', { fix: 'backup' });
    expect(fixed.ok).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const item = fixed.ok ? (fixed.value as FieldReadiness).items.find((i) => i.check === 'backups') : undefined;
    expect({ todaysBackupMade: host.services.backups.list().some((b) => b.createdAt.startsWith(today)), panelSays: item?.detail }).toMatchObject({ todaysBackupMade: true });
  }, 60_000);
});
