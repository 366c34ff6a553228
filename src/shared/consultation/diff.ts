import { fieldLabel, SECTION_KEYS, SECTION_LABELS, FIELD_BY_PATH, type SectionKey } from './fields';

// Field-path diff over canonical section content (see normalize.ts). Objects are walked; lists and
// scalars are leaves, so a changed list reads as one changed field ("pain_points.technical_issues").
// A small domain diff rather than a general one: history, change summaries and sync merges all want
// whole-field granularity, which general deep-diff libraries would have to be collapsed back into.

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isPlainObject(before) || isPlainObject(after)) {
    if (isPlainObject(before) && isPlainObject(after)) {
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      for (const key of [...keys].sort()) walk(before[key], after[key], path ? `${path}.${key}` : key, out);
      return;
    }
    // An object on one side only: walk it against nothing, so each field inside is named.
    const objectSide = isPlainObject(before) ? before : (after as Record<string, unknown>);
    const other = isPlainObject(before) ? after : before;
    if (other === undefined) {
      for (const key of Object.keys(objectSide).sort()) {
        const child = objectSide[key];
        walk(before === undefined ? undefined : child, after === undefined ? undefined : child, `${path}.${key}`, out);
      }
      return;
    }
  }
  if (!deepEqual(before, after)) {
    const change: FieldChange = { path };
    if (before !== undefined) change.before = before;
    if (after !== undefined) change.after = after;
    out.push(change);
  }
}

/** The changed fields between two contents, as dotted paths in a stable order. */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before ?? {}, after ?? {}, '', out);
  return out;
}

/** Applies changes to a content; the result is canonical (empty objects pruned). */
export function applyFieldChanges<T>(base: T, changes: readonly FieldChange[]): T {
  const root = structuredClone(base ?? {}) as Record<string, unknown>;
  for (const change of changes) {
    const keys = change.path.split('.');
    const parents: Record<string, unknown>[] = [];
    let node = root;
    for (const key of keys.slice(0, -1)) {
      parents.push(node);
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1]!;
    if (change.after === undefined) delete node[leaf];
    else node[leaf] = structuredClone(change.after);
    // Drop objects the change emptied, so the result stays canonical.
    for (let i = parents.length - 1; i >= 0; i -= 1) {
      const parent = parents[i]!;
      const key = keys[i]!;
      const child = parent[key];
      if (isPlainObject(child) && Object.keys(child).length === 0) delete parent[key];
      else break;
    }
  }
  return root as T;
}

/** "Contact: Email, Phone · Goals: KPIs" — the readable summary kept with a version. */
export function summarizeChanges(paths: readonly string[]): string {
  if (paths.length === 0) return 'No changes';
  const bySection = new Map<string, string[]>();
  const other: string[] = [];
  for (const path of paths) {
    const spec = FIELD_BY_PATH.get(path);
    const section = path.split('.')[0] as SectionKey;
    if (spec || SECTION_KEYS.includes(section)) {
      const labels = bySection.get(section) ?? [];
      labels.push(spec ? spec.label : path.slice(section.length + 1));
      bySection.set(section, labels);
    } else {
      other.push(fieldLabel(path));
    }
  }
  const parts = SECTION_KEYS.filter((key) => bySection.has(key)).map((key) => `${SECTION_LABELS[key]}: ${bySection.get(key)!.join(', ')}`);
  return [...parts, ...other].join(' · ');
}
