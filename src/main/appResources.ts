import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds a folder the app ships (e.g. `resources/fonts`, `migrations/sqlite`) by walking up from this module:
 * it works from the source tree, the bundle in out/, and tests. The packaged app passes
 * process.resourcesPath-based paths instead.
 */
export function findShippedFolder(relative: string, marker: string, start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(join(candidate, marker))) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No ${relative} folder above ${start}`);
    dir = parent;
  }
}
