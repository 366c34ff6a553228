import { z } from 'zod';

// Sync settings as they cross the boundary. The token goes in, never out.

export const syncSettingsSchema = z.object({
  url: z.string(),
  enabled: z.boolean(),
  intervalMinutes: z.number().int(),
  hasToken: z.boolean(),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

export const syncUrlSchema = z
  .string()
  .trim()
  .max(500)
  .regex(/^(libsql|https?|wss?):\/\/[^\s]+$|^file:[^\s]+$/, { error: 'Enter the database URL Turso gave you, like libsql://team-fieldbook.turso.io' });

export const saveSyncSettingsSchema = z.strictObject({
  url: syncUrlSchema,
  /** A new token; omit to keep the saved one, empty string to remove it. */
  token: z.string().max(4096, { error: 'That token is too long' }).optional(),
  enabled: z.boolean(),
  intervalMinutes: z.number().int().min(1, { error: 'At least every minute' }).max(24 * 60),
});

export const testConnectionSchema = z.strictObject({ url: syncUrlSchema, token: z.string().max(4096).optional() });

export const conflictSchema = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string(),
  ours: z.unknown(),
  theirs: z.unknown(),
  createdAt: z.string(),
});
export type Conflict = z.infer<typeof conflictSchema>;
