import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/main/db/client';
import { createServices } from '../../src/main/services';
import { findMigrationsFolder, readMigrations } from '../../src/main/db/migrate';
import { editsForSections } from '@shared/consultation/edits';

// Runs one kind of work until it is killed, acknowledging each completed step on stdout
// (synchronously, so an acknowledgement is never printed for work that did not return).
const [mode, dataFolder, consultationId, remoteFile] = process.argv.slice(2) as [string, string, string, string];
const ack = (text: string) => writeSync(1, `${text}\n`);

ack('start');
if (mode === 'remote-upgrade') {
  // Upgrades the team database (remoteFile) to the migrations in FIELDBOOK_MIGRATIONS, nothing local.
  const { createClient } = await import('@libsql/client');
  const { ensureRemoteSchema } = await import('../../src/main/sync/remoteSchema');
  const remote = createClient({ url: `file:${remoteFile}` });
  ack('open');
  await ensureRemoteSchema(remote, readMigrations(findMigrationsFolder()));
  ack('upgraded');
  process.exit(0);
}
const database = openDatabase(join(dataFolder, 'fieldbook.db'));
// Only the durability control sets this: it shows the fsync check fails when durability is lowered.
if (process.env.FIELDBOOK_CRASH_LOWER_SYNCHRONOUS) database.sqlite.pragma(`synchronous = ${process.env.FIELDBOOK_CRASH_LOWER_SYNCHRONOUS}`);
ack('open');
if (mode === 'open') process.exit(0);
const services = createServices(database);
const c = services.consultations;

if (mode === 'autosave') {
  for (let i = 1; ; i += 1) {
    // remoteFile doubles as this run's tag here, so values are unique across runs.
    c.autosave({ consultationId, edits: editsForSections({ contact_info: { business_name: `typed ${remoteFile}-${i}` } }), notes: `note ${remoteFile}-${i}` });
    ack(`saved ${i}`);
  }
} else if (mode === 'saves') {
  // A fixed number of autosaves, then a clean exit (run under strace to count syncs per save).
  for (let i = 1; i <= Number(remoteFile); i += 1) {
    c.autosave({ consultationId, edits: [{ path: 'contact_info.business_name', value: `synced ${i}` }], notes: `note ${i}` });
    ack(`saved ${i}`);
  }
  process.exit(0);
} else if (mode === 'version') {
  for (let i = 1; ; i += 1) {
    const current = c.get({ consultationId }).consultation.currentVersion;
    c.autosave({ consultationId, edits: editsForSections({ contact_info: { business_name: `version ${process.pid}-${i}` } }) });
    const { version } = c.saveVersion({ consultationId, expectedVersion: current });
    ack(`version ${version!.versionNumber}`);
  }
} else if (mode === 'push') {
  // Loaded only here: the libSQL client is the slowest module to start.
  const { createClient } = await import('@libsql/client');
  const { SyncEngine } = await import('../../src/main/sync/syncEngine');
  const migrations = readMigrations(findMigrationsFolder());
  const engine = new SyncEngine({
    database: () => database,
    remote: createClient({ url: `file:${remoteFile}` }),
    deviceId: 'crash',
    migrations,
    settings: services.settings,
    batchSize: 50,
  });
  await engine.syncOnce();
  ack('pushed');
}
