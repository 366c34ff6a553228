import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { safeFileNamePart, summaryFileName } from './fileName';

const DAY = new Date('2026-11-28T10:00:00Z');

describe('PDF file names', () => {
  it.each([
    ['Nordlicht Bäckerei', 'Nordlicht Bäckerei'],
    ['東京カフェ', '東京カフェ'],
    ['مخبز النور', 'مخبز النور'],
    ['יורם כהן', 'יורם כהן'],
    ['पारिवारिक व्यवसाय', 'पारिवारिक व्यवसाय'],
    ['Café 🎉 Party', 'Café 🎉 Party'],
    ['A/B: "Q?" <x>|*', 'A-B- -Q- -x'],
    ['invoice\u202Efdp.exe', 'invoice-fdp.exe'],
    ['../../etc/passwd', 'etc-passwd'],
    ['con', 'con-'],
    ['LPT1.txt', 'LPT1.txt-'],
    ['name. ', 'name'],
    ['   ', 'consultation'],
    ['\u0000\u200f', 'consultation'],
  ])('keeps %j as %j', (input, output) => expect(safeFileNamePart(input)).toBe(output));

  it('keeps the client name in its script and says which copy it is', () => {
    expect(summaryFileName('مخبز النور', 'Version 3', DAY)).toBe('مخبز النور - Version 3 - 2026-11-28.pdf');
    expect(summaryFileName('東京カフェ', 'Working copy, 28 Nov 2026', DAY)).toBe('東京カフェ - Working copy - 2026-11-28.pdf');
  });

  it('cuts long names on a whole character, under 255 bytes of UTF-8', () => {
    const name = summaryFileName('👩‍👩‍👧'.repeat(100), 'Version 1', DAY);
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThan(255);
    expect(name).toMatch(/^(👩‍👩‍👧)+ - Version 1 - 2026-11-28\.pdf$/);
  });

  it('makes a name this file system accepts for any text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-names-'));
    try {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
          const name = summaryFileName(text, 'Version 2', DAY);
          expect(name).not.toMatch(/[<>:"/\\|?*\p{Cc}]/u);
          writeFileSync(join(dir, name), 'x');
          expect(readdirSync(dir)).toContain(name);
          rmSync(join(dir, name));
        }),
        { numRuns: 300 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
