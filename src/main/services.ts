import type { LocalDatabase } from './db/client';
import { SettingsStore } from './store/settingsStore';
import { UsersStore } from './store/usersStore';
import { UsersService } from './users/usersService';
import { ConsultationsService } from './consultations/consultationsService';
import { ConsultationStore } from './store/consultationStore';

/** The main-process services over one open database; both transports (IPC, HTTP) serve these. */
export function createServices(database: LocalDatabase) {
  const settings = new SettingsStore(database.db);
  const users = new UsersService(new UsersStore(database.db), settings);
  const store = new ConsultationStore(database);
  const consultations = new ConsultationsService(store, () => users.requireCurrentId());
  return { database, settings, users, store, consultations };
}

export type Services = ReturnType<typeof createServices>;
