import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { piecesHtml, splitPieces, type Piece, type Wrapper } from './documentParts';

// Pieces of a body in sections, fields and lists, as summaryHtml makes them: a heading glued to what follows.
const bodyArbitrary = fc
  .array(
    fc.array(fc.record({ list: fc.boolean(), values: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 30 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((sections) => {
    const pieces: Piece[] = [{ html: '<header>h</header>', within: [] }];
    let n = 0;
    for (const fields of sections) {
      const section: Wrapper = { tag: 'section' };
      pieces.push({ html: '<h2>S</h2>', within: [section] });
      for (const [f, { list, values }] of fields.entries()) {
        const field: Wrapper = { tag: 'div', className: 'field' };
        const within = list ? [section, field, { tag: 'ul' } as Wrapper] : [section, field];
        pieces.push({ html: '<h3>F</h3>', within: [section, field], glued: f === 0 });
        values.forEach((size, i) => pieces.push({ html: `<p>${String(n++).padEnd(size, '.')}</p>`, within, glued: i === 0 }));
      }
    }
    return pieces;
  });

/** Every tag opened in `html` is closed in order (the parts are whole documents' bodies). */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)(section|div|ul|p|h2|h3|header)\b[^>]*>/g)) {
    if (!closing) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

describe('a long summary in parts', () => {
  it('keeps every piece once and in order, never starts a part after a heading, and keeps parts near the size', () => {
    fc.assert(
      fc.property(bodyArbitrary, fc.integer({ min: 2000, max: 40_000 }), (pieces, partChars) => {
        const parts = splitPieces(pieces, partChars);
        expect(parts.flat()).toEqual(pieces);
        const total = pieces.reduce((sum, p) => sum + p.html.length, 0);
        expect(parts.length).toBeLessThanOrEqual(Math.ceil(total / partChars));
        const largest = Math.max(...pieces.map((p) => p.html.length));
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(part[0]!.glued ?? false).toBe(false);
          // A part ends at the first cut allowed after its share: at most its share, plus a heading group and a piece.
          expect(part.reduce((sum, p) => sum + p.html.length, 0)).toBeLessThanOrEqual(partChars + 3 * largest + 20);
        }
      }),
    );
  });

  it('opens each element once around its pieces and reopens, marked "cont", what a part carries on', () => {
    fc.assert(
      fc.property(bodyArbitrary, fc.integer({ min: 2000, max: 40_000 }), (pieces, partChars) => {
        const parts = splitPieces(pieces, partChars);
        const htmls = parts.map((part, i) => piecesHtml(part, i > 0));
        for (const html of htmls) expect(balanced(html), html.slice(0, 200)).toBe(true);
        // The pieces' own HTML, in order, is all a part holds besides the elements around it.
        const strip = (html: string) => html.replace(/<\/?(section|div|ul)\b[^>]*>/g, '');
        expect(htmls.map(strip).join('')).toBe(pieces.map((p) => p.html).join(''));
        for (const [i, part] of parts.entries()) {
          // Only the elements open when a later part begins are continuations.
          const carried = i === 0 ? 0 : part[0]!.within.length;
          expect((htmls[i]!.match(/class="[^"]*\bcont\b/g) ?? []).length).toBe(carried);
        }
      }),
    );
  });

  it('prints a short body as one part, untouched', () => {
    const section: Wrapper = { tag: 'section' };
    const pieces: Piece[] = [
      { html: '<h2>S</h2>', within: [section] },
      { html: '<p>a</p>', within: [section], glued: true },
    ];
    expect(splitPieces(pieces)).toEqual([pieces]);
    expect(piecesHtml(pieces)).toBe('<section><h2>S</h2><p>a</p></section>');
    expect(piecesHtml(pieces.slice(1), true)).toBe('<section class="cont"><p>a</p></section>');
  });
});
