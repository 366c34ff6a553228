import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAppHost, type AppHost } from '../src/main/appHost';
import { seedConsultations } from './seed';
import type { Row } from './measure';

export const OFF_THREAD_CONSULTATIONS = 20_000;

/**
 * The main thread's longest stall while `work` runs, three ways: `activeMs`, the most time the event loop spent
 * running (not waiting for events) between two ticks of a 10 ms timer, which a busy machine's scheduler does
 * not inflate much; `probeMs`, the widest wall-clock gap between ticks (includes time the OS gave other
 * processes); and the event-loop delay histogram's max.
 */
export async function longestBlock<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number; activeMs: number; probeMs: number; histogramMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  let last = started;
  let lastUse = performance.eventLoopUtilization();
  let probeMs = 0;
  let activeMs = 0;
  const tick = () => {
    const t = performance.now();
    probeMs = Math.max(probeMs, t - last);
    activeMs = Math.max(activeMs, performance.eventLoopUtilization(lastUse).active);
    last = t;
    lastUse = performance.eventLoopUtilization();
  };
  const timer = setInterval(tick, 10);
  histogram.enable();
  try {
    const value = await work();
    // Work done in the thread holds the timer until it ends: that last stretch counts too.
    tick();
    return { value, ms: last - started, activeMs, probeMs, histogramMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
    clearInterval(timer);
  }
}

/** JSON import and export of 20,000 consultations in the worker, against the same calls on the main thread; and a backup. */
export async function offThreadBench(dir: string): Promise<Row[]> {
  const host = (name: string): AppHost => {
    const h = startAppHost({ dataFolder: join(dir, name), shell: 'browser-preview', version: 'bench', autoBackup: false, backgroundSync: false });
    h.services.users.saveProfile({ name: 'Bench', email: 'bench@example.com' });
    return h;
  };
  const source = host('source');
  const inThreadTarget = host('in-thread');
  const workerTarget = host('worker');
  try {
    seedConsultations(source.services.database.sqlite, source.services.users.current()!.id, OFF_THREAD_CONSULTATIONS);
    // A flat string, as the app receives it over IPC or HTTP.
    writeFileSync(join(dir, 'export.json'), JSON.stringify(source.services.exports.exportAll()));
    const text = readFileSync(join(dir, 'export.json'), 'utf8');
    const mb = (Buffer.byteLength(text) / 2 ** 20).toFixed(0);

    const inThreadImport = await longestBlock(() => inThreadTarget.services.exports.importAll({ text }));
    const workerImport = await longestBlock(() => workerTarget.services.exportsOffThread.importAll({ text }));
    const inThreadExport = await longestBlock(() => source.services.exports.exportAllFile());
    const workerExport = await longestBlock(() => source.services.exportsOffThread.exportAllFile());
    // SQLite's online backup in a worker thread (BackupService.backupTo).
    const backup = await longestBlock(() => source.services.backups.backupTo(join(dir, 'backup.db')));
    const n = OFF_THREAD_CONSULTATIONS.toLocaleString('en-US');
    const gaps = (m: { probeMs: number; histogramMs: number }) =>
      `widest timer gap ${m.probeMs.toFixed(0)} ms, event-loop delay max ${m.histogramMs.toFixed(0)} ms`;
    return [
      {
        name: `Import JSON, ${n} consultations (${mb} MB), in the worker`,
        ms: workerImport.ms,
        baselineMs: inThreadImport.ms,
        baseline: 'same import on the main thread',
      },
      {
        name: 'Main thread longest block during that import',
        ms: workerImport.activeMs,
        baselineMs: inThreadImport.activeMs,
        baseline: 'import on the main thread',
        aim: '< 100 ms',
        note: gaps(workerImport),
      },
      {
        name: `Export JSON, ${n} consultations, in the worker`,
        ms: workerExport.ms,
        baselineMs: inThreadExport.ms,
        baseline: 'same export on the main thread',
      },
      {
        name: 'Main thread longest block during that export',
        ms: workerExport.activeMs,
        baselineMs: inThreadExport.activeMs,
        baseline: 'export on the main thread',
        aim: '< 100 ms',
        note: gaps(workerExport),
      },
      { name: `Back up ${n} consultations (online backup, in a worker)`, ms: backup.ms },
      { name: 'Main thread longest block during that backup', ms: backup.activeMs, aim: '< 100 ms', note: gaps(backup) },
    ];
  } finally {
    for (const h of [source, inThreadTarget, workerTarget]) h.close();
  }
}
