import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Bundles the crash worker into one ES module so each of hundreds of child processes starts fast. It is
 * written inside the project so its imports of native packages resolve from node_modules.
 */
export async function bundleWorker(): Promise<string> {
  const dir = resolve(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'fieldbook-crash');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `worker-${process.pid}.mjs`);
  await build({
    entryPoints: [resolve(import.meta.dirname, 'worker.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native modules stay outside; everything else is inlined so a child starts with few file reads.
    external: ['better-sqlite3', '@libsql/client', 'libsql'],
    logLevel: 'silent',
  });
  return out;
}
