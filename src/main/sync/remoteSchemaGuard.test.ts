import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findMigrationsFolder, statementRunsOn } from '../db/migrate';
import { remoteStatementProblem } from './remoteSchema';
import { generateRebuild } from '../../../test/drizzleRebuild';

// Older apps keep writing to the team database while a newer one upgrades it, so every statement of every
// migration file that runs there must only add (tables, columns, indexes). A rebuild or drop is local-only.

const folder = findMigrationsFolder();
const remoteStatements = (sql: string) => sql.split('--> statement-breakpoint').filter((s) => s.trim() && statementRunsOn(s, 'remote'));

describe('team database schema guard', () => {
  const files = readdirSync(folder).filter((f) => f.endsWith('.sql'));

  it('every migration file is in the journal (none can be left out of the check or the app)', () => {
    const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(files.sort()).toEqual(journal.entries.map((e) => `${e.tag}.sql`).sort());
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(readdirSync(folder).filter((f) => f.endsWith('.sql')))('%s only adds to the team database', (name) => {
    const problems = remoteStatements(readFileSync(join(folder, name), 'utf8'))
      .map((s) => ({ problem: remoteStatementProblem(s), statement: s.trim().slice(0, 80) }))
      .filter((p) => p.problem);
    expect(problems).toEqual([]);
  });

  it('catches what drizzle-kit writes for a table rebuild, and drops, renames and row changes', () => {
    const rebuild = generateRebuild();
    try {
      const flagged = remoteStatements(rebuild.sql).map(remoteStatementProblem).filter(Boolean);
      expect(flagged).toEqual(expect.arrayContaining(['rebuilds a table', 'drops a table, index or column', 'renames a table or column']));
    } finally {
      rebuild.cleanup();
    }
    expect(remoteStatementProblem('ALTER TABLE consultations DROP COLUMN note')).toMatch(/drops/);
    expect(remoteStatementProblem('DROP INDEX idx_consultations_status')).toMatch(/drops/);
    expect(remoteStatementProblem('ALTER TABLE users RENAME COLUMN name TO full_name')).toMatch(/renames/);
    expect(remoteStatementProblem(`UPDATE consultations SET status = 'draft'`)).toMatch(/changes existing rows/);
    expect(remoteStatementProblem('-- comments may say DROP TABLE\nCREATE TABLE t (x)')).toBeNull();
    expect(remoteStatementProblem('ALTER TABLE consultations ADD `industry_code` text')).toBeNull();
    expect(remoteStatementProblem('CREATE INDEX `idx_x` ON `consultations` (`status`)')).toBeNull();
  }, 120_000);
});
