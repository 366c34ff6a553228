import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type LocalDatabase } from '../src/main/db/client';
import { createServices, type Services } from '../src/main/services';
import { operations, type OperationInput, type OperationName } from '@shared/contract';
import { validationFailure } from '@shared/errors';
import { ExportsService } from '../src/main/exports/exportsService';
import { findShippedFolder } from '../src/main/appResources';
import { SummaryPdf } from '../src/main/pdf/summaryPdf';
import { BrandingStore } from '../src/main/pdf/brandingStore';
import type { PdfPrinter } from '../src/main/pdf/pdfPrinter';

/** Test apps print no PDFs (the PDF tests drive a real Chromium printer). */
const noPrinter: PdfPrinter = { print: () => Promise.reject(new Error('No PDF printer in this test app.')), close: async () => {} };

/** A fresh folder under the system temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'fieldbook-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

type Op<P extends string, M> = `${P}.${M & string}` extends OperationName ? `${P}.${M & string}` : never;
/** A service as the renderer reaches it: each operation takes the raw input and parses it like handlers.ts. */
export type AtBoundary<S, P extends string> = {
  [M in keyof S]: S[M] extends (...args: never[]) => infer R ? ([Op<P, M>] extends [never] ? S[M] : (input?: OperationInput<Op<P, M>>) => R) : S[M];
};

/** Wraps a service so tests call it the way the boundary does: contract parsing first, typed errors. */
export function atBoundary<S extends object, P extends string>(service: S, prefix: P, aliases: Record<string, OperationName> = {}): AtBoundary<S, P> {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      const name = aliases[String(prop)] ?? `${prefix}.${String(prop)}`;
      if (typeof value !== 'function' || !(name in operations)) return typeof value === 'function' ? value.bind(target) : value;
      const schema = operations[name as OperationName].input;
      return (input?: unknown) => {
        const parsed = schema.safeParse(input ?? (name === 'consultations.create' ? undefined : {}));
        if (!parsed.success) throw validationFailure(parsed.error);
        return (value as (input: unknown) => unknown).call(target, parsed.data);
      };
    },
  }) as AtBoundary<S, P>;
}

export interface TestApp extends Omit<Services, 'consultations'> {
  consultations: AtBoundary<Services['consultations'], 'consultations'>;
  exports: AtBoundary<ExportsService, 'exports'>;
  dir: string;
  file: string;
  reopen(): TestApp;
  close(): void;
}

const fontsFolder = () => findShippedFolder(join('resources', 'fonts'), 'NotoSans-Regular.ttf');

/** Real SQLite file in a temp folder, migrated, with services and (by default) a first-run profile. */
export function openTestApp(options: { profile?: boolean; dir?: string } = {}): TestApp {
  const { dir, cleanup } = options.dir ? { dir: options.dir, cleanup: () => {} } : tempDir();
  const file = join(dir, 'fieldbook.db');
  const build = (database: LocalDatabase, ownsDir: boolean): TestApp => {
    const services = createServices(database);
    return {
      ...services,
      consultations: atBoundary(services.consultations, 'consultations'),
      exports: atBoundary(
        new ExportsService(
          services.store,
          services.consultations,
          services.users,
          new SummaryPdf(noPrinter, fontsFolder(), () => new BrandingStore(services.settings).get()),
        ),
        'exports',
        {
          csv: 'exports.csv',
          importAll: 'exports.importJson',
        },
      ),
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
