import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AppHost } from '../appHost';
import { seedConsultations } from '../../../bench/seed';
import { longestBlock } from '../../../bench/offthread';
import { snapshot } from '../../../test/tempDatabase';
import { AppFailure } from '@shared/errors';
import type { ExportFile } from '@shared/exportFile';
import type { EventPayload } from '@shared/contract';
import { exportsWorkerEntry } from './offThreadExports';
import { startTestHost } from '../../../test/testHost';

// Real SQLite files, a real worker thread loading TypeScript through tsx, 20,000 consultations.

const COUNT = 20_000;
// The app's aim is 100 ms (measured in `npm run bench`); a test on a loaded 2-core machine saw 183 ms from
// scheduling alone. In the thread the same work holds the main thread for 10+ seconds, so 250 ms still
// tells the two apart without failing under load.
const MAIN_THREAD_BLOCK_LIMIT_MS = 250;
const dirs: string[] = [];
const hosts: AppHost[] = [];
function newHost(email = 'bench@example.com') {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-offthread-'));
  dirs.push(dir);
  const host = startTestHost(dir);
  host.services.users.saveProfile({ name: 'Bench', email });
  hosts.push(host);
  return host;
}
afterAll(() => {
  for (const host of hosts.splice(0)) host.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const withoutStamp = (file: ExportFile) => ({ ...file, exportedAt: 'x' });
const decode = (base64: string) => JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as ExportFile;

let source: AppHost;
let text: string;
beforeAll(() => {
  source = newHost();
  seedConsultations(source.services.database.sqlite, source.services.users.current()!.id, COUNT);
  // Read back from a file, as the app receives it: one flat string (JSON.stringify's is a rope that the
  // first slice would flatten on the main thread, a cost of this test, not of the app).
  const file = join(dirs[0]!, 'export.json');
  writeFileSync(file, JSON.stringify(source.services.exports.exportAll()));
  text = readFileSync(file, 'utf8');
}, 120_000);

describe('JSON import off the main thread', () => {
  it('imports 20,000 consultations without stalling the main thread, with rising progress, as the in-thread import would', async () => {
    expect(text.length).toBeGreaterThan(15_000_000);
    const target = newHost();
    const progress: EventPayload<'imports.progress'>[] = [];
    let changed = 0;
    target.events.subscribe((name, payload) => {
      if (name === 'imports.progress') progress.push(payload as EventPayload<'imports.progress'>);
      if (name === 'consultations.changed') changed += 1;
    });
    const { value: result, activeMs, probeMs, histogramMs } = await longestBlock(() => target.dispatch('exports.importJson', { text }));
    console.log(
      `worker import of ${COUNT}: main thread's longest block ${activeMs.toFixed(0)} ms (widest timer gap ${probeMs.toFixed(0)} ms, delay histogram ${histogramMs.toFixed(0)} ms); ${progress.length} progress events`,
    );
    expect(result.ok).toBe(true);
    expect(activeMs).toBeLessThan(MAIN_THREAD_BLOCK_LIMIT_MS);
    // Wall clock too, loosely: a busy shared machine deschedules an idle thread now and then; the import on
    // the main thread would hold it for its whole 10+ seconds.
    expect(probeMs).toBeLessThan(1_000);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((p, i) => p.total === COUNT && (i === 0 || p.done > progress[i - 1]!.done))).toBe(true);
    expect(progress.at(-1)).toEqual({ done: COUNT, total: COUNT });
    expect(changed).toBe(1);

    // The same file imported in the thread into a twin laptop: same report, same data.
    const twin = newHost();
    const inThread = twin.services.exports.importAll({ text });
    expect(result).toEqual({ ok: true, value: inThread });
    expect(inThread.consultationsAdded).toBe(COUNT);
    expect(withoutStamp(target.services.exports.exportAll())).toEqual(withoutStamp(twin.services.exports.exportAll()));
    expect(target.services.users.current()!.id).toBe(source.services.users.current()!.id);
  }, 600_000);

  it('refuses a bad file with the same typed error as in the thread, and changes nothing', async () => {
    const target = newHost();
    const file = JSON.parse(text) as ExportFile;
    target.services.exports.importAll({ text: JSON.stringify({ ...file, consultations: file.consultations.slice(0, 50) }) });
    const before = snapshot(target.services);
    // The last consultation's history has a gap: the other 19,999 were written in the worker, then all rolled back.
    const gappy = structuredClone(file);
    gappy.consultations.at(-1)!.currentVersion = 3;
    const cases = ['not json at all', JSON.stringify({ ...file, formatVersion: 99 }), JSON.stringify({ hello: 'world' }), JSON.stringify(gappy)];
    for (const bad of cases) {
      let inThread: unknown;
      try {
        target.services.exports.importAll({ text: bad });
      } catch (error) {
        inThread = error;
      }
      expect(inThread).toBeInstanceOf(AppFailure);
      // Through the boundary: a plain Error from the worker would come out as 'internal', not this value.
      expect(await target.dispatch('exports.importJson', { text: bad })).toEqual({ ok: false, error: (inThread as AppFailure).toValue() });
      expect(snapshot(target.services)).toEqual(before);
    }
  }, 600_000);

  it('keeps the main thread free for writes during an import: they answer "busy" at once, and work again after', async () => {
    const target = newHost();
    const file = JSON.parse(text) as ExportFile;
    // This laptop already has ten of the file's consultations (so it is the same consultant), then takes the rest.
    target.services.exports.importAll({ text: JSON.stringify({ ...file, consultations: file.consultations.slice(0, 10) }) });
    const id = file.consultations.slice(0, 10).find((c) => c.status === 'draft')!.id;
    let started = false;
    target.events.subscribe((name, payload) => {
      if (name === 'imports.progress' && (payload as EventPayload<'imports.progress'>).done >= 1000) started = true;
    });
    const importing = target.dispatch('exports.importJson', { text });
    for (let i = 0; i < 1200 && !started; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toBe(true);
    const edit = { consultationId: id, edits: [{ path: 'contact_info.business_name', value: 'Typed during the import' }] };
    const { value: during, activeMs } = await longestBlock(() => target.dispatch('consultations.autosave', edit));
    expect(during).toEqual({ ok: false, error: { code: 'unavailable', message: 'The database is busy. Try again in a moment.' } });
    expect(activeMs).toBeLessThan(MAIN_THREAD_BLOCK_LIMIT_MS);
    expect((await target.dispatch('consultations.list', { limit: 5 })).ok).toBe(true);
    expect(await importing).toMatchObject({ ok: true, value: { consultationsAdded: COUNT - 10, unchanged: 10 } });
    // The autosave queue's retry after the import: it waits for locks again and is saved.
    expect(await target.dispatch('consultations.autosave', edit)).toMatchObject({ ok: true });
    expect(target.services.consultations.get({ consultationId: id }).consultation.sections.contact_info.business_name).toBe('Typed during the import');
    expect(target.services.database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
  }, 600_000);

  it('reads the file itself when given a path', async () => {
    const target = newHost();
    const file = JSON.parse(text) as ExportFile;
    const small = join(dirs[0]!, 'small.json');
    writeFileSync(small, JSON.stringify({ ...file, consultations: file.consultations.slice(0, 30) }));
    const report = await target.services.exportsOffThread.importFile(small);
    expect(report).toEqual({ consultationsAdded: 30, consultationsUpdated: 0, versionsAdded: 30, unchanged: 0, skipped: [] });
  }, 120_000);
});

describe('JSON export off the main thread', () => {
  it('exports 20,000 consultations without stalling the main thread, the same file as in the thread', async () => {
    const { value: result, activeMs, probeMs, histogramMs } = await longestBlock(() => source.dispatch('exports.json', undefined));
    console.log(
      `worker export of ${COUNT}: main thread's longest block ${activeMs.toFixed(0)} ms (widest timer gap ${probeMs.toFixed(0)} ms, delay histogram ${histogramMs.toFixed(0)} ms)`,
    );
    expect(result.ok).toBe(true);
    const payload = (result as { value: { fileName: string; mimeType: string; base64: string } }).value;
    expect(activeMs).toBeLessThan(MAIN_THREAD_BLOCK_LIMIT_MS);
    expect(probeMs).toBeLessThan(1_000);
    const inThread = source.services.exports.exportAllFile();
    expect(payload.fileName).toBe(inThread.fileName);
    expect(payload.mimeType).toBe('application/json');
    expect(withoutStamp(decode(payload.base64))).toEqual(withoutStamp(decode(inThread.base64)));
    expect(decode(payload.base64).consultations).toHaveLength(COUNT);
  }, 600_000);
});

describe('where the worker is', () => {
  it('runs from source next to this module, and from the build next to out/main/index.js', () => {
    expect(exportsWorkerEntry('file:///repo/src/main/exports/offThreadExports.ts').href).toBe('file:///repo/src/main/exports/exportsWorkerFromSource.mjs');
    expect(exportsWorkerEntry('file:///app/resources/app.asar/out/main/index.js').href).toBe('file:///app/resources/app.asar/out/main/exportsWorker.js');
  });
});
