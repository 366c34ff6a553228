import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startAppHost, type AppHost } from '../appHost';
import { fullSections } from '../../../test/arbitraries';
import { atBoundary, snapshot, failureOf } from '../../../test/tempDatabase';
import { editsForSections } from '@shared/consultation/edits';
import { neutralizeFormula, CSV_COLUMNS } from './csvExport';
import type { ExportFile } from '@shared/exportFile';

const hosts: { host: AppHost; dir: string }[] = [];
afterEach(() => {
  for (const { host, dir } of hosts.splice(0)) {
    host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
function newHost(profile: string | false = 'ada@example.com') {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-exports-'));
  const host = startAppHost({ dataFolder: dir, shell: 'browser-preview', version: 't' });
  if (profile) host.services.users.saveProfile({ name: 'Ada', email: profile });
  hosts.push({ host, dir });
  return host;
}
const consultationsOf = (host: AppHost) => atBoundary(host.services.consultations, 'consultations');
const exportsOf = (host: AppHost) => atBoundary(host.services.exports, 'exports', { csv: 'exports.csv', importAll: 'exports.importJson' });
function populate(host: AppHost) {
  const c = consultationsOf(host);
  const a = c.create({ sections: fullSections('Alpha Optics') }).consultation;
  c.autosave({ consultationId: a.id, edits: editsForSections({ contact_info: { ...fullSections('Alpha Optics').contact_info, phone: '+1 555 0100' } }) });
  c.saveVersion({ consultationId: a.id, expectedVersion: 1, note: 'phone from card' });
  c.complete({ consultationId: a.id });
  const b = c.create({
    sections: { contact_info: { business_name: '=HYPERLINK("http://evil")', contact_person: '@admin' }, goals_objectives: { kpis: ['-1 refunds', 'NPS'] } },
  }).consultation;
  return { a, b };
}
const csvText = (host: AppHost, filters = {}) => Buffer.from(exportsOf(host).csv(filters).base64, 'base64').toString('utf8');
const exportOf = (host: AppHost): ExportFile => host.services.exports.exportAll();
const withoutStamp = (file: ExportFile) => ({ ...file, exportedAt: 'x' });

describe('CSV export', () => {
  it('has one column per field, lists joined, UTF-8 with a BOM, and neutralises formulas', () => {
    const host = newHost();
    populate(host);
    const text = csvText(host);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...lines] = text.slice(1).trim().split('\r\n');
    expect(header!.split(',').length).toBe(CSV_COLUMNS.length);
    expect(header).toContain('Contact › Business name');
    expect(header).toContain('Goals › Budget constraints');
    expect(lines).toHaveLength(2);
    expect(text).toContain('Website; Instagram');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain(`'@admin`);
    expect(text).toContain(`'-1 refunds; NPS`);
    expect(text).toContain(`'+1 555 0100`);
    expect(text).not.toMatch(/,=|,\+|,@|,-\d/);
  });

  it('exports the filtered list the dashboard shows', () => {
    const host = newHost();
    populate(host);
    const completed = csvText(host, { status: 'completed' }).trim().split('\r\n');
    expect(completed).toHaveLength(2);
    expect(completed[1]).toContain('Alpha Optics');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['a=b', 'a=b'],
    ['', ''],
  ])('neutralises %j as %j', (input, output) => expect(neutralizeFormula(input)).toBe(output));
});

describe('JSON export and import', () => {
  it('round trips: export, import into an empty database, export again gives the same data', () => {
    const source = newHost();
    populate(source);
    const file = exportOf(source);
    expect(file.consultations.map((c) => c.versions.length).sort()).toEqual([1, 2]);
    expect(file.consultations.flatMap((c) => c.statusEvents ?? []).map((e) => [e.from, e.to])).toEqual([['draft', 'completed']]);
    // The consultant's new laptop: its welcome made a fresh profile with the same email, which owns nothing yet.
    const target = newHost();
    const report = exportsOf(target).importAll({ text: JSON.stringify(file) });
    expect(report).toEqual({ consultationsAdded: 2, consultationsUpdated: 0, versionsAdded: 3, unchanged: 0, skipped: [] });
    expect(target.services.users.current()!.id).toBe(source.services.users.current()!.id);
    expect(withoutStamp(exportOf(target))).toEqual(withoutStamp(file));
    // Search works on imported rows too.
    expect(consultationsOf(target).list({ search: 'optics' }).items).toHaveLength(1);
  });

  it('merges the same ids without duplicating, and takes newer versions and status moves', () => {
    const host = newHost();
    const { a } = populate(host);
    const file = exportOf(host);
    expect(exportsOf(host).importAll({ text: JSON.stringify(file) })).toEqual({
      consultationsAdded: 0,
      consultationsUpdated: 0,
      versionsAdded: 0,
      unchanged: 2,
      skipped: [],
    });
    expect(withoutStamp(exportOf(host))).toEqual(withoutStamp(file));

    const other = newHost();
    exportsOf(other).importAll({ text: JSON.stringify(file) });
    consultationsOf(host).reopen({ consultationId: a.id });
    const newer = exportOf(host);
    // Reopening is a status move, not a version: the file brings the move (its event) and no version.
    expect(exportsOf(other).importAll({ text: JSON.stringify(newer) })).toEqual({
      consultationsAdded: 0,
      consultationsUpdated: 1,
      versionsAdded: 0,
      unchanged: 1,
      skipped: [],
    });
    expect(withoutStamp(exportOf(other))).toEqual(withoutStamp(newer));
    expect(consultationsOf(other).get({ consultationId: a.id }).consultation.status).toBe('draft');
    expect(
      consultationsOf(other)
        .statusEvents({ consultationId: a.id })
        .map((e) => [e.from, e.to]),
    ).toEqual([
      ['draft', 'completed'],
      ['completed', 'draft'],
    ]);
    // An older file (before the reopen) changes nothing back.
    expect(exportsOf(other).importAll({ text: JSON.stringify(file) })).toEqual({
      consultationsAdded: 0,
      consultationsUpdated: 0,
      versionsAdded: 0,
      unchanged: 2,
      skipped: [],
    });
    expect(consultationsOf(other).get({ consultationId: a.id }).consultation.status).toBe('draft');
  });

  it('refuses bad or foreign files with a clear message and changes nothing', () => {
    const host = newHost();
    const { a } = populate(host);
    const good = exportOf(host);
    const before = snapshot(host.services);
    const cases: [string, RegExp][] = [
      ['not json at all', /not JSON/],
      [JSON.stringify({ hello: 'world' }), /not a Fieldbook export/],
      [JSON.stringify({ ...good, formatVersion: 99 }), /newer Fieldbook/],
      [
        JSON.stringify({
          ...good,
          consultations: [{ ...good.consultations[0]!, sections: { ...good.consultations[0]!.sections, contact_info: { fax: '1' } } }],
        }),
        /not a valid Fieldbook export/,
      ],
      [JSON.stringify({ ...good, consultations: [{ ...good.consultations[0]!, currentVersion: 7 }] }), /has no version 3/],
    ];
    for (const [text, message] of cases) {
      const error = failureOf(() => exportsOf(host).importAll({ text }));
      expect(error.code).toBe('validation');
      expect(error.message).toMatch(message);
      expect(snapshot(host.services)).toEqual(before);
    }
    // A history that contradicts this device's: refused whole.
    const forged = structuredClone(good);
    const target = forged.consultations.find((c) => c.id === a.id)!;
    target.versions[1]!.id = '01900000-0000-7000-8000-000000000000';
    const conflict = failureOf(() => exportsOf(host).importAll({ text: JSON.stringify(forged) }));
    expect(conflict.code).toBe('conflict');
    expect(snapshot(host.services)).toEqual(before);
  });
});

describe('hostile imports', () => {
  it('refuses a consultation whose history has gaps on a device that cannot fill them, changing nothing', () => {
    const source = newHost();
    const { a } = populate(source);
    const file = exportOf(source);
    const target = newHost();
    const before = snapshot(target.services);
    const gappy = structuredClone(file);
    gappy.consultations.find((c) => c.id === a.id)!.versions.splice(1, 1);
    expect(failureOf(() => exportsOf(target).importAll({ text: JSON.stringify(gappy) })).message).toMatch(/has no version 2\. Nothing was imported/);
    expect(snapshot(target.services)).toEqual(before);
  });

  it("never imports a teammate's consultation or changes an owner: they are listed as left out", () => {
    const owner = newHost('ada@example.com');
    const { a } = populate(owner);
    const file = exportOf(owner);
    // A teammate (another email) imports the owner's file, edited to say something else.
    const teammate = newHost('bo@example.com');
    const forged = structuredClone(file);
    forged.consultations.find((c) => c.id === a.id)!.sections.contact_info.business_name = 'Forged';
    const report = exportsOf(teammate).importAll({ text: JSON.stringify(forged) });
    expect(report.consultationsAdded).toBe(0);
    expect(report.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/teammate/), expect.stringMatching(/teammate/)]);
    expect(consultationsOf(teammate).list().items).toEqual([]);
    // A file claiming the teammate owns the owner's consultation does not change it on the owner's laptop.
    const stolen = structuredClone(file);
    const bo = teammate.services.users.current()!;
    stolen.users.push(bo);
    for (const c of stolen.consultations) {
      c.userId = bo.id;
      for (const v of c.versions) v.userId = bo.id;
    }
    const before = snapshot(owner.services);
    const result = exportsOf(owner).importAll({ text: JSON.stringify(stolen) });
    expect(result.skipped).toHaveLength(2);
    expect(snapshot(owner.services)).toEqual(before);
  });
});

