import type { SettingsStore } from '../settings/settingsStore';
import { EMPTY_BRANDING, pdfBrandingSchema, type PdfBranding } from '@shared/pdfBranding';

const KEY = 'pdf.branding';

/** The team name, logo and accent colour printed on client PDFs (device settings, never synced). */
export class BrandingStore {
  constructor(private readonly settings: SettingsStore) {}

  get(): PdfBranding {
    // A stored value that no longer parses (older or hand-edited) prints unbranded rather than failing.
    const parsed = pdfBrandingSchema.safeParse(this.settings.get(KEY));
    return parsed.success ? parsed.data : EMPTY_BRANDING;
  }

  save(input: PdfBranding): PdfBranding {
    const value = pdfBrandingSchema.parse(input);
    this.settings.set(KEY, value);
    return value;
  }
}
