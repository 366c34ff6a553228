import type BetterSqlite3 from 'better-sqlite3';
import type { ConsultationSummary, ParsedListQuery, SortKey, StatusCounts, ListPage } from '@shared/consultation/model';
import { AppFailure } from '@shared/errors';
import { searchMatchQuery, searchNeedles } from '@shared/searchText';

// The dashboard's queries. Written as SQL (not the query builder) because their speed is the point:
// every filter and sort uses the exact expression its index is built on (db/schema.ts `expr`,
// migrations/sqlite/0001_search.sql), pages are keyset pages over (sort key, id), and each distinct
// query shape is prepared once and reused.

const EXPR = {
  businessNameKey: `ifnull(lower(json_extract(c."contact_info", '$.business_name')), '')`,
  industry: `json_extract(c."business_context", '$.industry')`,
  urgency: `json_extract(c."pain_points", '$.urgency_level')`,
};

const SORT_EXPR: Record<SortKey, string> = {
  updated: 'c."updated_at"',
  created: 'c."created_at"',
  business_name: EXPR.businessNameKey,
  completion: 'c."completion_percentage"',
};

/** The index that holds each sort order (key, id). */
const SORT_INDEX: Record<SortKey, string> = {
  updated: 'idx_consultations_updated_at',
  created: 'idx_consultations_created_at',
  business_name: 'idx_consultations_contact_business_name',
  completion: 'idx_consultations_completion',
};

/**
 * The index a walk in sort order takes: by last change with an industry, an urgency or one status asked for, the
 * composite index (0002) that holds only those rows, already in that order, so no row the filters drop is met
 * (common word + urgency + industry at 1,000,000 rows: about 7,000 rows met instead of about 90).
 */
function walkIndex(query: ParsedListQuery): string {
  if (query.sort !== 'updated') return SORT_INDEX[query.sort];
  if (query.industry && query.urgency) return 'idx_consultations_industry_urgency_updated';
  if (query.industry) return 'idx_consultations_industry_updated';
  if (query.urgency) return 'idx_consultations_urgency_updated';
  if (query.status && query.status !== 'active') return 'idx_consultations_status_updated';
  return SORT_INDEX.updated;
}

/**
 * Above this many matches, walking the sort index beats sorting every match (measured at 100,000 rows:
 * a full-text term in 20% of rows 40 ms -> 9 ms; status + name sort 44 ms -> under 2 ms), while rare
 * matches stay fast the other way. See docs/benchmarks.md.
 */
export const MANY_MATCHES = 1000;

/** Up to this many times the walking bound, a set of the matching rowids beats checking each row's text. */
const SET_FACTOR = 5;

/**
 * Sort index entries walked for the cost of sorting one match: stepping a covering index and probing a set is
 * about 0.07 µs an entry, looking a match's row up to sort it about 6 µs (1,000,000 rows). A walk over fewer
 * matches is given this many entries per match; more than that and sorting every match is the cheaper risk.
 */
const WALK_PER_MATCH = 25;

/** The walk is tried only when the entries it is given are this many times the walk the matches' share predicts. */
const WALK_MARGIN = 3;

// The list shows the working copy: the consultations row is what the consultant sees, so names, filters,
// sort keys and search all read it, on the indexes built for it. "Changed since version N" compares the
// row with its newest version as canonical JSON text (both are written by the store in one form).
/**
 * A visit `f` that follows `c`: it names `c` and was made after it. A follow-up is always made after the visit
 * it follows, so a link from an import file or a team row that points at itself or back up the chain (a
 * cycle) never hides every visit of a client.
 */
const LATER_VISIT = `f."follow_up_of" = c."id" AND (f."created_at", f."id") > (c."created_at", c."id")`;
/**
 * Later visits are found by their link, always: once `PRAGMA optimize` has analysed a table where almost every
 * row has no follow_up_of, SQLite rates that index as useless and scans created_at instead, for every row listed
 * (a page of a search took 70 s at 1,000,000 consultations).
 */
const LATER_VISITS = `"consultations" f INDEXED BY "idx_consultations_follow_up_of"`;

