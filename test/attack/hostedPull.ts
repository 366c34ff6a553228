import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startHranaAdapter, startTursoServer } from '../tursoServer';
import type { Started } from '../tursoTeam';
import { device, syncedState, type Device } from '../syncDevices';
import { tempDir } from '../tempDatabase';
import { fullSections } from '../arbitraries';
import { createRemoteClient } from '../../src/main/sync/remoteClient';
import { startTestHost } from '../testHost';
import type { AppHost } from '../../src/main/appHost';

// A consultant's second laptop (the app host, what the desktop app runs) taking in a team of hundreds over tursodb,
// its big pages in the pull worker: the helpers the host-level pull attacks share.

export const TEAM_SIZE = Number(process.env.TEAM_SIZE ?? 700);

/** A team on its own tursodb, with Ada's laptop having pushed TEAM_SIZE consultations to it. */
export async function team(started: Started): Promise<{ url: string; ada: Device }> {
  const server = await startTursoServer();
  started.servers.push(server);
  const adapter = await startHranaAdapter(server.port);
  started.adapters.push(adapter);
  const remote = createRemoteClient({ url: adapter.url });
  const ada = device('Ada', remote);
  started.cleanups.push(() => (ada.close(), remote.close()));
  // Through the service: the same canonical JSON a pull writes (the seed's raw SQL is not).
  for (let i = 0; i < TEAM_SIZE; i += 1) ada.consultations.create({ sections: fullSections(`Hosted Hardware ${i}`) });
  await ada.sync();
  return { url: adapter.url, ada };
}

/** Ada's second laptop: the app host, her profile made at its welcome screen (the same email: it adopts her identity). */
export function secondLaptop(url: string, dir = tempDir()): AppHost & { dir: string; file: string; url: string } {
  // Background sync on, as in the app: the runs that catch up with changes typed during a run follow it.
  const h = startTestHost(dir.dir, { backgroundSync: true });
  if (!h.services.users.current()) h.services.users.saveProfile({ name: 'Ada Consultant', email: 'ada@example.com' });
  return Object.assign(h, { dir: dir.dir, file: join(dir.dir, 'fieldbook.db'), url });
}

/** Turns sync on (which starts a run at once, as in the app) and resolves when that run ended, with its state. */
export function turnSyncOn(h: AppHost & { url: string }): Promise<string> {
  const ended = new Promise<string>((resolve) => {
    const stop = h.events.subscribe((name, payload) => {
      const state = (payload as { state?: string }).state;
      if (name !== 'sync.status' || state === 'syncing' || state === undefined) return;
      stop();
      resolve(state);
    });
  });
  h.sync.saveSettings({ url: h.url, enabled: true, intervalMinutes: 5 });
  return ended;
}

/** Runs `action` (once) soon after a fifth of the team landed, while the next page (big: in the worker) is being applied. */
export function midPull(h: AppHost, action: () => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = h.events.subscribe((name, payload) => {
      const done = (payload as { progress?: { done: number } | null })?.progress?.done ?? 0;
      if (name !== 'sync.status' || done < TEAM_SIZE / 5) return;
      stop();
      setImmediate(() => Promise.resolve().then(action).then(resolve, reject));
    });
  });
}

export const integrity = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};
/** syncedState of a database file, read over a connection of its own. */
export const stateOf = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return syncedState({ database: { sqlite: db } } as never);
  } finally {
    db.close();
  }
};
