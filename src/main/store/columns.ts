import { getTableColumns, type Table } from 'drizzle-orm';

// One column list per table, taken from the drizzle definitions (src/main/db/schema.ts): the store's SQL,
// the sync push and pull, and the row mapping all read it, so a new column is added in schema.ts and a
// migration, nowhere else. Rows cross as SQL values (snake_case names, JSON as text, booleans as 0/1).

interface ColumnSpec {
  key: string;
  name: string;
  kind: 'json' | 'bool' | 'plain';
}

function specsOf(table: Table): ColumnSpec[] {
  return Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    name: column.name,
    kind: column.columnType === 'SQLiteTextJson' ? 'json' : column.columnType === 'SQLiteBoolean' ? 'bool' : 'plain',
  }));
}

export type SqlValue = string | number | bigint | null;
export type SqlRow = Record<string, unknown>;

export interface TableCodec<R> {
  /** Column names in definition order. */
  readonly names: readonly string[];
  /** `"a", "b", …` for SELECT and INSERT lists. */
  readonly list: string;
  /** `?, ?, …` matching `list`. */
  readonly placeholders: string;
  /** A SQL row (as read locally or from the team database) to the record drizzle would return. */
  fromSql(row: SqlRow): R;
  /** A record to positional values in `names` order. */
  toSql(record: R): SqlValue[];
  /** A SQL row to positional values in `names` order (rows passed through unchanged, e.g. for a push). */
  valuesOf(row: SqlRow): SqlValue[];
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    // Left as text: the schema check that follows says what is wrong with the row.
    return value;
  }
}

export function codecOf<T extends Table>(table: T): TableCodec<T['$inferSelect']> {
  const specs = specsOf(table);
  return {
    names: specs.map((s) => s.name),
    list: specs.map((s) => `"${s.name}"`).join(', '),
    placeholders: specs.map(() => '?').join(', '),
    fromSql(row) {
      const out: Record<string, unknown> = {};
      for (const spec of specs) {
        const value = row[spec.name] ?? null;
        out[spec.key] = spec.kind === 'json' ? parseJson(value) : spec.kind === 'bool' ? value === 1 || value === 1n || value === true : value;
      }
      return out as T['$inferSelect'];
    },
    toSql(record) {
      const values = record as Record<string, unknown>;
      return specs.map((spec) => {
        const value = values[spec.key];
        if (value === undefined || value === null) return null;
        if (spec.kind === 'json') return JSON.stringify(value);
        if (spec.kind === 'bool') return value ? 1 : 0;
        return value as SqlValue;
      });
    },
    valuesOf(row) {
      return specs.map((spec) => (row[spec.name] ?? null) as SqlValue);
    },
  };
}
