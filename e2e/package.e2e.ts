import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractAll, extractFile, listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FONT_FILES } from '../src/main/pdf/pdfFonts';

// Packages the app with electron-builder --dir around a stand-in Electron folder (the real binary cannot be
// downloaded here) and checks what a real package would contain.
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'fieldbook-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Electron's fuse sentinel followed by a version-1 wire of nine fuses at Electron's defaults (RunAsNode on,
// cookie encryption off, NODE_OPTIONS on, --inspect on, ASAR integrity off, only-ASAR off, ...): what
// @electron/fuses looks for in a real binary, so electron-builder flips them here as it would there.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_WIRE = '101100011';

const output = join(work, 'dist');
const resources = join(output, 'linux-unpacked', 'resources');
let files: string[] = [];

function pack() {
  if (files.length) return;
  const electronDist = join(work, 'electron');
  mkdirSync(electronDist);
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\necho stand-in\nexit 0\n# ${SENTINEL}`),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(`${DEFAULT_WIRE}\n`),
  ]);
  writeFileSync(join(electronDist, 'electron'), wire);
  chmodSync(join(electronDist, 'electron'), 0o755);
  execFileSync(
    join(root, 'node_modules', '.bin', 'electron-builder'),
    ['--dir', '--linux', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`, '--publish', 'never'],
    { cwd: root, stdio: 'pipe', timeout: 240_000, env: { ...process.env, FIELDBOOK_UPDATE_URL: '' } },
  );
  files = listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replace(/\\/g, '/'));
}

describe('desktop package', () => {
  it('holds the bundles, the unpacked native module and the migrations, and no dev-only files', () => {
    pack();
    for (const bundle of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) {
      expect(files).toContain(bundle);
    }
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect(existsSync(join(resources, 'migrations', 'sqlite', 'meta', '_journal.json'))).toBe(true);
    // The font subsetter's WebAssembly, read at run time (src/main/pdf/fontSubset.ts), not bundled.
    expect(files).toContain('/node_modules/harfbuzzjs/dist/harfbuzz-subset.wasm');
    // Every font the PDF template names, so a client PDF prints the same on every machine.
    for (const font of [...FONT_FILES, 'OFL.txt']) {
      expect(existsSync(join(resources, 'fonts', font))).toBe(true);
    }
    const journal = JSON.parse(readFileSync(join(resources, 'migrations', 'sqlite', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    for (const { tag } of journal.entries) expect(existsSync(join(resources, 'migrations', 'sqlite', `${tag}.sql`))).toBe(true);

    const devOnly = files.filter(
      (f) =>
        /\.map$|\.tsx?$|^\/src\/|^\/test\/|^\/e2e\/|^\/bench\/|\.env|tsconfig|vitest|electron\.vite\.config/.test(f) ||
        /^\/node_modules\/(electron|vitest|vite|typescript|react|react-dom|playwright-core|drizzle-kit|eslint|@types|@tursodatabase|turso|pg)\//.test(f) ||
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

  it('has the fuses flipped in the Electron binary: no RunAsNode, NODE_OPTIONS or --inspect; ASAR only and checked', async () => {
    pack();
    const wire = await getCurrentFuseWire(join(output, 'linux-unpacked', 'fieldbook'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
  });

  it('keeps every shipped dependency licence, ships no test server or native libSQL engine, and no update feed unless one is set', () => {
    pack();
    const shipped = [...new Set(files.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((name): name is string => !!name))];
    expect(shipped.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const name of shipped) {
      const source = join(root, 'node_modules', name);
      if (!existsSync(source)) continue; // a nested copy; its top-level twin is checked
      const licences = readdirSync(source).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f));
      for (const licence of licences) if (!files.includes(`/node_modules/${name}/${licence}`)) missing.push(`${name}/${licence}`);
    }
    expect(missing).toEqual([]);
    expect(shipped.filter((name) => /^(libsql$|@libsql\/(linux|darwin|win32)-|@tursodatabase\/|date-fns$|zod$)/.test(name))).toEqual([]);
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', '@libsql'))).toBe(false);
    expect(existsSync(join(resources, 'app-update.yml'))).toBe(false);

    const sizes = { asar: statSync(join(resources, 'app.asar')).size, unpacked: folderSize(join(resources, 'app.asar.unpacked')) };
    mkdirSync(join(root, 'artifacts'), { recursive: true });
    writeFileSync(join(root, 'artifacts', 'package-size.json'), `${JSON.stringify(sizes, null, 2)}\n`);
    // 57.0 MB before bundling date-fns and drizzle-orm and dropping libSQL's engine, 18.4 MB after.
    expect(sizes.asar + sizes.unpacked).toBeLessThan(25_000_000);
  });
});

describe('packed files alone', () => {
  it('start the main process and serve a consultant’s first minutes (nothing needed is left out of the package)', () => {
    pack();
    // The asar's contents with its unpacked native module, away from the project's node_modules.
    const app = join(work, 'extracted');
    extractAll(join(resources, 'app.asar'), app);
    const run = join(work, 'run');
    mkdirSync(join(run, 'resources'), { recursive: true });
    for (const folder of ['migrations', 'fonts']) symlinkSync(join(resources, folder), join(run, 'resources', folder));
    const report = join(run, 'report.json');
    execFileSync(process.execPath, ['--import', join(root, 'e2e', 'fakeElectron', 'register.mjs'), join(app, 'out', 'main', 'index.js')], {
      cwd: run,
      env: { ...process.env, ELECTRON_RENDERER_URL: '', FAKE_ELECTRON_DIR: run, FAKE_ELECTRON_REPORT: report, FAKE_ELECTRON_PACKAGED: '1' },
      stdio: 'pipe',
      timeout: 60_000,
    });
    const { answers, errors } = JSON.parse(readFileSync(report, 'utf8')) as { answers: Record<string, { ok: boolean; head?: string }>; errors: string[] };
    expect(errors).toEqual([]);
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.ok]))).toEqual({
      ownPage: true,
      otherFile: false,
      devServer: false,
      profile: true,
      create: true,
      list: true,
      pdf: true,
      csv: true,
    });
    expect(answers.pdf!.head).toBe('%PDF-');
  });
});

describe('targets', () => {
  it('are dmg + zip for x64 and arm64, NSIS, AppImage and deb, named without spaces', () => {
    // js-yaml is what electron-builder reads its config with.
    const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
    const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, Record<string, unknown> & { target: unknown }> & {
      artifactName: string;
    };
    expect(config.artifactName).toBe('${productName}-${version}-${os}-${arch}.${ext}');
    for (const platform of ['mac', 'win', 'linux', 'nsis']) expect(config[platform]!.artifactName).toBeUndefined();
    expect(config.mac!.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    const productName = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName: string }).productName;
    expect(productName).not.toMatch(/\s/);
  });
});

describe('update feed', () => {
  it('is written into the package as a generic provider only when FIELDBOOK_UPDATE_URL is set', async () => {
    pack();
    const script = join(root, 'scripts', 'package.mjs');
    const { packagingConfig } = (await import(script)) as { packagingConfig: (env: Record<string, string>) => object };
    expect(packagingConfig({})).toEqual({});
    expect(packagingConfig({ FIELDBOOK_UPDATE_URL: '  ' })).toEqual({});
    const { build } = await import('electron-builder');
    const withFeed = join(work, 'dist-feed');
    await build({
      projectDir: root,
      linux: ['dir'],
      publish: 'never',
      config: {
        ...packagingConfig({ FIELDBOOK_UPDATE_URL: 'https://updates.fieldbook.example/desktop' }),
        electronDist: join(work, 'electron'),
        npmRebuild: false,
        directories: { output: withFeed },
      },
    });
    const feed = readFileSync(join(withFeed, 'linux-unpacked', 'resources', 'app-update.yml'), 'utf8');
    expect(feed).toMatch(/^provider: generic$/m);
    expect(feed).toMatch(/^url: https:\/\/updates\.fieldbook\.example\/desktop$/m);
  }, 240_000);
});

function folderSize(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderSize(path) : statSync(path).size;
  }
  return total;
}
