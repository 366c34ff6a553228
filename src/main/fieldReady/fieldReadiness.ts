import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppInfo, SyncStatus } from '@shared/contract';
import type { FieldReadiness, ReadinessItem } from '@shared/fieldReadiness';
import { FONT_FILES } from '../pdf/pdfFonts';

// "Ready for the field": what this laptop knows about itself, read now, judged by fixed thresholds.

/** Below this much free space a day of typing, PDFs and a backup may not fit. */
export const MIN_FREE_BYTES = 500 * 1024 * 1024;
/** The same age at which the daily automatic backup is due (backupService.ensureDaily). */
export const BACKUP_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** A team sync older than this means teammates' latest work is not on this laptop. */
export const SYNC_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ReadinessFacts {
  now: Date;
  sync: Pick<SyncStatus, 'state' | 'pending' | 'lastSyncedAt'>;
  /** Sync is turned on with an address. */
  syncConfigured: boolean;
  newestBackupAt: string | null;
  freeBytes: number | null;
  secretStorage: AppInfo['secretStorage'];
  hasToken: boolean;
  missingFonts: readonly string[];
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const ago = (ms: number) =>
  ms < 60_000
    ? 'less than a minute'
    : ms < 3_600_000
      ? plural(Math.max(1, Math.round(ms / 60_000)), 'minute')
      : ms < 172_800_000
        ? plural(Math.round(ms / 3_600_000), 'hour')
        : plural(Math.round(ms / 86_400_000), 'day');
const mb = (bytes: number) => `${Math.floor(bytes / (1024 * 1024)).toLocaleString('en-US')} MB`;

function item(check: ReadinessItem['check'], label: string, ok: boolean, detail: string, action: ReadinessItem['action']): ReadinessItem {
  return { check, label, ok, detail, action: ok ? null : action };
}

/** Judges the facts: pure, so every red and green condition is tested without a disk or a server. */
export function assessReadiness(f: ReadinessFacts): FieldReadiness {
  const t = f.now.getTime();
  const syncOff = f.sync.state === 'disabled' || !f.syncConfigured;
  const items: ReadinessItem[] = [
    syncOff
      ? item('pending', 'Changes synced', false, 'Sync is off: your work is only on this laptop.', { kind: 'sync.setup', label: 'Set up sync' })
      : item(
          'pending',
          'Changes synced',
          f.sync.pending === 0,
          f.sync.pending === 0
            ? 'Every change is on the team database.'
            : `${plural(f.sync.pending, 'change')} not yet synced${f.sync.state === 'offline' ? ' (offline)' : f.sync.state === 'error' ? ' (the last sync failed)' : ''}.`,
          { kind: 'sync.now', label: 'Sync now' },
        ),
    ((last) =>
      item(
        'lastSync',
        'Last successful sync',
        // Failing now: what reached the team before says nothing about what teammates send next.
        !syncOff && last !== null && t - last <= SYNC_MAX_AGE_MS && f.sync.state !== 'error',
        `${last === null ? 'Never synced.' : `${ago(t - last)} ago.`}${f.sync.state === 'error' ? ' The last try failed: open Sync settings to see why.' : ''}`,
        syncOff ? { kind: 'sync.setup', label: 'Set up sync' } : { kind: 'sync.now', label: 'Sync now' },
      ))(f.sync.lastSyncedAt ? Date.parse(f.sync.lastSyncedAt) : null),
    ((newest) =>
      item(
        'backups',
        'Backup on this laptop',
        newest !== null && t - newest < BACKUP_MAX_AGE_MS,
        newest === null ? 'No backup yet.' : `Newest backup ${ago(t - newest)} ago.`,
        { kind: 'backup.now', label: 'Back up now' },
      ))(f.newestBackupAt ? Date.parse(f.newestBackupAt) : null),
    item(
      'disk',
      'Free disk space',
      f.freeBytes !== null && f.freeBytes >= MIN_FREE_BYTES,
      f.freeBytes === null ? 'Could not read the free space.' : `${mb(f.freeBytes)} free.`,
      { kind: 'advice', label: `Free at least ${mb(MIN_FREE_BYTES)} on this disk` },
    ),
    item(
      'secrets',
      'Sync password stored safely',
      !f.hasToken || f.secretStorage !== 'memory',
      !f.hasToken
        ? 'No sync password is stored.'
        : f.secretStorage === 'os-keychain'
          ? 'In the system keychain.'
          : f.secretStorage === 'file'
            ? 'In a private file only you can read.'
            : 'Kept only until you quit: this system has no safe keychain.',
      { kind: 'advice', label: 'Turn on the system keyring (GNOME Keyring or KWallet), then restart Fieldbook' },
    ),
    item(
      'fonts',
      'Fonts for the PDF',
      f.missingFonts.length === 0,
      f.missingFonts.length === 0 ? 'Every script prints.' : `Missing: ${f.missingFonts.join(', ')}.`,
      { kind: 'advice', label: 'Reinstall Fieldbook to put the fonts back' },
    ),
  ];
  return { ready: items.every((i) => i.ok), items, checkedAt: f.now.toISOString() };
}

/** Free bytes for an unprivileged user on the disk holding `folder`, or null when the system will not say. */
export async function freeBytesAt(folder: string): Promise<number | null> {
  try {
    const s = await statfs(folder);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

export function missingFontsIn(fontsFolder: string | undefined): string[] {
  return FONT_FILES.filter((file) => !fontsFolder || !existsSync(join(fontsFolder, file)));
}
