import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@libsql/client';
import { fileTeamDevices, migrations, syncedState, type Device } from '../syncDevices';
import { SyncEngine } from '../../src/main/sync/syncEngine';
import { LinkSizer } from '../../src/main/sync/batchSizing';
import { fullSections } from '../arbitraries';

// A push sizes a batch, records it, builds it, sends it and settles it in separate event-loop turns. Attacked with a
// consultant's change landing in each gap: an edit, a new version, a delete, of a consultation the batch carries.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});

type Moment = 'sized' | 'recorded' | 'in flight' | 'answered';
type Change = 'edit' | 'version' | 'delete';

/** The consultation the first batch carries first (the oldest consultation entry in the outbox). */
const firstQueued = (d: Device) =>
  (d.database.sqlite.prepare(`SELECT entity_id AS id FROM sync_outbox WHERE entity = 'consultation' ORDER BY seq LIMIT 1`).get() as { id: string }).id;

function change(d: Device, kind: Change, id: string): void {
  if (kind === 'delete') {
    d.consultations.delete({ consultationId: id });
    return;
  }
  d.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0999' }] });
  if (kind === 'version') d.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
}

/** An engine over `d` whose first push batch meets `kind` at `moment`; `fired` holds the consultation changed. */
function meddled(d: Device, remote: Client, moment: Moment, kind: Change) {
  const fired: string[] = [];
  const once = () => {
    if (fired.length > 0) return;
    const id = firstQueued(d);
    fired.push(id);
    change(d, kind, id);
  };
  class SizingWatch extends LinkSizer {
    override budgetBytes(): number {
      // Read right after the page was sized; this runs before the engine's next turn (the recording).
      if (moment === 'sized') setImmediate(once);
      return super.budgetBytes();
    }
  }
  const settings = {
    get: <T>(key: string) => d.settings.get<T>(key),
    set: (key: string, value: unknown) => {
      d.settings.set(key, value);
      // The first batch on record: this runs in the turn between its recording and reading its rows.
      if (moment === 'recorded' && key === 'sync_pending_batch') setImmediate(once);
    },
    delete: (key: string) => d.settings.delete(key),
  };
  const link = {
    execute: ((stmt: never) => remote.execute(stmt)) as Client['execute'],
    batch: (async (stmts: never, mode?: string) => {
      if (mode !== 'write') return remote.batch(stmts, mode as never);
      if (moment === 'in flight') once();
      const result = await remote.batch(stmts, mode as never);
      if (moment === 'answered') once();
      return result;
    }) as Client['batch'],
    migrate: remote.migrate.bind(remote),
    close: () => undefined,
  } as unknown as Client;
  const engine = new SyncEngine({
    database: () => d.database,
    remote: link,
    deviceId: `${d.name}-meddled`,
    migrations,
    settings,
    batchSize: 7,
    sizing: new SizingWatch(),
  });
  return { engine, fired };
}

describe('push: a change in every gap between sizing and settling', () => {
  for (const moment of ['sized', 'recorded', 'in flight', 'answered'] as const)
    for (const kind of ['edit', 'version', 'delete'] as const)
      it(`${kind} of a consultation the first batch carries, made when it was ${moment}: it reaches the team`, async () => {
        const { remote, add } = fileTeamDevices((c) => cleanups.push(c));
        const ada = add('Ada');
        ada.consultations.create({ sections: fullSections('Schema first') });
        await ada.sync();
        const ids: string[] = [];
        for (let i = 0; i < 20; i += 1) ids.push(ada.consultations.create({ sections: fullSections(`Gap ${i}`) }).consultation.id);
        const { engine, fired } = meddled(ada, remote, moment, kind);
        // The push alone (a sync starts with a pull, which reads the budget too).
        await engine.push();
        expect(fired).toHaveLength(1);
        await engine.syncOnce();
        expect(engine.pendingCount()).toBe(0);
        const watcher = add('Watcher', { sameUserAs: ada });
        await watcher.sync();
        expect(syncedState(watcher)).toEqual(syncedState(ada));
        const id = fired[0]!;
        if (kind === 'delete') {
          expect(watcher.consultations.list({}).items.map((c) => c.id)).not.toContain(id);
          const team = await remote.execute({ sql: 'SELECT count(*) AS n FROM consultation_tombstones WHERE id = ?', args: [id] });
          expect(Number(team.rows[0]!.n)).toBe(1);
        } else {
          const c = watcher.consultations.get({ consultationId: id }).consultation;
          expect([c.sections.contact_info.phone, c.currentVersion]).toEqual(['+1 555 0999', kind === 'version' ? 2 : 1]);
        }
        expect(syncedState(watcher).consultations).toHaveLength(kind === 'delete' ? 20 : 21);
      }, 120_000);
});