const SUMMARY_COLUMNS = `
  c."id" AS id, c."user_id" AS userId, u."name" AS ownerName,
  json_extract(c."contact_info", '$.business_name') AS businessName,
  json_extract(c."contact_info", '$.contact_person') AS contactPerson,
  ${EXPR.industry} AS industry, ${EXPR.urgency} AS urgency,
  c."status" AS status, c."completion_percentage" AS completionPercentage, c."current_version" AS currentVersion,
  (v."id" IS NULL OR c."contact_info" IS NOT v."contact_info" OR c."business_context" IS NOT v."business_context"
    OR c."pain_points" IS NOT v."pain_points" OR c."goals_objectives" IS NOT v."goals_objectives") AS changedSinceVersion,
  c."created_at" AS createdAt, c."updated_at" AS updatedAt,
  c."follow_up_of" AS followUpOf, EXISTS (SELECT 1 FROM ${LATER_VISITS} WHERE ${LATER_VISIT}) AS hasLaterVisit`;

/** Turns what a person types into an FTS5 query, folded the way the index is (src/shared/searchText.ts). */
export function ftsQuery(text: string): string | null {
  return searchMatchQuery(text);
}

/**
 * A row limit written into the statement's text rather than bound: SQLite's planner reads a bound LIMIT, so
 * binding one expires the statement and every run prepares it again (a rare word's page statement at 1,000,000 rows: 82 -> 13 µs).
 */
