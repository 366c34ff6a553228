import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The automated Electron security audit (@doyensec/electronegativity) over the source. No HIGH or MEDIUM
// finding is allowed; the LOW ones are listed here and explained in docs/security.md, so a new one fails.
const ACCEPTED_LOW = [
  'CSP_GLOBAL_CHECK main/electron/main.ts', // the CSP is a shared constant the audit cannot evaluate
  'CSP_GLOBAL_CHECK renderer/index.html', // style-src 'unsafe-inline': Radix's scroll lock injects a <style>
];

describe('Electron security audit', () => {
  it('finds nothing of high or medium severity in src/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-audit-'));
    try {
      // SARIF, not CSV: the tool's CSV rows can come out interleaved.
      const out = join(dir, 'findings.sarif');
      const bin = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'electronegativity');
      execFileSync(bin, ['-i', 'src', '-o', out, '-r', '-v', 'false', '-e', '45.0.0'], {
        cwd: resolve(import.meta.dirname, '..'),
        stdio: 'ignore',
        timeout: 90_000,
      });
      const sarif = JSON.parse(readFileSync(out, 'utf8')) as {
        runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      // SARIF levels: error = HIGH, warning = MEDIUM, note = LOW.
      const findings = sarif.runs[0]!.results.map((r) => ({ issue: r.ruleId, level: r.level, file: r.locations[0]!.physicalLocation.artifactLocation.uri }));
      expect(findings.filter((f) => f.level !== 'note')).toEqual([]);
      expect(findings.map((f) => `${f.issue} ${f.file}`).sort()).toEqual([...ACCEPTED_LOW].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
