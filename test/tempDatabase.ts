import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type LocalDatabase } from '../src/main/db/client';
import { createServices, type Services } from '../src/main/services';

/** A fresh folder under the system temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'fieldbook-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestApp extends Services {
  dir: string;
  file: string;
  reopen(): TestApp;
  close(): void;
}

/** Real SQLite file in a temp folder, migrated, with services and (by default) a first-run profile. */
export function openTestApp(options: { profile?: boolean; dir?: string } = {}): TestApp {
  const { dir, cleanup } = options.dir ? { dir: options.dir, cleanup: () => {} } : tempDir();
  const file = join(dir, 'fieldbook.db');
  const build = (database: LocalDatabase, ownsDir: boolean): TestApp => {
    const services = createServices(database);
    return {
      ...services,
      dir,
      file,
      reopen() {
        database.close();
        return build(openDatabase(file), ownsDir);
      },
      close() {
        database.close();
        if (ownsDir) cleanup();
      },
    };
  };
  const app = build(openDatabase(file), !options.dir);
  if (options.profile !== false) app.users.saveProfile({ name: 'Ada Consultant', email: 'ada@example.com' });
  return app;
}

/** Every row of every table, for asserting that a rejected call changed nothing. */
export function snapshot(app: { database: LocalDatabase }): Record<string, unknown[]> {
  const sqlite = app.database.sqlite;
  const names = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'consultations_fts_%' ORDER BY name`)
    .all() as { name: string }[];
  return Object.fromEntries(names.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]));
}

/** Runs a call expected to fail and returns its typed error value. */
export function failureOf(call: () => unknown): { code: string; message: string; issues?: { path: string; message: string }[] } {
  try {
    call();
  } catch (error) {
    if (error && typeof error === 'object' && 'toValue' in error) return (error as { toValue(): never }).toValue();
    throw error;
  }
  throw new Error('expected the call to fail');
}
