import { afterAll, beforeAll } from 'vitest';
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
