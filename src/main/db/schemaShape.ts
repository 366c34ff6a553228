import type BetterSqlite3 from 'better-sqlite3';

// The whole schema of a database as comparable text: every table, index, trigger and view with its SQL,
// and each table's columns for messages a person can read. SQLite's own objects (autoindexes, planner
// statistics, the AUTOINCREMENT counter table) are left out: they follow from the rest.

export interface SchemaEntry {
  type: string;
  name: string;
  table: string;
  sql: string;
  columns: string[];
}

export type SchemaShape = Map<string, SchemaEntry>;

/** Whitespace and identifier quoting do not change meaning; everything else is compared exactly. */
export function normalizeSql(sql: string): string {
  return sql.replace(/`/g, '"').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

export function schemaShape(sqlite: BetterSqlite3.Database): SchemaShape {
  const rows = sqlite
    .prepare(`SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`)
    .all() as { type: string; name: string; tbl: string; sql: string | null }[];
  const shape: SchemaShape = new Map();
  for (const row of rows) {
    const columns =
      row.type === 'table' ? (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(row.name) as { name: string }[]).map((c) => c.name) : [];
    shape.set(`${row.type} ${row.name}`, { type: row.type, name: row.name, table: row.tbl, sql: normalizeSql(row.sql ?? ''), columns });
  }
  return shape;
}

const ORDER = ['table', 'view', 'index', 'trigger'];

/** What differs, in words, tables first; empty when `actual` is exactly `expected`. */
export function shapeDifferences(actual: SchemaShape, expected: SchemaShape): string[] {
  const problems: { type: string; text: string }[] = [];
  for (const [key, want] of expected) {
    const have = actual.get(key);
    if (!have) problems.push({ type: want.type, text: `${want.type} "${want.name}" is missing` });
    else if (have.sql !== want.sql) {
      const sameColumns = have.columns.join(',') === want.columns.join(',');
      problems.push({
        type: want.type,
        text:
          want.type === 'table' && !sameColumns
            ? `table "${want.name}" has columns (${have.columns.join(', ')}) instead of (${want.columns.join(', ')})`
            : `${want.type} "${want.name}" is defined differently`,
      });
    }
  }
  for (const [key, have] of actual) if (!expected.has(key)) problems.push({ type: have.type, text: `it has an extra ${have.type} "${have.name}"` });
  return problems.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type)).map((p) => p.text);
}
