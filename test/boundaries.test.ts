import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// The process and table boundaries, checked on the source itself (the lint rules say the same; this test
// fails even where a lint step were skipped or a rule switched off).

const ROOT = resolve(import.meta.dirname, '..');
const DATABASE_LIBRARY = /from\s+'(better-sqlite3|drizzle-orm(\/[^']*)?|@libsql\/client(\/[^']*)?)'/;
const ALLOWED = [/^src\/main\/db\//, /^src\/main\/store\//, /^src\/main\/sync\/remoteClient\.ts$/];
const CONSULTATION_TABLES =
  /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|FROM|JOIN)\s+"?(consultations|consultation_versions|consultation_drafts|consultation_conflicts|consultation_tombstones)\b/i;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

describe('boundaries', () => {
  const files = sources(join(ROOT, 'src'));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('src/main/store/consultationStore.ts');
  });

  it('imports database libraries only in the db layer, the store and the sync remote client', () => {
    const offenders = files.filter((file) => DATABASE_LIBRARY.test(readFileSync(join(ROOT, file), 'utf8')) && !ALLOWED.some((a) => a.test(file)));
    expect(offenders).toEqual([]);
  });

  // The sync engine's remote statements (and the conflicts it carries, conflictTravel.ts) name the team's tables.
  it('reads and writes the consultation tables only in the store (and the migrations that make them)', () => {
    const offenders = files.filter(
      (file) =>
        CONSULTATION_TABLES.test(readFileSync(join(ROOT, file), 'utf8')) &&
        !/^src\/main\/(store|db)\//.test(file) &&
        !/^src\/main\/sync\/(syncEngine|conflictTravel)\.ts$/.test(file),
    );
    expect(offenders).toEqual([]);
  });
});
