import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { storageBench } from './storage';
import { uiBench } from './ui';
import { pdfBench } from './pdf';
import { syncBench } from './sync';
import { offThreadBench } from './offthread';
import { millionBench, MILLION } from './million';
import { searchSection } from './search';
import { fmt, speedAimMet, type Row } from './measure';

// `npm run bench`: every benchmark, written to docs/benchmarks.md with the machine it ran on.
// Ratios compare against a raw baseline measured in the same run, so they hold across machines.

const sections: {
  title: string;
  intro: string;
  run: (dir: string) => Row[] | Promise<Row[]>;
  /** Runs after a failed one (a dropped loopback connection). */ retries?: number;
}[] = [
  {
    title: 'Local database (100,000 consultations)',
    intro:
      'Service calls (input validation, ownership and status checks, mapping to domain values) against the same SQL through plain better-sqlite3 on the same file, in the same run. synchronous=FULL on both: each commit is synced before it is acknowledged.',
    run: storageBench,
  },
  {
    title: 'Sync with Turso (10,000 consultations)',
    intro:
      "Against `tursodb --sync-server` on loopback, through the same Hrana adapter the tests use, with the app's production settings (15 s request timeout, batches and pages sized in bytes by the link sizer, progress reported through the scheduler). Push floor: the same rows as multi-row INSERTs in one write batch to a fresh server (the limit), and in as many batches as the push sent (the same path). Pull floor: the same rows read back with @libsql/client and inserted into a local file with the app's schema. Aims are speeds: at least 0.7× the floor's.",
    run: () => syncBench(),
    retries: 2,
  },
  {
    title: 'PDF summaries',
    intro: 'An HTML template with the shipped Noto fonts, printed by Chromium (Playwright here, Electron printToPDF in the app), exactly as users get them.',
    run: () => pdfBench(),
  },
  {
    title: 'Renderer in Chromium (100,000 consultations)',
    intro:
      'The built renderer in Debian Chromium (Playwright) against the browser preview: what a consultant waits for. Times are measured in the page (resource timing and a mutation observer).',
    run: () => uiBench(),
  },
  {
    title: 'JSON import and export off the main thread (20,000 consultations)',
    intro:
      "Import and export run in a worker thread with its own connection; the baseline is the same call on the main thread. One run each. The longest block is the most time the main thread's event loop ran without a break between two ticks of a 10 ms timer (on the main thread it is the whole call); the notes give the wall-clock gap too, which includes time the OS gave other processes.",
    run: offThreadBench,
  },
  {
    title: `Dashboard at ${MILLION.toLocaleString('en-US')} consultations`,
    intro:
      "The app's services on one seeded file (cached between runs, see bench/million.ts) against the same statements through plain better-sqlite3 on the same file, in the same run; inserts are rolled back. The backup is timed in its worker against SQLite's online backup stepped on the main thread.",
    run: () => millionBench(),
  },
  searchSection,
];

/** Runs a section, again after a failure up to `retries` times; then stops the whole run with every reason. */
async function withRetries(title: string, retries: number, run: () => Row[] | Promise<Row[]>): Promise<Row[]> {
  const reasons: string[] = [];
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      reasons.push(`${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`);
      if (attempt >= retries)
        throw new Error(`${title}: failed ${reasons.length} time(s), docs/benchmarks.md not written: ${reasons.join(' | ')}`, { cause: error });
      console.warn(`${title}: run ${attempt + 1} failed (${reasons.at(-1)}); running it again.`);
    }
  }
}

function table(rows: Row[]): string {
  const lines = ['| operation | median | raw baseline | ratio | aim | notes |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    const ratio = r.baselineMs ? `${(r.ms / r.baselineMs).toFixed(2)}×` : '';
    lines.push(
      `| ${r.name} | ${fmt(r.ms)} ms | ${r.baselineMs !== undefined ? `${fmt(r.baselineMs)} ms` : ''} | ${ratio} | ${r.aim ?? ''} | ${[r.baseline, r.note].filter(Boolean).join('; ')} |`,
    );
  }
  return lines.join('\n');
}

/** Milliseconds an aim like "< 10 ms", "< 3,000 ms" or "< 10 s, < 2×" allows, if it names a time. */
function aimMs(aim: string | undefined): number | null {
  const match = /<\s*([\d,.]+)\s*(ms|s)\b/.exec(aim ?? '');
  if (!match) return null;
  const value = Number(match[1]!.replace(/,/g, ''));
  return match[2] === 's' ? value * 1000 : value;
}

/** The ratio an aim like "< 50 ms, < 2×" allows against the row's baseline, if it names one. */
function aimRatio(aim: string | undefined): number | null {
  const match = /<\s*([\d.]+)\s*×/.exec(aim ?? '');
  return match ? Number(match[1]) : null;
}

