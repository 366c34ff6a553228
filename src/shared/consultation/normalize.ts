import type { WorkingSections, Sections } from './sections';
import { SECTION_KEYS } from './fields';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The canonical shape of section content: no undefined values, no empty objects, keys in sorted order.
 * Every stored value is canonical, so two equal contents have one form (and one JSON text: the list
 * compares the working copy with its version as text) and the field diff is exact.
 */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => canonical(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (child === undefined) continue;
    const next = canonical(child);
    if (isPlainObject(next) && Object.keys(next).length === 0) continue;
    out[key] = next;
  }
  return out as T;
}

/** Canonical section content that always keeps the four section keys (an empty section is `{}`). */
export function canonicalSections<T extends Partial<Record<(typeof SECTION_KEYS)[number], unknown>>>(sections: T): T {
  const out: Record<string, unknown> = {};
  for (const key of SECTION_KEYS) out[key] = canonical(sections[key] ?? {});
  return out as T;
}

/** Trims text and drops blanks, as when a version is saved (never while the consultant is typing). */
function tidy(value: unknown): Json | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (Array.isArray(value)) {
    const items = value.map(tidy).filter((item): item is Json => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value)) {
      const next = tidy(child);
      if (next !== undefined) out[key] = next;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value as Json;
}

/** Turns a bare domain into a link the URL rule accepts: consultants type "acme.com". */
function withScheme(url: string | undefined): string | undefined {
  if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  return `https://${url}`;
}

/**
 * Prepares draft content to become a version: trimmed, blanks removed, a typed team size read as a number,
 * bare website domains given https://. The result still has to pass the strict schema.
 */
export function normalizeForVersion(draft: WorkingSections): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SECTION_KEYS) {
    const section = (tidy(draft[key]) ?? {}) as Record<string, unknown>;
    out[key] = section;
  }
  const contact = out.contact_info as Record<string, unknown>;
  if (typeof contact.website === 'string') contact.website = withScheme(contact.website);
  const business = out.business_context as Record<string, unknown>;
  if (typeof business.team_size === 'string' && /^\d+$/.test(business.team_size.replace(/[,\s]/g, ''))) {
    business.team_size = Number(business.team_size.replace(/[,\s]/g, ''));
  }
  return canonicalSections(out);
}

export type { Json, Sections };
