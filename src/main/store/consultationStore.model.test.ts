import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { failureOf, openTestApp, type TestApp } from '../../../test/tempDatabase';
import { HARD_LIMITS } from '@shared/consultation/sections';
import { canonicalSections } from '@shared/consultation/normalize';
import { applyFieldChanges, deepEqual } from '@shared/consultation/diff';
import { getPath } from '@shared/consultation/fields';

// A model-based test of the consultation store and the operations over it: random sequences of edits (from
// this window and from a stale one, valid, invalid and oversized), version saves, discards, restores,
// status moves, deletes, imports of the app's own export and reopening the database, checked after every
// step against a small in-memory model: what get, the list, search, history and the export show.

type Content = Record<string, unknown>;
interface ModelConsultation {
  working: Content;
  versions: { content: Content; status: string }[];
  status: 'draft' | 'completed' | 'archived';
  wasCompleted: boolean;
  /** Status moves, oldest first: events in the history, never content versions. */
  moves: [string, string][];
}
interface Model {
  consultations: Map<string, ModelConsultation>;
  order: string[];
}
interface Real {
  app: TestApp;
}

const WORDS = ['alpha', 'Bäckerei', 'σαββατο', '订单', 'שלום', 'مرحبا', 'ไทย', 'हिन्दी', 'café', '😀 ok'];
const TEXT_FIELDS = ['contact_info.business_name', 'contact_info.contact_person', 'business_context.industry'];
const LIST_FIELDS = ['pain_points.primary_challenges', 'goals_objectives.primary_goals'];
const ESSENTIAL = [...TEXT_FIELDS, 'contact_info.email', ...LIST_FIELDS, 'pain_points.urgency_level'];
const INVALID_EMAIL = 'bad@';
const STALE = 'a value this window once saw';

const marker = fc.integer({ min: 1, max: 60 }).map((n) => `mk${n}`);
const text = fc.tuple(fc.constantFrom(...WORDS), marker).map(([w, m]) => `${w} ${m}`);
const edit = fc.oneof(
  fc.record({ path: fc.constantFrom(...TEXT_FIELDS), value: fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: fc.constant(null) }) }),
  fc.record({ path: fc.constant('contact_info.email'), value: fc.constantFrom('ana@example.com', 'bo@example.org', INVALID_EMAIL, null) }),
  fc.record({ path: fc.constantFrom(...LIST_FIELDS), value: fc.oneof(fc.array(text, { minLength: 1, maxLength: 3 }), fc.constant(null)) }),
  fc.record({ path: fc.constant('pain_points.urgency_level'), value: fc.constantFrom('low', 'critical', null) }),
  fc.record({ path: fc.constant('business_context.team_size'), value: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ path: fc.constant('pain_points.impact_assessment'), value: fc.oneof(text, fc.constant('x'.repeat(HARD_LIMITS.fieldChars + 1))) }),
);

const content = (c: Content) => canonicalSections(c) as Content;
const set = (c: Content, path: string, value: unknown) => content(applyFieldChanges(c, [{ path, after: value ?? undefined }]));
const latest = (m: ModelConsultation) => m.versions[m.versions.length - 1]!.content;
const changed = (m: ModelConsultation) => !deepEqual(content(m.working), content(latest(m)));
const invalid = (c: Content) => getPath(c, 'contact_info.email') === INVALID_EMAIL;
const pick = (model: Model, index: number) => (model.order.length ? model.order[index % model.order.length]! : null);

function expectCode(call: () => unknown, code: string) {
  expect(failureOf(call).code).toBe(code);
}

/** Saves the working copy as a version in the model, as "Save version", "Complete" and "Restore" do first. */
function snapshot(m: ModelConsultation): void {
  if (changed(m)) m.versions.push({ content: content(m.working), status: m.status });
}

class Create implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real) {
    const id = real.app.consultations.create().consultation.id;
    model.consultations.set(id, {
      working: content({}),
      versions: [{ content: content({}), status: 'draft' }],
      status: 'draft',
      wasCompleted: false,
      moves: [],
    });
    model.order.push(id);
  }
  toString = () => 'create';
}

