import { readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withTempFolder } from './pdfPrinter';

// The CJK fonts are large (Noto Sans SC 10.5 MB, KR 6.2 MB). A document with one Chinese word made Chromium load
// the whole file into the print renderer, copy it into the document it hands to the print compositor and
// subset it there again (the compositor's peak grew by about 20 MB). Such a face is cut down here, before
// printing, to the characters of the document: a few KB for a few words, about 1 MB for 3,000 Han characters.

/** Fonts larger than this (bytes) are subset per document; the others cost too little to be worth the work. */
export const SUBSET_ABOVE = 1_000_000;

/** HarfBuzz's hb-subset C API, as the harfbuzzjs package builds it to WebAssembly. */
interface HbSubset {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  malloc(size: number): number;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

/** Node's WebAssembly global (the main process's TypeScript libraries leave it untyped). */
const wasm = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(module: object): Promise<{ exports: object }> } }
).WebAssembly;

let compiled: Promise<object> | null = null;
/**
 * Compiled by V8's baseline compiler only: its optimising tier spent 350-700 ms on the first font and left
 * about 36 MB in the allocator of the main process for good; baseline code subsets a CJK font in 40-70 ms,
 * and the first in about 100 ms. The app's main process runs no other WebAssembly.
 */
const subsetModule = () =>
  (compiled ??=
    (setFlagsFromString('--liftoff-only'),
    readFile(createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')).then((bytes) => wasm.compile(bytes))));

/**
 * The font cut down to `codePoints` and what the font's own layout rules reach from them (Arabic joining
 * forms, ligatures: every OpenType feature is kept). A fresh WebAssembly instance each time: its memory
 * (about 50 MB for a CJK font) goes with it instead of staying in the app's main process for good.
 */
export async function subsetFont(font: Uint8Array, codePoints: Iterable<number>): Promise<Buffer> {
  const instance = await wasm.instantiate(await subsetModule());
  const hb = instance.exports as unknown as HbSubset;
  hb._initialize();
  const input = hb.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb-subset could not start');
  const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
  hb.hb_set_clear(features);
  hb.hb_set_invert(features);
  const unicodes = hb.hb_subset_input_unicode_set(input);
  for (const codePoint of codePoints) hb.hb_set_add(unicodes, codePoint);
  const data = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer).set(font, data);
  const blob = hb.hb_blob_create(data, font.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  const subset = hb.hb_subset_or_fail(face, input);
  if (!subset) throw new Error('hb-subset could not subset the font');
  const result = hb.hb_face_reference_blob(subset);
  const length = hb.hb_blob_get_length(result);
  if (!length) throw new Error('hb-subset made an empty font');
  // Copied out of the instance's memory (which grows, detaching older views): the instance is then dropped whole.
  return Buffer.from(new Uint8Array(hb.memory.buffer, hb.hb_blob_get_data(result, 0), length));
}

/**
 * Every character the document can print, a superset: its text as written, plus characters written as
 * CSS escapes (the @page footer) or HTML numeric references.
 */
export function documentCodePoints(html: string, found = new Set<number>()): Set<number> {
  for (const char of html) found.add(char.codePointAt(0)!);
  for (const [, hex] of html.matchAll(/\\([0-9a-fA-F]{1,6})/g)) found.add(parseInt(hex!, 16));
  for (const [, hex, dec] of html.matchAll(/&#(?:[xX]([0-9a-fA-F]{1,6})|(\d{1,7}));/g)) found.add(hex ? parseInt(hex, 16) : Number(dec));
  return found;
}

/** "U+4E00-9FFF, U+3000" as [first, last] pairs. */
function parseRange(range: string): [number, number][] {
  return [...range.matchAll(/U\+([0-9A-Fa-f]+)(?:-([0-9A-Fa-f]+))?/g)].map(([, from, to]) => [parseInt(from!, 16), parseInt(to ?? from!, 16)]);
}

/** The part of a document that holds its @font-face rules (its <style>), and the rest. */
function splitHead(html: string): [string, string] {
  const end = html.indexOf('</style>');
  return end < 0 ? [html, ''] : [html.slice(0, end), html.slice(end)];
}

/**
 * The documents (one summary's parts, sharing one <style>) with each large @font-face file (file: URL, with a
 * unicode-range) that their text uses replaced by one subset, written into `folder`, for the characters of
 * them all: a summary printed in parts subsets each font once. A face the text does not use is left alone
 * (Chromium never loads it); a font that cannot be subset is printed whole, as before.
 */
export async function withSubsetFonts(documents: readonly string[], folder: string): Promise<string[]> {
  const [head] = splitHead(documents[0] ?? '');
  const faces = [...head.matchAll(/@font-face\s*\{[^}]*?url\('(file:[^']+)'\)[^}]*?unicode-range:\s*([^;}]+)/g)];
  if (faces.length === 0) return [...documents];
  let codePoints: Set<number> | null = null;
  const replacements = new Map<string, string>();
  for (const [, url, range] of faces) {
    if (replacements.has(url!)) continue;
    try {
      const file = fileURLToPath(url!);
      if ((await stat(file)).size <= SUBSET_ABOVE) continue;
      codePoints ??= documents.reduce((all, html) => documentCodePoints(html, all), new Set<number>());
      const ranges = parseRange(range!);
      const used = [...codePoints].filter((c) => ranges.some(([from, to]) => c >= from && c <= to));
      if (used.length === 0) continue;
      const target = join(folder, `subset-${replacements.size}.ttf`);
      await writeFile(target, await subsetFont(await readFile(file), used), { mode: 0o600 });
      replacements.set(url!, pathToFileURL(target).href);
    } catch (error) {
      console.warn('Printing with the whole font: it could not be subset', url, error);
    }
  }
  if (replacements.size === 0) return [...documents];
  return documents.map((html) => {
    const [style, rest] = splitHead(html);
    return style.replace(/url\('(file:[^']+)'\)/g, (whole, url: string) => (replacements.has(url) ? `url('${replacements.get(url)}')` : whole)) + rest;
  });
}

/** Runs `use` with the documents' large fonts subset (withSubsetFonts) into a private folder, removed after. */
export function withDocumentFonts<T>(documents: readonly string[], use: (documents: string[]) => Promise<T>): Promise<T> {
  return withTempFolder('fieldbook-fonts-', async (folder) => use(await withSubsetFonts(documents, folder)));
}
