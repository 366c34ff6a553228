import { z } from 'zod';

// Errors cross the process boundary as values: a code the UI can branch on, a message a person reads,
// and for validation the field paths. Never a stack trace.

export const ERROR_CODES = ['validation', 'not_found', 'conflict', 'invalid_state', 'forbidden', 'profile_required', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

export const appErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  issues: z.array(fieldIssueSchema).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

/** Thrown inside a process, turned into an AppError value at the boundary. */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'AppFailure';
  }

  toValue(): AppError {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** One zod issue in words a consultant understands. */
function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'too_big':
      if (issue.origin === 'string' && !issue.message.startsWith('Invalid')) return issue.message;
      if (issue.origin === 'string') return `Keep this under ${plural(Number(issue.maximum), 'character')}`;
      if (issue.origin === 'array') return `At most ${plural(Number(issue.maximum), 'entry').replace('entrys', 'entries')}`;
      return issue.message;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input') ? `Expected ${issue.expected}` : issue.message;
    default:
      return issue.message;
  }
}

export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: messageOf(issue),
  }));
}

export function validationFailure(error: z.ZodError, message = 'Some fields need attention', prefix: readonly PropertyKey[] = []) {
  return new AppFailure('validation', message, issuesFromZod(error, prefix));
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };
