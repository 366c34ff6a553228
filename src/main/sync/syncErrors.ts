import { AppFailure } from '@shared/errors';

// What went wrong with the team database, in words a consultant can act on. Decided by codes (LibsqlError.code,
// the HTTP status under it, fetch's cause.code, the error's name), not by the wording of one server's messages.

export interface SyncTrouble {
  /** offline: the network or the server, worth retrying by itself; error: needs the person (token, URL, update). */
  state: 'offline' | 'error';
  message: string;
}

const CHECK_SETTINGS = 'Check the database URL in Settings › Team sync.';
export const MESSAGES = {
  refusedToken: 'The team database refused the token. Paste a current token from Turso in Settings › Team sync.',
  needsToken: 'The team database needs a token for this URL. Paste it in Settings › Team sync (a saved token is only sent to the URL it was entered for).',
  noDatabase: `No team database answers at this address. ${CHECK_SETTINGS}`,
  unreachable: 'The team database cannot be reached. Check that this laptop is online and that the database URL in Settings › Team sync is right.',
  unknownHost: `The team database's address could not be found. Check that this laptop is online, then ${CHECK_SETTINGS.toLowerCase()}`,
  refused: `Nothing answers at the team database's address. ${CHECK_SETTINGS}`,
  cut: 'The connection to the team database was cut. Sync will try again.',
  slow: 'The team database did not answer in time (a slow or busy network). Sync will try again.',
  certificate:
    "The team database's security certificate could not be checked. Check the database URL, and the network (some hotel and office networks intercept secure connections).",
  noSecureConnection: `A secure connection to this address could not be set up. ${CHECK_SETTINGS}`,
  serverTrouble: 'The team database is having trouble right now. Sync will try again; your work is safe on this laptop.',
  notTurso: `The answer did not come from a Turso database (a hotel or office network's login page can do this). Check the network, then ${CHECK_SETTINGS.toLowerCase()}`,
  busy: 'Another laptop saved the same consultation at the same moment, several times in a row. Sync will try again.',
  unreadable: 'Some data from the team database could not be read. Your work is safe on this laptop; sync will try again.',
  unexpected: 'Sync stopped on an unexpected problem. Your work is safe on this laptop; sync will try again.',
} as const;

type Coded = { name?: unknown; code?: unknown; status?: unknown; cause?: unknown; errors?: unknown; message?: unknown };

/** The error and everything under it (cause chains, AggregateError members), bounded. */
export function layers(error: unknown): Coded[] {
  const out: Coded[] = [];
  const queue: unknown[] = [error];
  while (queue.length && out.length < 12) {
    const next = queue.shift();
    if (!next || typeof next !== 'object') continue;
    const e = next as Coded;
    out.push(e);
    queue.push(e.cause);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return out;
}

const httpStatus = (all: Coded[]) => all.map((e) => e.status).find((s): s is number => typeof s === 'number');
const codes = (all: Coded[]) => all.map((e) => e.code).filter((c): c is string => typeof c === 'string');
const names = (all: Coded[]) => all.map((e) => e.name).filter((n): n is string => typeof n === 'string');

/** Two laptops pushed the same version number of one consultation (libSQL and tursodb word it differently). */
export function isVersionClash(error: unknown): boolean {
  return layers(error).some((e) => {
    const message = typeof e.message === 'string' ? e.message : '';
    // libSQL: "consultation_versions.consultation_id, consultation_versions.version_number"; tursodb: "consultation_versions.(consultation_id, version_number)".
    return /UNIQUE constraint failed: consultation_versions\.\(?consultation_id/.test(message);
  });
}

/** Words and a state for a failed sync or connection test. Never the raw text of the error. */
export function describeSyncError(error: unknown, { tokenSent = true }: { tokenSent?: boolean } = {}): SyncTrouble {
  if (error instanceof AppFailure) return { state: 'error', message: error.message };
  const all = layers(error);
  const status = httpStatus(all);
  if (status === 401 || status === 403) return { state: 'error', message: tokenSent ? MESSAGES.refusedToken : MESSAGES.needsToken };
  if (status === 404) return { state: 'error', message: MESSAGES.noDatabase };
  if (status !== undefined && status >= 500) return { state: 'offline', message: MESSAGES.serverTrouble };
  if (isVersionClash(error)) return { state: 'offline', message: MESSAGES.busy };
  const allNames = names(all);
  if (allNames.includes('TimeoutError') || allNames.includes('AbortError')) return { state: 'offline', message: MESSAGES.slow };
  const allCodes = codes(all);
  if (allCodes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) return { state: 'offline', message: MESSAGES.unknownHost };
  if (allCodes.includes('ECONNREFUSED')) return { state: 'offline', message: MESSAGES.refused };
  if (allCodes.some((c) => /CERT|SELF_SIGNED/.test(c))) return { state: 'error', message: MESSAGES.certificate };
  if (allCodes.some((c) => /TLS|SSL/.test(c))) return { state: 'error', message: MESSAGES.noSecureConnection };
  if (allCodes.some((c) => c === 'ECONNRESET' || c === 'EPIPE' || c.startsWith('UND_ERR_'))) return { state: 'offline', message: MESSAGES.cut };
  if (allCodes.includes('HRANA_PROTO_ERROR') || allCodes.includes('PROTOCOL_VERSION_ERROR')) return { state: 'error', message: MESSAGES.notTurso };
  // JSON that does not parse came from something that is not the team database (a login page, a proxy).
  if (allNames.includes('SyntaxError')) return { state: 'offline', message: MESSAGES.notTurso };
  if (allNames.includes('ZodError')) return { state: 'error', message: MESSAGES.unreadable };
  // fetch() rejects with a bare TypeError("fetch failed") when it never got an answer.
  if (all.some((e) => e.name === 'TypeError' && e.message === 'fetch failed')) return { state: 'offline', message: MESSAGES.unreachable };
  return { state: 'error', message: MESSAGES.unexpected };
}
