import { afterAll, afterEach, beforeAll } from 'vitest';
import { startHranaAdapter, startTursoServer, type HranaAdapter, type TursoServer } from './tursoServer';
import type { Device } from './syncDevices';

/**
 * A tursodb with the fault-injecting adapter in front, started before the calling file's tests and stopped
 * after them, with the laptops those tests add (closed first).
 */
export function tursoForThisFile(): { server: TursoServer; adapter: HranaAdapter; devices: Device[] } {
  const team = { server: undefined as unknown as TursoServer, adapter: undefined as unknown as HranaAdapter, devices: [] as Device[] };
  beforeAll(async () => {
    team.server = await startTursoServer();
    team.adapter = await startHranaAdapter(team.server.port);
  }, 60_000);
  afterAll(async () => {
    team.devices.forEach((d) => d.close());
    await team.adapter?.close();
    await team.server?.stop();
  });
  return team;
}

/** What a file's tests started: tursodb servers and adapters (stopped after the file), other cleanups (after each test, last first). */
export interface Started {
  servers: TursoServer[];
  adapters: HranaAdapter[];
  cleanups: (() => void | Promise<void>)[];
}

/** Lists for the teams the calling file's tests start, each test's cleanups run after it and the servers after the file. */
export function startedInThisFile(): Started {
  const started: Started = { servers: [], adapters: [], cleanups: [] };
  afterAll(async () => {
    for (const a of started.adapters) await a.close();
    for (const s of started.servers) await s.stop();
  });
  afterEach(async () => {
    for (const c of started.cleanups.splice(0).reverse()) await c();
  });
  return started;
}
