import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileTeamDevices, restoredDevice, syncedState } from '../syncDevices';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';

// Attacks on a device's first pull read from the team's tables (pullSnapshot), compared with devices that followed the log.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

// Three lists at the strict limits (50 entries of 300 characters): about 45 KB a version, so a consultation with a few
// versions weighs more than the link's starting budget (64 KB) on its own.
const list = (tag: string, field: string) => Array.from({ length: 50 }, (_, i) => `${tag} ${field} ${i} `.padEnd(290, 'x'));
const heavy = (tag: string) =>
  ['primary_challenges', 'technical_issues', 'current_solution_gaps'].map((field) => ({ path: `pain_points.${field}`, value: list(tag, field) }));

describe('first pull from the tables: attacks', () => {
  // Defect: a restored backup (forgetSyncIdentity -> snapshot) that already holds a consultation heavier than the link
  // budget gets the team's newer row but not the versions saved since the backup: the snapshot's withheld page names no
  // version ids, and the history is only read for consultations missing here.
  it.each([
    ['heavier than the link budget', heavy],
    ['light (control)', (tag: string) => [{ path: 'contact_info.phone', value: `+1 555 ${tag.slice(1).padStart(4, '0')}` }]],
  ])(
    'a restored backup holding a consultation %s gets every version saved since',
    async (_kind, edits) => {
      const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
      const a = add('A');
      const id = a.consultations.create({ sections: fullSections('Heavy Restore Co') }).consultation.id;
      a.consultations.autosave({ consultationId: id, edits: edits('v1') });
      a.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
      await a.sync();
      const backups = tempDir('fieldbook-attack4-backup-');
      cleanups.push(backups.cleanup);
      const file = join(backups.dir, 'before.db');
      await a.database.sqlite.backup(file);
      for (const n of [2, 3]) {
        a.consultations.autosave({ consultationId: id, edits: edits(`v${n}`) });
        a.consultations.saveVersion({ consultationId: id, expectedVersion: n });
      }
      await a.sync();
      const watcher = add('Watcher', { sameUserAs: a });
      await watcher.sync();
      const restored = restoredDevice(a, file, remote);
      cleanups.push(() => restored.close());
      await restored.sync();
      expect(restored.engine.quarantine()).toEqual([]);
      const versions = (app: typeof restored) =>
        (
          app.database.sqlite.prepare('SELECT version_number FROM consultation_versions WHERE consultation_id = ? ORDER BY version_number').all(id) as {
            version_number: number;
          }[]
        ).map((v) => v.version_number);
      expect(versions(watcher)).toEqual([1, 2, 3, 4]);
      // What the consultant sees: the consultation says version 4, its history stops at 2.
      expect(restored.consultations.get({ consultationId: id }).consultation.currentVersion).toBe(4);
      expect(versions(restored)).toEqual(versions(watcher));
      expect(syncedState(restored)).toEqual(syncedState(watcher));
    },
    120_000,
  );
});