class Edit implements fc.Command<Model, Real> {
  constructor(
    readonly index: number,
    readonly change: { path: string; value: unknown },
    readonly base: 'none' | 'seen' | 'stale',
  ) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    const m = model.consultations.get(id)!;
    const seen = getPath(m.working, this.change.path) ?? null;
    const base = this.base === 'none' ? {} : { base: this.base === 'seen' ? seen : STALE };
    const call = () => real.app.consultations.autosave({ consultationId: id, edits: [{ ...this.change, ...base }] });
    if (m.status !== 'draft') return expectCode(call, 'invalid_state');
    const result = call();
    const oversized = typeof this.change.value === 'string' && this.change.value.length > HARD_LIMITS.fieldChars;
    const same = deepEqual(seen, this.change.value ?? null);
    if (oversized) {
      expect(result.rejected.map((r) => r.path)).toEqual([this.change.path]);
    } else if (this.base === 'stale' && !same) {
      expect(result.conflicts.map((c) => c.path)).toEqual([this.change.path]);
    } else {
      expect(result.rejected).toEqual([]);
      expect(result.conflicts).toEqual([]);
      m.working = set(m.working, this.change.path, this.change.value);
    }
    expect(result.changedSinceVersion).toBe(changed(m));
  }
  toString = () => `edit(${this.index}, ${this.change.path}=${JSON.stringify(this.change.value)?.slice(0, 30)}, ${this.base})`;
}

class SaveVersion implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    const m = model.consultations.get(id)!;
    const call = () => real.app.consultations.saveVersion({ consultationId: id, expectedVersion: m.versions.length });
    if (m.status !== 'draft' || !changed(m)) return expectCode(call, 'invalid_state');
    if (invalid(m.working)) return expectCode(call, 'validation');
    call();
    snapshot(m);
  }
  toString = () => `saveVersion(${this.index})`;
}

class Discard implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    const m = model.consultations.get(id)!;
    const call = () => real.app.consultations.discardChanges({ consultationId: id });
    if (m.status !== 'draft') return expectCode(call, 'invalid_state');
    call();
    m.working = content(latest(m));
  }
  toString = () => `discard(${this.index})`;
}

class StatusMove implements fc.Command<Model, Real> {
  constructor(
    readonly index: number,
    readonly action: 'complete' | 'reopen' | 'archive' | 'unarchive',
  ) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    const m = model.consultations.get(id)!;
    const call = () => real.app.consultations[this.action]({ consultationId: id });
    const from: Record<typeof this.action, string[]> = { complete: ['draft'], reopen: ['completed'], archive: ['draft', 'completed'], unarchive: ['archived'] };
    if (!from[this.action].includes(m.status)) return expectCode(call, 'invalid_state');
    if (this.action === 'complete') {
      if (changed(m) && invalid(m.working)) return expectCode(call, 'validation');
      const after = changed(m) ? m.working : latest(m);
      if (ESSENTIAL.some((p) => getPath(after, p) === undefined) || invalid(after)) return expectCode(call, 'validation');
      snapshot(m);
    }
    call();
    const next =
      this.action === 'complete'
        ? 'completed'
        : this.action === 'reopen'
          ? 'draft'
          : this.action === 'archive'
            ? 'archived'
            : m.wasCompleted
              ? 'completed'
              : 'draft';
    if (this.action === 'complete') m.wasCompleted = true;
    if (this.action === 'reopen') m.wasCompleted = false;
    m.moves.push([m.status, next]);
    m.status = next as ModelConsultation['status'];
  }
  toString = () => `${this.action}(${this.index})`;
}

class Restore implements fc.Command<Model, Real> {
  constructor(
    readonly index: number,
    readonly version: number,
  ) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    const m = model.consultations.get(id)!;
    const versionNumber = (this.version % m.versions.length) + 1;
    const call = () => real.app.consultations.restoreVersion({ consultationId: id, versionNumber, expectedVersion: m.versions.length });
    if (m.status !== 'draft') return expectCode(call, 'invalid_state');
    if (changed(m) && invalid(m.working)) return expectCode(call, 'validation');
    const target = m.versions[versionNumber - 1]!.content;
    const current = changed(m) ? m.working : latest(m);
    if (deepEqual(content(target), content(current))) {
      // Nothing to restore; whatever was typed is still kept as a version first only when the call succeeds.
      return expectCode(call, 'invalid_state');
    }
    call();
    snapshot(m);
    m.versions.push({ content: content(target), status: m.status });
    m.working = content(target);
  }
  toString = () => `restore(${this.index}, ${this.version})`;
}

class Delete implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (model: Model) => model.order.length > 0;
  run(model: Model, real: Real) {
    const id = pick(model, this.index)!;
    real.app.consultations.delete({ consultationId: id });
    model.consultations.delete(id);
    model.order = model.order.filter((x) => x !== id);
  }
  toString = () => `delete(${this.index})`;
}

class ImportOwnExport implements fc.Command<Model, Real> {
  check = () => true;
  run(_model: Model, real: Real) {
    const file = real.app.exports.exportAll();
    const report = real.app.exports.importAll({ text: JSON.stringify(file) });
    expect(report).toMatchObject({ consultationsAdded: 0, consultationsUpdated: 0, versionsAdded: 0, skipped: [] });
  }
  toString = () => 'importOwnExport';
}

class Reopen implements fc.Command<Model, Real> {
  check = () => true;
  run(_model: Model, real: Real) {
    real.app = real.app.reopen();
  }
  toString = () => 'reopenDatabase';
}