describe('backups', () => {
  it('makes a consistent copy, checks it, and restores it, keeping the replaced data as a safety copy', async () => {
    const host = newHost();
    populate(host);
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bk-'));
    try {
      const file = join(dir, 'copy.db');
      const info = await host.services.backups.backupTo(file);
      expect(info.bytes).toBeGreaterThan(0);
      const { readFileSync } = await import('node:fs');
      consultationsOf(host).create({ sections: { contact_info: { business_name: 'After the backup' } } });
      expect(host.services.consultations.counts().draft + host.services.consultations.counts().completed).toBe(3);
      const result = await host.restoreFrom(readFileSync(file));
      expect(result.consultations).toBe(2);
      expect(
        consultationsOf(host)
          .list()
          .items.map((i) => i.businessName)
          .sort(),
      ).toEqual(['=HYPERLINK("http://evil")', 'Alpha Optics']);
      // The data that was replaced is kept, and is itself a restorable backup.
      const safety = readFileSync(result.safetyCopy);
      await host.restoreFrom(safety);
      expect(
        consultationsOf(host)
          .list()
          .items.map((i) => i.businessName),
      ).toContain('After the backup');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses files that are not sound Fieldbook databases, leaving the data as it was', async () => {
    const host = newHost();
    populate(host);
    const before = snapshot(host.services);
    const Database = (await import('better-sqlite3')).default;
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bk-'));
    try {
      const foreign = join(dir, 'foreign.db');
      const f = new Database(foreign);
      f.exec('CREATE TABLE notes (x)');
      f.close();
      const { readFileSync, writeFileSync } = await import('node:fs');
      const newer = join(dir, 'newer.db');
      await host.services.backups.backupTo(newer);
      const n = new Database(newer);
      n.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', 9_999_999_999_999);
      n.close();
      const cases: [Buffer, RegExp][] = [
        [Buffer.from('just some text, not a database'), /not a database|cannot be opened/],
        [readFileSync(foreign), /not a Fieldbook backup/],
        [readFileSync(newer), /newer Fieldbook/],
      ];
      for (const [bytes, message] of cases) {
        await expect(host.restoreFrom(bytes)).rejects.toThrow(message);
        expect(snapshot(host.services)).toEqual(before);
      }
      writeFileSync(join(dir, 'unused'), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backs up automatically once a day and keeps the last seven', async () => {
    const host = newHost();
    populate(host);
    const day = 24 * 60 * 60 * 1000;
    const start = Date.parse('2027-03-01T09:00:00Z');
    expect(await host.services.backups.ensureDaily(new Date(start))).not.toBeNull();
    expect(await host.services.backups.ensureDaily(new Date(start + 3 * 60 * 60 * 1000))).toBeNull();
    for (let i = 1; i <= 9; i += 1) expect(await host.services.backups.ensureDaily(new Date(start + i * day + 60_000))).not.toBeNull();
    const kept = host.services.backups.list();
    expect(kept).toHaveLength(7);
    expect(kept[0]!.createdAt.startsWith('2027-03-10')).toBe(true);
    expect(kept[6]!.createdAt.startsWith('2027-03-04')).toBe(true);
  });
});
