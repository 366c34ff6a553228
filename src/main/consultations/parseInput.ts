import type { z } from 'zod';
import { validationFailure } from '@shared/errors';

/** Parses a service input, turning zod's complaint into a typed validation error. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = 'Some fields need attention'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailure(result.error, message);
  return result.data;
}