/** Everything a consultant can see, compared with the model. */
function compare(model: Model, real: Real) {
  const c = real.app.consultations;
  const listed = new Map<string, { businessName: string | null; changedSinceVersion: boolean; status: string }>();
  let cursor: string | undefined;
  do {
    const page = c.list({ limit: 200, cursor });
    for (const item of page.items) listed.set(item.id, item);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(new Set(listed.keys())).toEqual(new Set(model.order));
  const exported = new Map(real.app.exports.exportAll().consultations.map((x) => [x.id, x]));
  for (const [id, m] of model.consultations) {
    const detail = c.get({ consultationId: id });
    expect(content(detail.consultation.sections)).toEqual(content(m.working));
    expect(detail.consultation.status).toBe(m.status);
    expect(detail.consultation.currentVersion).toBe(m.versions.length);
    expect(detail.changedSinceVersion).toBe(changed(m));
    expect(listed.get(id)).toMatchObject({
      businessName: getPath(m.working, 'contact_info.business_name') ?? null,
      changedSinceVersion: changed(m),
      status: m.status,
    });
    const history = c.listVersions({ consultationId: id });
    expect(history.map((v) => v.status)).toEqual(m.versions.map((v) => v.status));
    expect(c.statusEvents({ consultationId: id }).map((e) => [e.from, e.to])).toEqual(m.moves);
    const newest = c.getVersion({ consultationId: id, versionNumber: m.versions.length });
    expect(content(newest.sections)).toEqual(content(latest(m)));
    expect(content(exported.get(id)!.sections)).toEqual(content(m.working));
  }
  // Search finds a word wherever the working copy holds it, and nowhere else.
  const probe = `mk${(model.order.length * 7) % 60 || 1}`;
  // Search matches each word as a prefix ("mk3" finds "mk30"), in every text of the working copy.
  const words = (value: unknown): string[] =>
    typeof value === 'string'
      ? value.split(/\s+/)
      : Array.isArray(value)
        ? value.flatMap(words)
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(words)
          : [];
  const expected = model.order.filter((id) => words(model.consultations.get(id)!.working).some((w) => w.startsWith(probe)));
  const found = c.list({ search: probe, limit: 200 }).items.map((i) => i.id);
  expect(new Set(found)).toEqual(new Set(expected));
}

const commands = [
  fc.constant(new Create()),
  fc.tuple(fc.nat(), edit, fc.constantFrom('none', 'seen', 'stale') as fc.Arbitrary<'none' | 'seen' | 'stale'>).map(([i, e, b]) => new Edit(i, e, b)),
  fc.tuple(fc.nat(), edit).map(([i, e]) => new Edit(i, e, 'seen')),
  fc.nat().map((i) => new SaveVersion(i)),
  fc.nat().map((i) => new Discard(i)),
  fc.tuple(fc.nat(), fc.constantFrom('complete', 'reopen', 'archive', 'unarchive') as fc.Arbitrary<StatusMove['action']>).map(([i, a]) => new StatusMove(i, a)),
  fc.tuple(fc.nat(), fc.nat()).map(([i, v]) => new Restore(i, v)),
  fc.nat().map((i) => new Delete(i)),
  fc.constant(new ImportOwnExport()),
  fc.constant(new Reopen()),
];

let open: TestApp[] = [];
afterEach(() => {
  for (const app of open) app.close();
  open = [];
});

/** Runs per `npm test`; FIELDBOOK_MODEL_RUNS=1000 for the long run. */
const RUNS = Number(process.env.FIELDBOOK_MODEL_RUNS ?? 100);

describe('consultation store against a model', () => {
  it(
    'every read equals the model after every command',
    () => {
      fc.assert(
        fc.property(fc.commands(commands, { maxCommands: 40, size: 'large' }), (cmds) => {
          const real: Real = { app: openTestApp() };
          const model: Model = { consultations: new Map(), order: [] };
          // Every run starts with one consultation, so every command has something to act on.
          new Create().run(model, real);
          try {
            fc.modelRun(
              () => ({ model, real }),
              [...cmds].map((cmd) => wrap(cmd)),
            );
          } finally {
            real.app.close();
          }
        }),
        { numRuns: RUNS },
      );
      console.log(`model: ${RUNS} runs, ${executed} commands executed and compared`);
    },
    Math.max(120_000, RUNS * 3_000),
  );
});

let executed = 0;

/** Each command followed by the full comparison. */
function wrap(cmd: fc.Command<Model, Real>): fc.Command<Model, Real> {
  return {
    check: (m) => cmd.check(m),
    run: (m, r) => {
      executed += 1;
      cmd.run(m, r);
      compare(m, r);
    },
    toString: () => cmd.toString(),
  };
}