// What the figures mean against the aims: computed from this run's rows, never written by hand.
function readingNotes(all: { section: string; row: Row }[]): string {
  const missed = all.flatMap(({ row }) => {
    const out: string[] = [];
    const limit = aimMs(row.aim);
    if (limit !== null && row.ms > limit) out.push(`${row.name} (${fmt(row.ms)} ms, aim ${row.aim})`);
    const ratio = aimRatio(row.aim);
    if (ratio !== null && row.baselineMs && row.ms / row.baselineMs > ratio)
      out.push(`${row.name} (${(row.ms / row.baselineMs).toFixed(2)}× its baseline, aim < ${ratio}×)`);
    for (const other of row.otherAims ?? []) if (!other.met) out.push(`${row.name} (${other.measured}, aim ${other.aim})`);
    return out;
  });
  // Only rows measured against the same statements (the search section's rows are against the FTS5 floor).
  const dashboard = all.filter(
    ({ row }) => /^(List|Filter|Business-name|Full-text)/.test(row.name) && row.baselineMs && /plain better-sqlite3/.test(row.baseline ?? ''),
  );
  const worst = dashboard.reduce((max, { row }) => Math.max(max, row.ms / row.baselineMs!), 0);
  const lines = ['## Reading these numbers', ''];
  lines.push(missed.length ? `- Aims missed in this run: ${missed.join('; ')}.` : '- Every time, ratio and memory aim in this run is met.');
  for (const { row } of all) {
    const met = speedAimMet(row);
    if (met === null) continue;
    const share = row.baselineMs! / row.ms;
    lines.push(`- ${row.name}: ${share.toFixed(2)}× the speed of its floor (aim: at least ${row.speedAim}×) — aim ${met ? 'met' : 'missed'}.`);
  }
  if (dashboard.length) {
    lines.push(
      `- The dashboard's list, filter and search calls on the working copy are at most ${worst.toFixed(2)}× the same statements through plain better-sqlite3 (aim: within 1.5×) — aim ${worst <= 1.5 ? 'met' : 'missed'}.`,
    );
  }
  lines.push(
    '- Ratios compare with a raw baseline measured in the same run on the same machine; this is a shared 2-core machine, so times move by 20–40% between runs, ratios less.',
    '- Timings include `synchronous=FULL` (each commit synced before "Saved"), on both sides.',
    '- The pull is the median of three runs, each followed by its floor; the push, the 50 KB/s link and the off-main-thread figures are one run each.',
    '',
  );
  return lines.join('\n');
}

/** The package's size as the packaging test last measured it (artifacts/package-size.json), beside the size before bundling. */
function packageSize(): string {
  const file = resolve(import.meta.dirname, '..', 'artifacts', 'package-size.json');
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  let now = '| now: not measured (run `npm run test:e2e`, which writes `artifacts/package-size.json`, before the bench) | | | |';
  if (existsSync(file)) {
    const { asar, unpacked } = JSON.parse(readFileSync(file, 'utf8')) as { asar: number; unpacked: number };
    const when = statSync(file).mtime.toISOString().slice(0, 16).replace('T', ' ');
    now = `| now: the packaging test's last run (${when} UTC); main bundle with date-fns, drizzle-orm, zod, uuid, csv-stringify, pdf-lib; sync on \`@libsql/client/http\` | ${mb(asar)} | ${mb(unpacked)} | ${mb(asar + unpacked)} |`;
  }
  return `## Desktop package size (Linux, \`electron-builder --dir\`)

Measured by \`e2e/package.e2e.ts\` (it writes \`artifacts/package-size.json\` and fails above 25 MB), with
electron-log and electron-updater among the dependencies; the Electron binary itself is not counted.

| | app.asar | app.asar.unpacked | total |
| --- | --- | --- | --- |
| before bundling: date-fns shipped unbundled, \`@libsql/client\`'s native engine shipped (gnu + musl) | 35.1 MB | 21.9 MB | 57.0 MB |
${now}

What bundling saved then: date-fns 10.1 MB (4,085 files) for two functions, libSQL's native engine 19.6 MB
(\`sync\` only speaks HTTP; the app refuses \`file:\` team databases, and tests open them with the full client),
drizzle-orm 4.0 MB. The same test starts the packed main bundle from the extracted package alone, so a
dependency left out would fail it.
`;
}

const only = process.argv[2];
const out: string[] = [];
const measured: { section: string; row: Row }[] = [];
const sqliteVersion = (() => {
  const db = new Database(':memory:');
  const v = (db.prepare('select sqlite_version() v').get() as { v: string }).v;
  db.close();
  return v;
})();
out.push('# Benchmarks', '');
out.push(`Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Medians of repeated runs.`, '');
out.push(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}; Node ${process.version}; SQLite ${sqliteVersion}.`,
  '',
);
for (const section of sections) {
  if (only && !section.title.toLowerCase().includes(only.toLowerCase())) continue;
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
  try {
    console.log(`== ${section.title}`);
    const rows = await withRetries(section.title, section.retries ?? 0, () => section.run(dir));
    measured.push(...rows.map((row) => ({ section: section.title, row })));
    console.log(table(rows));
    out.push(`## ${section.title}`, '', section.intro, '', table(rows), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// Measured by the packaging test (e2e/package.e2e.ts), not by this run: its last figures.
out.push(packageSize());
out.push(readingNotes(measured));
if (!only) {
  // Written whole or not at all: a run that fails leaves the previous file as it was.
  const target = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  writeFileSync(`${target}.tmp`, out.join('\n'));
  renameSync(`${target}.tmp`, target);
}
