import type BetterSqlite3 from 'better-sqlite3';
import { searchText } from '@shared/searchText';

/** The SQL name of the search folding the index triggers call (migration 0010_search). */
export const SEARCH_TEXT_FUNCTION = 'fieldbook_search_text';

/**
 * Registers the search folding on a connection. Every connection that writes `consultations` needs it: the
 * full-text triggers call it, and a connection without it fails the write ("no such function") rather
 * than leaving the index behind.
 */
export function registerSearchFunction(sqlite: BetterSqlite3.Database): void {
  sqlite.function(SEARCH_TEXT_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? searchText(text) : ''));
}
