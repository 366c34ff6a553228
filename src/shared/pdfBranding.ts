import { z } from 'zod';

// The team's look on client PDFs, kept in this device's settings: a name, a logo and an accent colour.

/** A PNG or JPEG as a data: URL, at most ~300 KB of image. */
export const MAX_LOGO_CHARS = 400_000;

export const pdfBrandingSchema = z.strictObject({
  teamName: z.string().trim().max(120, { error: 'Keep the team name under 120 characters' }).nullable(),
  logo: z
    .string()
    .max(MAX_LOGO_CHARS, { error: 'The logo is too large: use a PNG or JPEG under 300 KB' })
    .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/, { error: 'The logo must be a PNG or JPEG image' })
    .nullable(),
  accent: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: 'Pick a colour like #1f5f8b' })
    .nullable(),
  /** Print the internal status and completion ("In progress · 30% complete") on client PDFs. */
  includeStatus: z.boolean(),
});
export type PdfBranding = z.infer<typeof pdfBrandingSchema>;

export const EMPTY_BRANDING: PdfBranding = { teamName: null, logo: null, accent: null, includeStatus: false };
