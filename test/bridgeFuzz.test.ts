import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../src/main/appHost';
import { startHttpBridge, type HttpBridge } from '../src/main/web/httpBridge';
import { OPERATION_NAMES, resultSchema } from '@shared/contract';
import { tempDir } from './tempDatabase';
import { fullSections, sectionsArb } from './arbitraries';
import { newId, now } from '../src/main/clock';
import { editsForSections, FIELD_PATHS } from '@shared/consultation/edits';

// Thousands of random and malformed calls through the preview's HTTP bridge. Every answer must be a
// typed result, the process must keep serving, the database must pass integrity_check, and nothing that
// was saved before may be lost or rewritten.

let host: AppHost;
let bridge: HttpBridge;
let cleanup: () => void;
let ownId: string;
let teammateIds: string[];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  host = startAppHost({ dataFolder: join(t.dir, 'data'), shell: 'browser-preview', version: 't', validateOutput: true });
  host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
  const own = host.services.consultations.create({ sections: fullSections('Own Co') }).consultation;
  host.services.consultations.autosave({ consultationId: own.id, edits: editsForSections({ contact_info: { business_name: 'Own Co 2' } }) });
  host.services.consultations.saveVersion({ consultationId: own.id, expectedVersion: 1 });
  ownId = own.id;
  // Teammates' consultations: no call from this device may change them.
  const sqlite = host.services.database.sqlite;
  const mate = newId();
  const t0 = now();
  sqlite.prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(mate, 'Bo', 'bo@example.com', t0, t0);
  teammateIds = [newId(), newId()];
  for (const id of teammateIds) {
    sqlite
      .prepare(
        `INSERT INTO consultations (id, user_id, contact_info, current_version, created_at, updated_at) VALUES (?, ?, '{"business_name":"Mate"}', 0, ?, ?)`,
      )
      .run(id, mate, t0, t0);
  }
  bridge = await startHttpBridge({ host });
});
afterAll(async () => {
  await bridge.close();
  host.close();
  cleanup();
});

const rows = (sql: string) => host.services.database.sqlite.prepare(sql).all();

async function call(operation: string, body: string) {
  const res = await fetch(`${bridge.url}/api/${encodeURIComponent(operation)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bridge.token}` },
    body,
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

const idArb = () => fc.oneof(fc.constant(ownId), fc.constantFrom(...teammateIds), fc.uuid(), fc.string({ maxLength: 40 }));
const values = () => ({
  consultationId: idArb(),
  expectedVersion: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), fc.string({ maxLength: 3 })),
  versionNumber: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(null)),
  from: fc.integer({ min: 0, max: 4 }),
  to: fc.integer({ min: 0, max: 4 }),
  sections: fc.oneof(
    sectionsArb,
    fc.anything({ maxDepth: 3 }),
    fc.record({ contact_info: fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 })) }),
  ),
  edits: fc.array(
    fc.record(
      {
        path: fc.oneof(fc.constantFrom(...FIELD_PATHS), fc.string({ maxLength: 20 })),
        value: fc.oneof(fc.string({ maxLength: 40 }), fc.anything({ maxDepth: 2 })),
        base: fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: ['path'] },
    ),
    { maxLength: 4 },
  ),
  notes: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null), fc.string({ minLength: 100_001, maxLength: 100_010 })),
  note: fc.string({ maxLength: 30 }),
  search: fc.string({ maxLength: 30 }),
  namePrefix: fc.string({ maxLength: 10 }),
  cursor: fc.string({ maxLength: 30 }),
  limit: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.constant('10')),
  sort: fc.constantFrom('updated', 'created', 'business_name', 'completion', 'rowid; DROP TABLE users'),
  name: fc.string({ maxLength: 20 }),
  email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 })),
});
// Input shapes the operations take, filled with the values above (right and wrong), so calls reach the services.
const SHAPES = [
  ['consultationId'],
  ['consultationId', 'expectedVersion'],
  ['consultationId', 'versionNumber'],
  ['consultationId', 'versionNumber', 'expectedVersion'],
  ['consultationId', 'from', 'to'],
  ['consultationId', 'edits'],
  ['consultationId', 'edits', 'notes'],
  ['consultationId', 'expectedVersion', 'note'],
  ['sections'],
  ['search'],
  ['search', 'sort', 'limit'],
  ['namePrefix', 'cursor'],
  ['name', 'email'],
  [],
] as const;
const shaped = () =>
  fc.constantFrom(...SHAPES).chain((keys) => {
    const all = values() as Record<string, fc.Arbitrary<unknown>>;
    return fc.record(Object.fromEntries(keys.map((k) => [k, all[k]!])));
  });
const nearValid = () => fc.oneof(shaped(), fc.record(values(), { requiredKeys: [] }));
// Built inside the test: the ids they pick from exist only after setup.
const bodyArb = () =>
  fc.oneof(
    { weight: 5, arbitrary: nearValid().map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}') },
  );
const operationArb = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...OPERATION_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });

describe('contract operations under random and malformed input', () => {
  it('every call gets a typed error or a valid result; nothing saved is lost; the database stays sound', async () => {
    const versionsBefore = rows(`SELECT * FROM consultation_versions ORDER BY consultation_id, version_number`);
    const teammatesBefore = rows(`SELECT * FROM consultations WHERE id IN (${teammateIds.map((id) => `'${id}'`).join(',')}) ORDER BY id`);
    let calls = 0;
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(operationArb, bodyArb(), async (operation, body) => {
        calls += 1;
        if (operation === 'consultations.delete' && body.includes(ownId)) return; // keep our own record to check it
        const { status, json } = await call(operation, body);
        expect([200, 400]).toContain(status);
        const parsed = resultSchema.safeParse(json);
        expect(parsed.success).toBe(true);
        // Past input validation: a result, or a service's own refusal (not_found, conflict, forbidden…).
        if (parsed.data!.ok || parsed.data!.error.code !== 'validation') reached += 1;
        if (!parsed.data!.ok) {
          expect(parsed.data!.error.code).not.toBe('internal');
          expect(JSON.stringify(json)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        }
      }),
      { numRuns: 3000 },
    );
    // 3,000 HTTP calls: generous for a busy 2-core machine.
    expect(calls).toBe(3000);
    expect(reached).toBeGreaterThan(250); // the generators reach past validation into the services
    expect({} as Record<string, unknown>).not.toHaveProperty('polluted');
    expect(host.services.database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(host.services.database.sqlite.pragma('foreign_key_check')).toEqual([]);
    // History is append-only: every version that existed is still there, unchanged.
    const versionsAfter = rows(`SELECT * FROM consultation_versions ORDER BY consultation_id, version_number`) as { id: string }[];
    const afterById = new Map(versionsAfter.map((v) => [v.id, v]));
    for (const v of versionsBefore as { id: string }[]) expect(afterById.get(v.id)).toEqual(v);
    expect(teammatesBefore).toHaveLength(2);
    expect(rows(`SELECT * FROM consultations WHERE id IN (${teammateIds.map((id) => `'${id}'`).join(',')}) ORDER BY id`)).toEqual(teammatesBefore);
    // And the process still serves.
    expect((await call('app.info', '')).json).toMatchObject({ ok: true });
  }, 240_000);
});
