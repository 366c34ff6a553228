import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { FONT_FILES } from '../src/main/pdf/pdfFonts';

// Packages the app with electron-builder --dir around a stand-in Electron folder (the real binary cannot be
// downloaded here) and checks what a real package would contain.
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'fieldbook-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('desktop package', () => {
  it('holds the bundles, the unpacked native module and the migrations, and no dev-only files', () => {
    const electronDist = join(work, 'electron');
    mkdirSync(electronDist);
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    const output = join(work, 'dist');
    execFileSync(
      join(root, 'node_modules', '.bin', 'electron-builder'),
      ['--dir', '--linux', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`, '--publish', 'never'],
      { cwd: root, stdio: 'pipe', timeout: 240_000 },
    );
    const resources = join(output, 'linux-unpacked', 'resources');
    const files = listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'));

    for (const bundle of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) {
      expect(files).toContain(bundle);
    }
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect(existsSync(join(resources, 'migrations', 'sqlite', 'meta', '_journal.json'))).toBe(true);
    // Every font the PDF template names, so a client PDF prints the same on every machine.
    for (const font of [...FONT_FILES, 'OFL.txt']) {
      expect(existsSync(join(resources, 'fonts', font))).toBe(true);
    }
    const journal = JSON.parse(readFileSync(join(resources, 'migrations', 'sqlite', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    for (const { tag } of journal.entries) expect(existsSync(join(resources, 'migrations', 'sqlite', `${tag}.sql`))).toBe(true);

    const devOnly = files.filter(
      (f) =>
        /\.map$|\.tsx?$|^\/src\/|^\/test\/|^\/e2e\/|^\/bench\/|\.env|tsconfig|vitest|electron\.vite\.config/.test(f) ||
        /^\/node_modules\/(electron|vitest|vite|typescript|react|react-dom|playwright-core|drizzle-kit|eslint|@types)\//.test(f) ||
        /better-sqlite3\/(src|deps)\//.test(f),
    );
    expect(devOnly).toEqual([]);
    // No bundle points at a source map (which would ship or leak the sources).
    const bundles = files.filter((f) => /^\/out\/.*\.(c?js)$/.test(f));
    expect(bundles.length).toBeGreaterThanOrEqual(3);
    for (const bundle of bundles) {
      expect(extractFile(join(resources, 'app.asar'), bundle.slice(1)).toString('utf8')).not.toMatch(/sourceMappingURL/);
    }
  });
});
