import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { openTestApp, tempDir, type TestApp } from './tempDatabase';
import { copyFileSync, rmSync } from 'node:fs';
import { forgetSyncIdentity, SyncEngine, type SyncEngineOptions } from '../src/main/sync/syncEngine';
import { LinkSizer } from '../src/main/sync/batchSizing';
import { findMigrationsFolder, readMigrations } from '../src/main/db/migrate';
import { newId } from '../src/main/clock';

export const migrations = readMigrations(findMigrationsFolder());
/** Every pull page applied in the pull worker, however small (the app sends only big ones). */
export const everyPageInWorker = { pullWorker: { migrationsFolder: findMigrationsFolder(), fromRows: 1 } };
/** Pages of a few consultations: a pull of dozens takes many pages. */
export const smallPages = () => new LinkSizer({ startBytes: 4 * 1024, maxBytes: 16 * 1024 });
export const tableRows = (app: TestApp, table: string) => (app.database.sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;

export interface Device extends TestApp {
  name: string;
  engine: SyncEngine;
  sync(): ReturnType<SyncEngine['syncOnce']>;
}

/** A laptop: its own SQLite file, services and sync engine against `remote`. */
export function device(
  name: string,
  remote: Client,
  options: {
    sameUserAs?: Device | undefined;
    sizing?: LinkSizer;
    onProgress?: SyncEngineOptions['onProgress'];
    /** Pull pages applied in the pull worker (the app's setting); `fromRows: 1` sends every page there. */
    pullWorker?: SyncEngineOptions['pullWorker'];
  } = {},
): Device {
  const app = openTestApp({ profile: !options.sameUserAs });
  if (options.sameUserAs) {
    const user = options.sameUserAs.users.current()!;
    app.database.sqlite
      .prepare('INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(user.id, user.name, user.email, user.createdAt, user.updatedAt);
    app.settings.set('current_user_id', user.id);
  } else {
    app.users.saveProfile({ name: `${name} Consultant`, email: `${name.toLowerCase()}@example.com` });
  }
  const engine = new SyncEngine({
    database: () => app.database,
    remote,
    deviceId: `${name}-${newId()}`,
    migrations,
    settings: app.settings,
    ...(options.sizing ? { sizing: options.sizing } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.pullWorker ? { pullWorker: options.pullWorker } : {}),
  });
  return Object.assign(app, { name, engine, sync: () => engine.syncOnce() });
}

/**
 * The laptop after its consultant restored `backupFile` (made earlier with SQLite's backup): the same folder,
 * the backup's data, and the new sync identity the app gives a restored device.
 */
export function restoredDevice(d: Device, backupFile: string, remote: Client): Device {
  d.database.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(d.file + suffix, { force: true });
  copyFileSync(backupFile, d.file);
  const app = openTestApp({ dir: d.dir, profile: false });
  forgetSyncIdentity(app.settings);
  const engine = new SyncEngine({ database: () => app.database, remote, deviceId: `${d.name}-${newId()}`, migrations, settings: app.settings });
  return Object.assign(app, { name: d.name, engine, sync: () => engine.syncOnce() });
}

/** A libSQL file database standing in for Turso (the same engine, in-process). */
export function fileRemote(): { remote: Client; cleanup: () => void } {
  const t = tempDir('fieldbook-remote-');
  const remote = createClient({ url: `file:${join(t.dir, 'remote.db')}` });
  return { remote, cleanup: () => (remote.close(), t.cleanup()) };
}

/**
 * A team database in a temp file and a way to add laptops to it. `onCleanup` receives one function that closes
 * every laptop added and the team database (a test file calls it after each test).
 */
export function fileTeamDevices(onCleanup: (cleanup: () => void) => void) {
  const { remote, cleanup } = fileRemote();
  const devices: Device[] = [];
  onCleanup(() => {
    devices.forEach((d) => d.close());
    cleanup();
  });
  const add = (name: string, options?: Parameters<typeof device>[2]) => {
    const d = device(name, remote, options);
    devices.push(d);
    return d;
  };
  return { remote, add };
}

/** What must be equal on every device after sync: consultations (with their status moves) and their versions. */
export function syncedState(app: TestApp) {
  const sqlite = app.database.sqlite;
  return {
    consultations: sqlite
      .prepare(
        `SELECT id, user_id, contact_info, business_context, pain_points, goals_objectives, status, current_version, completion_percentage, follow_up_of, status_events FROM consultations ORDER BY id`,
      )
      .all(),
    versions: sqlite
      .prepare(
        `SELECT id, consultation_id, version_number, contact_info, business_context, pain_points, goals_objectives, status, signer_name, signed_at, signature_image, content_hash FROM consultation_versions ORDER BY consultation_id, version_number`,
      )
      .all(),
  };
}
