import { z } from 'zod';

// Sync settings as they cross the boundary. The token goes in, never out.

export const syncSettingsSchema = z.object({
  url: z.string(),
  enabled: z.boolean(),
  intervalMinutes: z.number().int(),
  hasToken: z.boolean(),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why a sync address cannot be used, in words, or null when it can. Accepted: libsql:// and https://
 * (encrypted), http:// only to this computer. Refused: ws:// and wss:// (the request timeout does not
 * apply to them, so a silent server would hang sync and quit) and file: (a path the window would choose).
 */
export function syncUrlProblem(url: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'ws' || scheme === 'wss')
    return 'WebSocket addresses (ws://, wss://) are not supported. Use the libsql:// or https:// address Turso gave you.';
  if (scheme === 'file') return 'Sync needs a team database on a server, not a file on this computer. Use the libsql:// address Turso gave you.';
  const parts = /^(libsql|https?):\/\/([^/?#\s@]+)(\/[^?#\s]*)?(\?[^#\s]*)?$/i.exec(url);
  if (!parts) return 'Enter the database URL Turso gave you, like libsql://team-fieldbook.turso.io';
  const authority = parts[2]!;
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '');
  const loopback = LOOPBACK_HOST.test(host);
  const query = parts[4] ?? '';
  if (/[?&]authToken=/i.test(query)) return 'Put the token in the token field, not in the URL.';
  const plain = scheme === 'http' || (scheme === 'libsql' && /[?&]tls=0(&|$)/.test(query));
  if (plain && !loopback)
    return 'Plain http:// would send your token unencrypted. Use the https:// or libsql:// address (http:// is only for a database on this computer).';
  if (query && !/^\?tls=[01]$/.test(query)) return 'Remove the part after "?" from the URL.';
  return null;
}

export const syncUrlSchema = z
  .string()
  .trim()
  .max(500, { error: 'That URL is too long' })
  .superRefine((url, ctx) => {
    const problem = syncUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const intervalSchema = z
  .number({ error: 'Enter a whole number of minutes, from 1 to 1440' })
  .int({ error: 'Enter a whole number of minutes, from 1 to 1440' })
  .min(1, { error: 'At least every minute' })
  .max(24 * 60, { error: 'At most once a day (1440 minutes)' });

/** Saving with an empty URL (and sync off) clears the settings and forgets the token. */
export const saveSyncSettingsSchema = z
  .strictObject({
    url: z.union([z.literal(''), syncUrlSchema], { error: 'Enter the database URL Turso gave you, like libsql://team-fieldbook.turso.io' }),
    /** A new token, bound to this URL; omit to keep the saved one (if it was given for this URL), empty string to remove it. */
    token: z.string().max(4096, { error: 'That token is too long' }).optional(),
    enabled: z.boolean(),
    intervalMinutes: intervalSchema,
  })
  .superRefine((value, ctx) => {
    if (value.enabled && value.url === '') ctx.addIssue({ code: 'custom', path: ['url'], message: 'Enter the database URL to turn sync on' });
  });

export const testConnectionSchema = z.strictObject({ url: syncUrlSchema, token: z.string().max(4096, { error: 'That token is too long' }).optional() });

export const conflictSchema = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string(),
  ours: z.unknown(),
  theirs: z.unknown(),
  createdAt: z.string(),
});
export type Conflict = z.infer<typeof conflictSchema>;
