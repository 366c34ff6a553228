// What a consultant types is kept, except characters that only do harm: control characters (NUL, BEL…)
// that break exports and terminals, and bidirectional embedding/override/isolate controls that can make
// a stored value read differently from what it holds ("Trojan Source"). Letters of every script, emoji,
// and the plain left-to-right / right-to-left marks stay.

// C0 controls except tab, newline and carriage return; DEL; C1 controls. Matching them is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\r\n]+/g;

/** A string as it is stored: harmful characters removed; single-line fields keep no line breaks. */
export function cleanText(value: string, multiline: boolean): string {
  const cleaned = value.replace(CONTROL, '').replace(BIDI_CONTROL, '');
  return multiline ? cleaned.replace(/\r\n?/g, '\n') : cleaned.replace(LINE_BREAKS, ' ');
}

/** Cleans every string inside a value (lists and nested objects too). */
export function cleanValue(value: unknown, multiline: boolean): unknown {
  if (typeof value === 'string') return cleanText(value, multiline);
  if (Array.isArray(value)) return value.map((item) => cleanValue(item, false));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, cleanValue(child, multiline)]));
  }
  return value;
}