function limitOf(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Not a row limit: ${n}`);
  return `LIMIT ${n}`;
}

type Cursor = [string | number, string];

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: SortKey): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === 'string' &&
      (sort === 'completion' ? typeof parsed[0] === 'number' : typeof parsed[0] === 'string')
    ) {
      return parsed as Cursor;
    }
  } catch {
    // fall through to the typed error
  }
  throw new AppFailure('validation', 'This page of results has expired. Reload the list.', [{ path: 'cursor', message: 'Not a cursor from this list' }]);
}

interface Plan {
  /** Walk the sort order's index (INDEXED BY) and keep matching rows. */
  walkSortIndex: boolean;
  /**
   * How search text is checked on each row met, rather than by collecting the matching consultations:
   * against a set of the matching rowids, or on the row's own indexed text (matches never all read).
   */
  checkEachRow: false | 'set' | 'text';
  /** Every matching full-text rowid, when the plan read them all (few matches): the page looks them up, no second MATCH. */
  matches?: number[];
  /**
   * With `matches`: walk at most this many entries of the sort index (covering: key and id only), keeping those
   * among the matches; a page the walk could not fill is made by sorting every match instead.
   */
  walkBound?: number;
}

/** How the plan reads: one number (a count), or every row's first column (rowids); `record` sees each statement. */
interface PlanReader {
  count(text: string, params: unknown[]): number;
  column(text: string, params: unknown[]): number[];
}

interface SummaryRow extends Omit<ConsultationSummary, 'changedSinceVersion' | 'hasLaterVisit'> {
  changedSinceVersion: number;
  hasLaterVisit: number;
  sortValue: string | number;
}

/** A row as the contract's summary, written out field by field: an object rest spread cost half the statement's own time (50 rows). */
function summaryOf(row: SummaryRow): ConsultationSummary {
  return {
    id: row.id,
    userId: row.userId,
    ownerName: row.ownerName,
    businessName: row.businessName,
    contactPerson: row.contactPerson,
    industry: row.industry,
    urgency: row.urgency,
    status: row.status,
    completionPercentage: row.completionPercentage,
    currentVersion: row.currentVersion,
    changedSinceVersion: row.changedSinceVersion === 1,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    followUpOf: row.followUpOf,
    hasLaterVisit: row.hasLaterVisit === 1,
  };
}

export class ConsultationList {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly sqlite: BetterSqlite3.Database) {}

  /** The newest visit down the chain of follow-ups from this one (itself when none is later). */
  latestVisitFrom(id: string): string {
    const next = this.prepared(
      `SELECT f."id" AS id FROM "consultations" c JOIN ${LATER_VISITS} ON ${LATER_VISIT} WHERE c."id" = ? ORDER BY f."created_at" DESC, f."id" DESC LIMIT 1`,
    );
    let current = id;
    // Each step moves to a later visit, so the walk ends; the bound only caps a pathological chain.
    for (let step = 0; step < 10_000; step += 1) {
      const row = next.get(current) as { id: string } | undefined;
      if (!row) break;
      current = row.id;
    }
    return current;
  }

  private prepared(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.sqlite.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * How to run a query. With many matches, walking the sort index and keeping matching rows finds a page
   * sooner than sorting every match; with few, the filter's own index and a small sort win. The default
   * sort (updated) with status/industry/urgency filters has composite indexes (0002) and needs no help.
   *
   * Search text: with few text matches the page is collected from the full-text index; with many, every
   * match would be collected only to keep one page, so each row met is checked on its own indexed text
   * instead (`searchNeedles`), and whichever index drives the walk stops after one page.
   */
  private plan(query: ParsedListQuery, read: PlanReader = this.reader()): Plan {
    const count = read.count;
    const { where, params } = this.filters({ ...query, cursor: undefined }, false);
    // Blank search text or prefix narrows nothing: decide on the clauses actually built.
    if (where.length === 0) return { walkSortIndex: false, checkEachRow: false };
    const match = query.search ? ftsQuery(query.search) : null;
    const prefix = query.namePrefix?.trim();
    const coveredByComposite = query.sort === 'updated' && !match && !query.ownerId && !prefix;
    if (coveredByComposite) return { walkSortIndex: false, checkEachRow: false };
    if (match) {
      // Walking costs about (page / share of rows matching) row checks, collecting one per match: they
      // cross near sqrt(page x rows). Up to a few times that, a set of the matching rowids is cheap to build
      // and each row's check is one lookup; above, each row met is checked on its own indexed text, and
      // the matches are never all read. Counting inside the full-text index, up to the second bound, is cheap.
      const rows = count(`SELECT ifnull(max("search_rowid"), 0) AS n FROM "consultation_search_keys"`, []);
      const many = Math.max(MANY_MATCHES, Math.ceil(Math.sqrt((query.limit + 1) * rows)));
      // The matches up to the second bound are read once here, and the page looks them up (a prefix MATCH on a
      // common word reads that word's whole list, so running it twice doubled the time of a search).
      const ids = read.column(`SELECT rowid FROM "consultations_fts" WHERE "consultations_fts" MATCH ? LIMIT ${many * SET_FACTOR}`, [match]);
      const n = ids.length;
      if (n < many) {
        const walkBound = this.walkBound(query, n, rows, read);
        return { walkSortIndex: false, checkEachRow: false, matches: ids, ...(walkBound ? { walkBound } : {}) };
      }
      const checkEachRow = n < many * SET_FACTOR ? 'set' : 'text';
      const matches = checkEachRow === 'set' ? ids : undefined;
      if (where.length === 1) return { walkSortIndex: true, checkEachRow, ...(matches ? { matches } : {}) };
      // Many text matches and filters: walk the sort index unless the filters alone keep few rows.
      const others = this.filters({ ...query, search: undefined, cursor: undefined }, false);
      const m = count(`SELECT count(*) AS n FROM (SELECT 1 FROM "consultations" c WHERE ${others.where.join(' AND ')} LIMIT ${MANY_MATCHES})`, others.params);
      return { walkSortIndex: m >= MANY_MATCHES, checkEachRow, ...(matches ? { matches } : {}) };
    }
    const n = count(`SELECT count(*) AS n FROM (SELECT 1 FROM "consultations" c WHERE ${where.join(' AND ')} LIMIT ${MANY_MATCHES})`, params);
    return { walkSortIndex: n >= MANY_MATCHES, checkEachRow: false };
  }

  /**
   * How far to walk the sort index for a page of `n` matches, or nothing when sorting every match is the surer
   * way: the matches must be common enough that a page is likely met early (4,037 of 1,000,000: about 12,600
   * entries walked instead of 4,037 rows looked up to sort them). Only the status filter is allowed beside the
   * search, its share known from the status counts; other filters would make the walk's yield a guess.
   */
  private walkBound(query: ParsedListQuery, n: number, rows: number, read: PlanReader): number | undefined {
    // By name, a search for a name finds rows that sit together in that order, far from where a walk starts.
    if (query.sort === 'business_name') return undefined;
    if (query.industry || query.urgency || query.ownerId || query.latestVisits || query.namePrefix?.trim()) return undefined;
    const bound = Math.min(WALK_PER_MATCH * n, rows);
    let share = 1;
    if (query.status) {
      const shown = query.status === 'active' ? `"status" <> 'archived'` : `"status" = ?`;
      share = read.count(
        `SELECT ifnull(sum(CASE WHEN ${shown} THEN "n" END), 0) * 1.0 / max(ifnull(sum("n"), 0), 1) AS n FROM "consultation_status_counts"`,
        query.status === 'active' ? [] : [query.status],
      );
    }
    const expected = ((query.limit + 1) * rows) / Math.max(n * share, 1);
    return WALK_MARGIN * expected <= bound ? bound : undefined;
  }

  /**
   * A page from a bounded walk of the sort index: only the index's key and id are read for every entry met, the
   * status (when filtered) only for entries among the matches, and whole rows only for the page.
   */
  private walkPage(query: ParsedListQuery, matches: number[], bound: number): { text: string; params: unknown[] } {
    const sortExpr = SORT_EXPR[query.sort];
    const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
    const others = this.filters({ ...query, search: undefined, cursor: undefined }, false);
    const { after, params } = this.afterCursor(query);
    params.push(bound, JSON.stringify(matches), ...others.params);
    // CROSS JOIN keeps the walk the outer loop whatever the statistics say; the set is built once (not correlated).
    const text = `SELECT ${SUMMARY_COLUMNS}, ${sortExpr} AS sortValue
      FROM (SELECT w."id" AS id FROM (SELECT c."id" AS id, ${sortExpr} AS s FROM "consultations" c INDEXED BY "${SORT_INDEX[query.sort]}" ${after}
          ORDER BY ${sortExpr} ${dir}, c."id" ${dir} LIMIT ?) w
        ${others.where.length ? `CROSS JOIN "consultations" c ON c."id" = w."id"` : ''}
        WHERE w."id" IN (SELECT k."consultation_id" FROM "consultation_search_keys" k WHERE k."search_rowid" IN (SELECT value FROM json_each(?)))
        ${others.where.map((term) => `AND ${term}`).join(' ')}
        ORDER BY w."s" ${dir}, w."id" ${dir} ${limitOf(query.limit + 1)}) p
      JOIN "consultations" c ON c."id" = p."id" LEFT JOIN "users" u ON u."id" = c."user_id"
      LEFT JOIN "consultation_versions" v ON v."consultation_id" = c."id" AND v."version_number" = c."current_version"
      ORDER BY ${sortExpr} ${dir}, c."id" ${dir}`;
    return { text, params };
  }

  /** The keyset condition of the walk (entries after the cursor), on the sort index's own columns. */
  private afterCursor(query: ParsedListQuery): { after: string; params: unknown[] } {
    if (!query.cursor) return { after: '', params: [] };
    const [value, id] = decodeCursor(query.cursor, query.sort);
    return { after: `WHERE (${SORT_EXPR[query.sort]}, c."id") ${query.direction === 'asc' ? '>' : '<'} (?, ?)`, params: [value, id] };
  }

  /** How many sort index entries a walk from the cursor meets, up to `bound` (fewer: it reached the end of the index). */
  private walkedEntries(query: ParsedListQuery, bound: number): { text: string; params: unknown[] } {
    const { after, params } = this.afterCursor(query);
    const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
    return {
      text: `SELECT count(*) AS n FROM (SELECT 1 FROM "consultations" c INDEXED BY "${SORT_INDEX[query.sort]}" ${after}
        ORDER BY ${SORT_EXPR[query.sort]} ${dir}, c."id" ${dir} LIMIT ?)`,
      params: [...params, bound],
    };
  }

  /** The SQL and parameters for one page; exported through `explain` for the query-plan tests. */
  private filters(query: ParsedListQuery, checkEachRow: Plan['checkEachRow'], matches?: number[]): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status === 'active') {
      where.push(`c."status" <> 'archived'`);
    } else if (query.status) {
      where.push(`c."status" = ?`);
      params.push(query.status);
    }
    if (query.industry) {
      where.push(`${EXPR.industry} = ?`);
      params.push(query.industry);
    }
    if (query.urgency) {
      where.push(`${EXPR.urgency} = ?`);
      params.push(query.urgency);
    }
    if (query.ownerId) {
      where.push(`c."user_id" = ?`);
      params.push(query.ownerId);
    }
    if (query.latestVisits) {
      // The latest among the visits this list shows: an archived follow-up does not hide the active visit before it.
      const shown = query.status === 'active' ? ` AND f."status" <> 'archived'` : query.status ? ` AND f."status" = ?` : '';
      where.push(`NOT EXISTS (SELECT 1 FROM ${LATER_VISITS} WHERE ${LATER_VISIT}${shown})`);
      if (query.status && query.status !== 'active') params.push(query.status);
    }
    if (query.namePrefix && query.namePrefix.trim()) {
      // A range on the indexed key; lower() on both sides folds case the same way.
      where.push(`${EXPR.businessNameKey} >= lower(?) AND ${EXPR.businessNameKey} < lower(?) || char(1114111)`);
      const prefix = query.namePrefix.trim();
      params.push(prefix, prefix);
    }
    const match = query.search ? ftsQuery(query.search) : null;
    // Search text with no word in it (a lone emoji, "*") finds nothing, rather than everything.
    if (query.search?.trim() && !match) where.push('0');
    if (match && matches && checkEachRow === 'set') {
      // The matching rowids the plan read (a JSON array, gathered once into a set); each row is one lookup.
      where.push(`(SELECT k."search_rowid" FROM "consultation_search_keys" k WHERE k."consultation_id" = c."id") IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(matches));
    } else if (match && matches) {
      // Every match, read by the plan: the consultations they index, by primary key.
      where.push(`c."id" IN (SELECT k."consultation_id" FROM "consultation_search_keys" k WHERE k."search_rowid" IN (SELECT value FROM json_each(?)))`);
      params.push(JSON.stringify(matches));
    } else if (match && checkEachRow === 'set') {
      // The matching rowids are gathered once (the subquery is not correlated); each row is one lookup.
      where.push(`(SELECT k."search_rowid" FROM "consultation_search_keys" k WHERE k."consultation_id" = c."id")
        IN (SELECT rowid FROM "consultations_fts" WHERE "consultations_fts" MATCH ?)`);
      params.push(match);
    } else if (match && checkEachRow === 'text') {
      // The row's indexed text, found by rowid, holds every phrase (the same test as MATCH; see searchNeedles).
      const needles = searchNeedles(query.search!);
      where.push(`EXISTS (SELECT 1 FROM "consultation_search_keys" k JOIN "consultations_fts" f ON f."rowid" = k."search_rowid"
        WHERE k."consultation_id" = c."id" AND ${needles.map(() => `instr(' ' || f."body", ?) > 0`).join(' AND ')})`);
      params.push(...needles);
    } else if (match) {
      where.push(`c."id" IN (SELECT k."consultation_id" FROM "consultations_fts" f
        JOIN "consultation_search_keys" k ON k."search_rowid" = f."rowid" WHERE "consultations_fts" MATCH ?)`);
      params.push(match);
    }
    return { where, params };
  }

  build(query: ParsedListQuery, options: Partial<Plan> = {}): { text: string; params: unknown[] } {
    if (options.matches && options.walkBound && !options.checkEachRow) return this.walkPage(query, options.matches, options.walkBound);
    const { where, params } = this.filters(query, options.checkEachRow ?? false, options.matches);
    const sortExpr = SORT_EXPR[query.sort];
    const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
    if (query.cursor) {
      const [value, id] = decodeCursor(query.cursor, query.sort);
      where.push(`(${sortExpr}, c."id") ${dir === 'ASC' ? '>' : '<'} (?, ?)`);
      params.push(value, id);
    }
    if (options.matches && !options.checkEachRow) {
      // Every match is sorted, so the page's rows are chosen on the sort key alone and only they are then
      // read whole (owner, version, later visits): at 1,000,000 rows, 4,000 matches cost 51 ms read whole first.
      const text = `SELECT ${SUMMARY_COLUMNS}, ${sortExpr} AS sortValue
        FROM (SELECT c."id" AS id FROM "consultations" c WHERE ${where.join(' AND ')} ORDER BY ${sortExpr} ${dir}, c."id" ${dir} ${limitOf(query.limit + 1)}) p
        JOIN "consultations" c ON c."id" = p."id" LEFT JOIN "users" u ON u."id" = c."user_id"
        LEFT JOIN "consultation_versions" v ON v."consultation_id" = c."id" AND v."version_number" = c."current_version"
        ORDER BY ${sortExpr} ${dir}, c."id" ${dir}`;
      return { text, params };
    }
    const text = `SELECT ${SUMMARY_COLUMNS}, ${sortExpr} AS sortValue
      FROM "consultations" c ${options.walkSortIndex ? `INDEXED BY "${walkIndex(query)}"` : ''} LEFT JOIN "users" u ON u."id" = c."user_id"
      LEFT JOIN "consultation_versions" v ON v."consultation_id" = c."id" AND v."version_number" = c."current_version"
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${sortExpr} ${dir}, c."id" ${dir}
      ${limitOf(query.limit + 1)}`;
    return { text, params };
  }

  /** The SQL a page runs, plan chosen. */
  planned(query: ParsedListQuery): { text: string; params: unknown[] } {
    return this.build(query, this.plan(query));
  }

  /** Every statement a page runs, in order (the plan's counts, then the page, then its fallback if it ran): for the raw baselines. */
  statementsRun(query: ParsedListQuery): { text: string; params: unknown[]; counts: boolean }[] {
    const out: { text: string; params: unknown[]; counts: boolean }[] = [];
    const reader = this.reader();
    const plan = this.plan(query, {
      count: (text, params) => (out.push({ text, params, counts: true }), reader.count(text, params)),
      column: (text, params) => (out.push({ text, params, counts: false }), reader.column(text, params)),
    });
    this.rows(query, plan, (statement) => out.push(statement));
    return out;
  }

  /**
   * The page's rows. A bounded walk that met too few matches either reached the end of the index (the page is
   * whole: the last page) or its bound, and then the page is made again by sorting every match.
   */
  private rows(query: ParsedListQuery, plan: Plan, record: (statement: { text: string; params: unknown[]; counts: boolean }) => void = () => {}): SummaryRow[] {
    const run = (statement: { text: string; params: unknown[] }) => (
      record({ ...statement, counts: false }),
      this.prepared(statement.text).all(...statement.params) as SummaryRow[]
    );
    const rows = run(this.build(query, plan));
    if (!plan.walkBound || rows.length > query.limit) return rows;
    const walked = this.walkedEntries(query, plan.walkBound);
    record({ ...walked, counts: true });
    if ((this.prepared(walked.text).get(...walked.params) as { n: number }).n < plan.walkBound) return rows;
    return run(this.build(query, { ...plan, walkBound: undefined }));
  }

  private reader(): PlanReader {
    return {
      count: (text, params) => (this.prepared(text).get(...params) as { n: number }).n,
      column: (text, params) =>
        this.prepared(text)
          .pluck()
          .all(...params) as number[],
    };
  }

  page(query: ParsedListQuery): ListPage {
    // One read transaction: the matches, the walk and its count see the same snapshot whatever another connection writes.
    const rows = this.sqlite.transaction(() => this.rows(query, this.plan(query)))();
    const more = rows.length > query.limit;
    const pageRows = more ? rows.slice(0, query.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map(summaryOf),
      nextCursor: more && last ? encodeCursor(last.sortValue, last.id) : null,
    };
  }

  explain(query: ParsedListQuery): string[] {
    const { text, params } = this.planned(query);
    const rows = this.sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  counts(): StatusCounts {
    // Kept by triggers in the write's own transaction (0008_scale): three rows, whatever the table's size.
    const rows = this.prepared(`SELECT "status" AS status, "n" AS n FROM "consultation_status_counts"`).all() as {
      status: keyof StatusCounts;
      n: number;
    }[];
    const counts: StatusCounts = { draft: 0, completed: 0, archived: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  industries(): string[] {
    const rows = this.prepared(`SELECT DISTINCT ${EXPR.industry} AS industry FROM "consultations" c WHERE ${EXPR.industry} IS NOT NULL ORDER BY 1`).all() as {
      industry: string;
    }[];
    return rows.map((row) => row.industry);
  }
}
