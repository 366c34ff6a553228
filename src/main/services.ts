import type { LocalDatabase } from './db/client';
import { SettingsStore } from './settings/settingsStore';
import { UsersService } from './users/usersService';
import { ConsultationsService } from './consultations/consultationsService';

/** The main-process services over one open database; both transports (IPC, HTTP) serve these. */
export function createServices(database: LocalDatabase) {
  const settings = new SettingsStore(database.db);
  const users = new UsersService(database.db, settings);
  const consultations = new ConsultationsService(database, () => users.requireCurrentId());
  return { database, settings, users, consultations };
}

export type Services = ReturnType<typeof createServices>;
