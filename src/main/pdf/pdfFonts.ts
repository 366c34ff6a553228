import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

// The shipped fonts (resources/fonts, OFL) as @font-face rules. Chromium picks, per character, the first
// family in FONT_STACK that has the glyph, so every script prints with a shipped font on every machine.
// Each fallback face has a unicode-range: a page loads only the fonts its text needs, and Chromium skips
// fonts that cannot hold a character without opening them (a 1 MB field of mixed scripts laid out 2-3x faster).

interface Face {
  family: string;
  file: string;
  weight: 400 | 700;
  style?: 'italic';
  range?: string;
}

const ARABIC = 'U+0600-06FF, U+0750-077F, U+0870-08FF, U+FB50-FDFF, U+FE70-FEFF, U+200C-200F';
const HEBREW = 'U+0590-05FF, U+FB1D-FB4F, U+200C-200F';
const THAI = 'U+0E00-0E7F, U+200B-200D, U+25CC';
const MATH = 'U+2190-21FF, U+2200-22FF, U+2300-230B, U+27C0-27FF, U+2900-2AFF, U+1D400-1D7FF';
const SYMBOLS = 'U+2100-218F, U+2300-23FF, U+2460-24FF, U+25A0-27BF, U+2B00-2BFF, U+1F100-1F1FF';
const EMOJI =
  'U+00A9, U+00AE, U+203C, U+2049, U+20E3, U+2122, U+2139, U+2194-21AA, U+2300-23FF, U+24C2, U+25A0-27BF, U+2900-297F, U+2B00-2BFF, U+3030, U+303D, U+3297, U+3299, U+FE0E-FE0F, U+200D, U+1F000-1FAFF, U+E0020-E007F';
const CJK = 'U+2E80-2FDF, U+3000-33FF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF, U+20000-2FA1F';
const HANGUL = 'U+1100-11FF, U+3000-303F, U+3130-318F, U+A960-A97F, U+AC00-D7FF, U+FF00-FFEF';

export const FONT_FACES: readonly Face[] = [
  { family: 'FB Sans', file: 'NotoSans-Regular.ttf', weight: 400 },
  { family: 'FB Sans', file: 'NotoSans-Bold.ttf', weight: 700 },
  { family: 'FB Sans', file: 'NotoSans-Italic.ttf', weight: 400, style: 'italic' },
  { family: 'FB Arabic', file: 'NotoSansArabic-Regular.ttf', weight: 400, range: ARABIC },
  { family: 'FB Arabic', file: 'NotoSansArabic-Bold.ttf', weight: 700, range: ARABIC },
  { family: 'FB Hebrew', file: 'NotoSansHebrew-Regular.ttf', weight: 400, range: HEBREW },
  { family: 'FB Hebrew', file: 'NotoSansHebrew-Bold.ttf', weight: 700, range: HEBREW },
  { family: 'FB Thai', file: 'NotoSansThai-Regular.ttf', weight: 400, range: THAI },
  { family: 'FB Thai', file: 'NotoSansThai-Bold.ttf', weight: 700, range: THAI },
  { family: 'FB Math', file: 'NotoSansMath-Regular.ttf', weight: 400, range: MATH },
  { family: 'FB Symbols', file: 'NotoSansSymbols-Regular.ttf', weight: 400, range: SYMBOLS },
  // Outline (monochrome) emoji: embedded like any TrueType font, so they sit on the text line in the text layer.
  { family: 'FB Emoji', file: 'NotoEmoji-Regular.ttf', weight: 400, range: EMOJI },
  // CJK in TrueType outlines (Chromium's PDF writer turns CFF/OTF fonts into Type 3 fonts, whose odd line
  // metrics scramble the reading order of mixed lines in the text layer). One weight: bold is synthesised.
  { family: 'FB SC', file: 'NotoSansSC-Regular.ttf', weight: 400, range: CJK },
  { family: 'FB KR', file: 'NotoSansKR-Regular.ttf', weight: 400, range: HANGUL },
];

/** Fallback order: Noto Sans (Latin, Greek, Cyrillic, Devanagari) first so shared punctuation and digits take its metrics. */
export const FONT_STACK = "'FB Sans', 'FB Arabic', 'FB Hebrew', 'FB Thai', 'FB Math', 'FB Symbols', 'FB Emoji', 'FB SC', 'FB KR'";

/** The file names the app must ship in resources/fonts. */
export const FONT_FILES: readonly string[] = [...new Set(FONT_FACES.map((face) => face.file))];

export function fontFaceCss(fontsFolder: string): string {
  return FONT_FACES.map((face) =>
    [
      `@font-face { font-family: '${face.family}'; src: url('${pathToFileURL(join(fontsFolder, face.file)).href}');`,
      ` font-weight: ${face.weight}; font-style: ${face.style ?? 'normal'}; font-display: block;`,
      face.range ? ` unicode-range: ${face.range};` : '',
      ' }',
    ].join(''),
  ).join('\n');
}
