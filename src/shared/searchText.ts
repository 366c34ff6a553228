// One way to fold text for search, used both to index a consultation and to read what a person types, so
// the two always agree: "cafe" finds "Café", "σαββατο" finds "Σάββατο", "订单" finds "订单延误了三天".

// Accents and points that are optional to type: Latin/Greek/Cyrillic combining diacritics, Hebrew points,
// Arabic vowel marks and tatweel, variation selectors (emoji presentation), zero-width joiners and soft
// hyphens. Marks that are letters' vowels (Devanagari, Thai…) are kept.
const OPTIONAL_RANGES: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
  [0x0591, 0x05bd],
  [0x05bf, 0x05bf],
  [0x05c1, 0x05c2],
  [0x05c4, 0x05c5],
  [0x05c7, 0x05c7],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x0670, 0x0670],
  [0x06d6, 0x06dc],
  [0x06df, 0x06e4],
  [0x06e7, 0x06e8],
  [0x06ea, 0x06ed],
  [0x0640, 0x0640],
  [0xfe00, 0xfe0f],
  [0xe0100, 0xe01ef],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfeff, 0xfeff],
  [0x00ad, 0x00ad],
];
// Every character an optional range holds is one of these (marks, format characters, tatweel).
const MARK_OR_FORMAT = /[\p{M}\p{Cf}\u0640]/gu;

const isOptional = (char: string): boolean => {
  const code = char.codePointAt(0) ?? 0;
  return OPTIONAL_RANGES.some(([from, to]) => code >= from && code <= to);
};

// Scripts written without spaces between words (and Korean, whose words carry particles): every character
// is its own token, so any substring is an adjacent-token phrase.
const CHARACTER_SCRIPTS = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Bopomofo}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/gu;

const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u;

/** The search tokens of a text: folded (NFKD, optional marks removed, lower case, σ/ς and ß/ss alike). */
export function searchTokens(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    // Lower case before the marks go: "İ" lower-cases to "i" plus a dot above, which then goes too.
    .toLowerCase()
    .replace(MARK_OR_FORMAT, (char) => (isOptional(char) ? '' : char))
    .replace(/ς/g, 'σ')
    .replace(/ß/g, 'ss')
    // Puts Hangul syllables (and kana with voicing marks) back together after NFKD took them apart.
    .normalize('NFC')
    .replace(CHARACTER_SCRIPTS, ' $& ');
  return folded.split(SEPARATORS).filter((token) => token.length > 0);
}

/** What the full-text index stores for a text: its tokens separated by spaces. */
export function searchText(text: string): string {
  return searchTokens(text).join(' ');
}

/** The phrases of what a person types: one per word, each the word's tokens (several for a CJK run or "e-mail"). */
export function searchPhrases(text: string): string[][] {
  return text
    .split(/\s+/)
    .map(searchTokens)
    .filter((tokens) => tokens.length > 0);
}

/**
 * Turns what a person types into a full-text query: every word must match, as a prefix; a word that folds
 * to several tokens must match them side by side. Null when nothing is searchable.
 */
export function searchMatchQuery(text: string): string | null {
  // Tokens hold only letters, digits and marks, so no quote can escape the phrase.
  const phrases = searchPhrases(text).map((tokens) => `"${tokens.join(' ')}"*`);
  return phrases.length ? phrases.join(' ') : null;
}

/**
 * The same test on one row's indexed text: each phrase, with a space before it, is a substring of the
 * text with a space before it (tokens are space-separated, the last one a prefix), exactly as the match query.
 */
export function searchNeedles(text: string): string[] {
  return searchPhrases(text).map((tokens) => ` ${tokens.join(' ')}`);
}
