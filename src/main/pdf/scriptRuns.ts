// pdfmake does no per-glyph font fallback, so text is split into runs by script and each run names a
// font that has its glyphs: Han, kana and CJK punctuation -> Noto Sans Hans; Hangul -> Noto Sans KR;
// everything else (Latin, Greek, Cyrillic…) -> Noto Sans.

export type FontName = 'NotoSans' | 'NotoSansHans' | 'NotoSansKR';

const HANS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef\u30fc]/u;
const HANGUL = /\p{Script=Hangul}/u;

function fontOf(char: string): FontName {
  if (HANGUL.test(char)) return 'NotoSansKR';
  if (HANS.test(char)) return 'NotoSansHans';
  return 'NotoSans';
}

export interface Run {
  text: string;
  font: FontName;
}

export function scriptRuns(text: string): Run[] {
  const runs: Run[] = [];
  for (const char of text) {
    // Spaces and punctuation shared by all scripts stay with the run they are in.
    const font = /[\s\p{P}\p{N}]/u.test(char) && runs.length ? runs[runs.length - 1]!.font : fontOf(char);
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += char;
    else runs.push({ text: char, font });
  }
  return runs;
}

export const needsFont = (text: string, font: FontName) => scriptRuns(text).some((run) => run.font === font);
