// A long document printed as one HTML document makes Chromium hold the layout and the drawing of all its
// pages at once (a 1 MB summary: about 150 MB more in the print renderer than a short one). Printed in
// parts of a bounded size, one after the other, the printer holds one part at a time; the parts' PDFs are
// then joined (pageNumbers.ts). A part ends between two pieces of the body and the next one reopens the
// elements they sit in, so it reads as a page break.

/** An element a piece sits in (a section, a field, a list), reopened with class "cont" in the next part. */
export interface Wrapper {
  tag: 'section' | 'div' | 'ul';
  className?: string;
}

/** A piece of the body: a text block, a list item, a heading, the header; never split itself. */
export interface Piece {
  html: string;
  /** The elements it sits in, outermost first; pieces of one element share the same objects. */
  within: readonly Wrapper[];
  /** No part may begin with this piece (it belongs with the heading before it). */
  glued?: boolean;
}

/**
 * About this many characters of body HTML per part. A 1 MB summary prints in two parts: each part's print
 * renderer peaks at 120-135 MB PSS against 212-231 MB for the whole, in about the same time (2.3 s in parts,
 * 2.0-2.4 s whole, back to back).
 */
export const PART_CHARS = 700_000;

/** The pieces in consecutive groups of about equal size, each at most about `partChars` (a piece is never split). */
export function splitPieces(pieces: readonly Piece[], partChars = PART_CHARS): Piece[][] {
  const total = pieces.reduce((sum, piece) => sum + piece.html.length, 0);
  const count = Math.max(1, Math.ceil(total / partChars));
  const parts: Piece[][] = [[]];
  let done = 0;
  for (const piece of pieces) {
    const current = parts[parts.length - 1]!;
    if (current.length > 0 && !piece.glued && parts.length < count && done >= (total * parts.length) / count) parts.push([piece]);
    else current.push(piece);
    done += piece.html.length;
  }
  return parts;
}

const open = (wrapper: Wrapper, continued: boolean) => {
  const classes = [wrapper.className, continued ? 'cont' : undefined].filter(Boolean).join(' ');
  return `<${wrapper.tag}${classes ? ` class="${classes}"` : ''}>`;
};

/**
 * A part's pieces as HTML: each element opened once around its pieces. When the part `continues` the one
 * before, the elements its first piece sits in were open there: they are marked "cont".
 */
export function piecesHtml(pieces: readonly Piece[], continues = false): string {
  const out: string[] = [];
  let stack: readonly Wrapper[] = [];
  for (const [i, piece] of pieces.entries()) {
    let shared = 0;
    while (shared < stack.length && shared < piece.within.length && stack[shared] === piece.within[shared]) shared += 1;
    for (const wrapper of stack.slice(shared).reverse()) out.push(`</${wrapper.tag}>`);
    for (const wrapper of piece.within.slice(shared)) out.push(open(wrapper, continues && i === 0));
    out.push(piece.html);
    stack = piece.within;
  }
  for (const wrapper of [...stack].reverse()) out.push(`</${wrapper.tag}>`);
  return out.join('');
}
