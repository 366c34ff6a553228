// File names that keep the client's name in its own script: only what a file system refuses (Windows is the
// strictest: <>:"/\|?* and control characters, reserved device names, trailing dots and spaces) is replaced.

// Format characters go too (a right-to-left override can disguise ".fdp.exe"), except the zero-width
// joiners that emoji sequences and Persian or Indic names need.
const UNSAFE = /[<>:"/\\|?*\p{Cc}]|(?![\u200c\u200d])\p{Cf}/gu;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Bytes, not characters: ext4 and APFS cap a name at 255 bytes of UTF-8. */
const MAX_NAME_BYTES = 200;

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  // Whole grapheme clusters, so a name is never cut inside a letter with its marks or an emoji sequence.
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > maxBytes) break;
    out += segment;
    bytes += size;
  }
  return out;
}

/** A name part safe on Windows, macOS and Linux; `fallback` when nothing printable is left. */
export function safeFileNamePart(name: string, fallback = 'consultation'): string {
  const cleaned = name
    .normalize('NFC')
    .replace(UNSAFE, '-')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .trim()
    .replace(/^[.\s-]+|[.\s-]+$/g, '');
  const short = truncateUtf8(cleaned, MAX_NAME_BYTES).replace(/[.\s-]+$/g, '');
  if (!short) return fallback;
  return RESERVED.test(short) ? `${short}-` : short;
}

/** "مخبز الأمل - Version 3 - 2026-11-28.pdf" */
export function summaryFileName(clientName: string, versionLabel: string, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  const label = versionLabel.startsWith('Version') ? safeFileNamePart(versionLabel) : 'Working copy';
  return `${safeFileNamePart(clientName)} - ${label} - ${day}.pdf`;
}
