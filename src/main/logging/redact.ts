// What may reach the log file. Logs get attached to support mails: they must hold no token and no text a
// consultant typed about a client, only what helps find a fault.

const MAX_TEXT = 300;

const SECRET_PATTERNS: [RegExp, string][] = [
  // JWTs (Turso tokens are JWTs) wherever they appear.
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [token]'],
  [/\b(authToken|auth_token|token|password|secret|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[redacted]'],
  // A URL's credentials and query string (authToken= in libsql URLs).
  [/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[credentials]@'],
  [/(\w+:\/\/[^\s?#]+)\?[^\s#]*/g, '$1?[query]'],
];

/** Removes secrets from a text and cuts it short, so a long message cannot carry a client's notes. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT)}… [${out.length - MAX_TEXT} more characters not logged]` : out;
}

/**
 * One logged value, made safe: errors keep their name, code, redacted message and stack frames; strings are
 * redacted; objects and arrays (which may be a consultation or a form) are reduced to their shape.
 */
export function redactValue(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const frames = (value.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 8)
      .map(redactText);
    return [`${value.name}${code !== undefined ? ` (${String(code)})` : ''}: ${redactText(value.message)}`, ...frames].join('\n');
  }
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return `[array of ${value.length}]`;
  return `[object with keys ${Object.keys(value).slice(0, 10).join(', ')}]`;
}
