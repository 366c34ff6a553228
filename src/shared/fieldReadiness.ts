import { z } from 'zod';

// Settings › Ready for the field: one list of checks, each green or red with the one thing that fixes it.

export const READINESS_CHECKS = ['pending', 'lastSync', 'backups', 'disk', 'secrets', 'fonts'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

/** What the fix button does: an operation the renderer already has, or words when only the consultant can fix it. */
export const READINESS_ACTIONS = ['sync.now', 'sync.setup', 'backup.now', 'advice'] as const;

export const readinessItemSchema = z.object({
  check: z.enum(READINESS_CHECKS),
  label: z.string(),
  ok: z.boolean(),
  /** What was found, in words ("3 changes not yet synced"). */
  detail: z.string(),
  /** Null when green. */
  action: z.object({ kind: z.enum(READINESS_ACTIONS), label: z.string() }).nullable(),
});
export type ReadinessItem = z.infer<typeof readinessItemSchema>;

export const fieldReadinessSchema = z.object({
  ready: z.boolean(),
  items: z.array(readinessItemSchema),
  checkedAt: z.string(),
});
export type FieldReadiness = z.infer<typeof fieldReadinessSchema>;

/** The panel's input: plain read, or "make today's backup first" (the backups item's fix). */
export const fieldReadinessInputSchema = z.strictObject({ fix: z.enum(['backup']).optional() }).optional();
