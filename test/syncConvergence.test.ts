import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Client } from '@libsql/client';
import { device, fileRemote, syncedState, type Device } from './syncDevices';
import { editsForSections } from '@shared/consultation/edits';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

/** Three laptops: two of Ada's (same user) and Bo's, each with a remote whose next write response can be lost. */
function fleet() {
  const { remote, cleanup } = fileRemote();
  const lossy = (): Client & { loseNext: () => void; disarm: () => void } => {
    let lose = false;
    const wrapped = Object.create(remote) as Client & { loseNext: () => void; disarm: () => void };
    wrapped.batch = (async (...args: Parameters<Client['batch']>) => {
      const result = await remote.batch(...args);
      if (lose) {
        lose = false;
        throw new Error('response lost');
      }
      return result;
    }) as Client['batch'];
    wrapped.execute = remote.execute.bind(remote) as Client['execute'];
    wrapped.migrate = remote.migrate.bind(remote) as Client['migrate'];
    wrapped.loseNext = () => (lose = true);
    wrapped.disarm = () => (lose = false);
    return wrapped;
  };
  const remotes = [lossy(), lossy(), lossy()];
  const a1 = device('A1', remotes[0]!);
  const a2 = device('A2', remotes[1]!, { sameUserAs: a1 });
  const b = device('B', remotes[2]!);
  const devices = [a1, a2, b];
  cleanups.push(() => {
    devices.forEach((d) => d.close());
    cleanup();
  });
  return { devices, remotes };
}

async function settle(devices: Device[]) {
  for (let round = 0; round < 3; round += 1) for (const d of devices) await d.sync();
}

function editSafely(d: Device, id: string, section: 'contact_info' | 'pain_points', value: string) {
  try {
    const current = d.consultations.get({ consultationId: id });
    const sections = current.consultation.sections;
    const patch =
      section === 'contact_info'
        ? { contact_info: { ...sections.contact_info, business_name: value } }
        : { pain_points: { ...sections.pain_points, impact_assessment: value } };
    d.consultations.autosave({ consultationId: id, edits: editsForSections(patch) });
    d.consultations.saveVersion({ consultationId: id, expectedVersion: current.consultation.currentVersion });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!['forbidden', 'not_found', 'conflict', 'invalid_state'].includes(code ?? '')) throw error;
  }
}

describe('convergence', () => {
  it('three laptops editing offline, including the same consultation, converge whatever the sync order', async () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
    ]) {
      const { devices } = fleet();
      const [a1, a2] = devices as [Device, Device, Device];
      const shared = a1.consultations.create({ sections: { contact_info: { business_name: 'Shared' }, pain_points: { impact_assessment: 'base' } } })
        .consultation.id;
      await settle(devices);
      editSafely(a1, shared, 'contact_info', 'Renamed on A1');
      editSafely(a2, shared, 'pain_points', 'Assessed on A2');
      editSafely(a2, shared, 'contact_info', 'Renamed on A2');
      devices[2]!.consultations.create({ sections: { contact_info: { business_name: "Bo's own" } } });
      for (const i of order) await devices[i]!.sync();
      await settle(devices);
      const states = devices.map(syncedState);
      expect(states[1]).toEqual(states[0]);
      expect(states[2]).toEqual(states[0]);
      const final = a1.consultations.get({ consultationId: shared }).consultation;
      expect(final.sections.pain_points.impact_assessment).toBe('Assessed on A2');
      expect(['Renamed on A1', 'Renamed on A2']).toContain(final.sections.contact_info.business_name);
      cleanups.forEach((c) => c());
      cleanups = [];
    }
  });

  it('model: random edits, drafts, syncs and lost responses on three laptops converge with no lost version', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        device: fc.integer({ min: 0, max: 2 }),
        target: fc.integer({ min: 0, max: 2 }),
        section: fc.constantFrom('contact_info' as const, 'pain_points' as const),
        value: fc.stringMatching(/^[a-z]{1,6}$/),
      }),
      fc.record({
        kind: fc.constant('draft' as const),
        device: fc.integer({ min: 0, max: 1 }),
        target: fc.integer({ min: 0, max: 2 }),
        value: fc.stringMatching(/^[a-z]{1,6}$/),
      }),
      fc.record({ kind: fc.constant('create' as const), device: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('sync' as const), device: fc.integer({ min: 0, max: 2 }), lose: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const { devices, remotes } = fleet();
        const ids = [devices[0]!.consultations.create({ sections: { contact_info: { business_name: 'Seed' } } }).consultation.id];
        await settle(devices);
        const created = new Set<string>();
        for (const o of ops) {
          const d = devices[o.device]!;
          if (o.kind === 'create') ids.push(d.consultations.create({ sections: { contact_info: { business_name: `new ${ids.length}` } } }).consultation.id);
          if (o.kind === 'edit') editSafely(d, ids[o.target % ids.length]!, o.section, o.value);
          if (o.kind === 'draft') {
            try {
              d.consultations.autosave({
                consultationId: ids[o.target % ids.length]!,
                edits: editsForSections({ goals_objectives: { budget_range: o.value } }),
              });
            } catch {
              // not this device's, or not editable: fine
            }
          }
          if (o.kind === 'sync') {
            if (o.lose) remotes[o.device]!.loseNext();
            await d.sync().catch(() => undefined);
            remotes[o.device]!.disarm(); // a sync with nothing to push leaves the fault unused
          }
          for (const dev of devices)
            for (const v of dev.database.sqlite.prepare('SELECT id FROM consultation_versions').all() as { id: string }[]) created.add(v.id);
        }
        await settle(devices);
        const states = devices.map(syncedState);
        expect(states[1]).toEqual(states[0]);
        expect(states[2]).toEqual(states[0]);
        const everywhere = new Set((states[0]!.versions as { id: string }[]).map((v) => v.id));
        for (const id of created) expect(everywhere.has(id)).toBe(true);
        for (const d of devices) expect(d.engine.pendingCount()).toBe(0);
        cleanups.forEach((c) => c());
        cleanups = [];
      }),
      { numRuns: Number(process.env.SYNC_MODEL_RUNS ?? 25) },
    );
  }, 240_000);
});
