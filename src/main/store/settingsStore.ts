import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { appSettings } from '../db/schema';
import { now } from '../clock';

/** Device-local key/value settings, stored as JSON in `app_settings`. Never synced. */
export class SettingsStore {
  constructor(private readonly db: Db) {}

  get<T>(key: string): T | undefined {
    const row = this.db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, key)).get();
    return row?.value as T | undefined;
  }

  set(key: string, value: unknown): void {
    const updatedAt = now();
    this.db.insert(appSettings).values({ key, value, updatedAt }).onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt } }).run();
  }

  delete(key: string): void {
    this.db.delete(appSettings).where(eq(appSettings.key, key)).run();
  }
}
