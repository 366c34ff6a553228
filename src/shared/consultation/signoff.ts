import { z } from 'zod';
import { canonical, canonicalSections } from './normalize';
import type { WorkingSections } from './sections';
import { cleanText } from './textHygiene';

// Client sign-off: what a signature covers and what a signature may be. Pure, so the main process (which
// hashes with node:crypto) and every check of a row from outside read one definition.

/** A drawn signature is a PNG data URL of at most this many characters (about 150 KB of image). */
export const SIGNATURE_MAX_CHARS = 200_000;
const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';
// base64 of the eight PNG signature bytes: the image really is a PNG, not only labelled as one.
const PNG_MAGIC_BASE64 = 'iVBORw0KGgo';

/** Largest drawing kept, in pixels: the pad draws 480 × 160; a huge image would only slow every PDF. */
export const SIGNATURE_MAX_PIXELS = { width: 2000, height: 1000 };
// Format-control and separator characters render as nothing: a name made only of them is no name.
const INVISIBLE = /[\p{Cf}\p{Z}\s]/gu;

export const signerNameSchema = z
  .string()
  .transform((value) => cleanText(value, false).trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'Enter the name of the person signing' })
      .max(120, { error: 'Keep the name under 120 characters' })
      .refine((value) => value.replace(INVISIBLE, '').length > 0, { error: 'Enter the name of the person signing' }),
  );

/** Width and height from a PNG's header chunk, or null when the bytes are not a whole PNG (header to IEND). */
export function pngSize(base64: string): { width: number; height: number } | null {
  let bytes: string;
  try {
    bytes = atob(base64);
  } catch {
    return null;
  }
  const u32 = (at: number) =>
    ((bytes.charCodeAt(at) << 24) | (bytes.charCodeAt(at + 1) << 16) | (bytes.charCodeAt(at + 2) << 8) | bytes.charCodeAt(at + 3)) >>> 0;
  if (bytes.length < 57 || !bytes.startsWith('\x89PNG\r\n\x1a\n') || bytes.slice(12, 16) !== 'IHDR') return null;
  if (bytes.slice(-8, -4) !== 'IEND' || !bytes.includes('IDAT')) return null;
  return { width: u32(16), height: u32(20) };
}

export const signatureImageSchema = z
  .string()
  .max(SIGNATURE_MAX_CHARS, { error: 'This signature drawing is too large to keep. Clear it and sign again, more simply.' })
  .refine((value) => value.startsWith(PNG_DATA_URL_PREFIX + PNG_MAGIC_BASE64) && /^[A-Za-z0-9+/]+={0,2}$/.test(value.slice(PNG_DATA_URL_PREFIX.length)), {
    error: 'The signature is not a PNG image.',
  })
  .refine(
    (value) => {
      const size = pngSize(value.slice(PNG_DATA_URL_PREFIX.length));
      return size !== null && size.width >= 1 && size.height >= 1 && size.width <= SIGNATURE_MAX_PIXELS.width && size.height <= SIGNATURE_MAX_PIXELS.height;
    },
    { error: 'The signature is not a whole PNG drawing of a usual size. Clear it and sign again.' },
  );

export const contentHashSchema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'Not a SHA-256 hash' });

/** What a signed version holds besides its content. */
export interface SignOffFields {
  signerName: string;
  signedAt: string;
  signatureImage: string | null;
}

/**
 * The exact text a sign-off hash is taken of: the consultation, its content in canonical form (sorted keys,
 * no blanks), who signed, when, and the drawing. The version number is left out on purpose: sync may
 * renumber a version saved on two laptops at once, and the client agreed to the content, not to a number.
 */
export function canonicalSignedContent(consultationId: string, sections: WorkingSections, signOff: SignOffFields): string {
  return JSON.stringify(
    canonical({
      format: 'fieldbook-signoff-1',
      consultation_id: consultationId,
      sections: canonicalSections(sections),
      signer_name: signOff.signerName,
      signed_at: signOff.signedAt,
      signature_image: signOff.signatureImage ?? '',
    }),
  );
}

/** The hash as printed on paper: enough to compare by eye, short enough to read aloud. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

export const signOffInputSchema = z.strictObject({
  consultationId: z.uuid({ error: 'Not a valid id' }),
  /** The version the client was shown; another one now is a conflict. */
  expectedVersion: z.number().int().min(0).max(1_000_000).optional(),
  /** The working copy's updatedAt the client read: any edit since then is a conflict, never signed unseen. */
  expectedUpdatedAt: z.string().max(40).optional(),
  signerName: signerNameSchema,
  /** Null when the client typed their name instead of drawing (the keyboard path). */
  signatureImage: signatureImageSchema.nullable().default(null),
});

export const signOffSummarySchema = z.object({
  signerName: z.string(),
  signedAt: z.string(),
  contentHash: z.string(),
  hasDrawing: z.boolean(),
});
export type SignOffSummary = z.infer<typeof signOffSummarySchema>;

/** A consultation's sign-off state: the newest signed version, and whether the working copy moved on since. */
export const signOffStateSchema = z.object({
  signedVersion: z.number().int().nullable(),
  changedSinceSigned: z.boolean(),
});
export type SignOffState = z.infer<typeof signOffStateSchema>;
