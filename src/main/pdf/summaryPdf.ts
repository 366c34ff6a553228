import { AppFailure } from '@shared/errors';
import { EMPTY_BRANDING, type PdfBranding } from '@shared/pdfBranding';
import type { Sections } from '@shared/consultation/sections';
import type { Status } from '@shared/consultation/status';
import type { PdfPrinter } from './pdfPrinter';
import { summaryDocuments, summaryHtml, type SummaryPdfInput } from './summaryHtml';
import { joinNumbered } from './pageNumbers';
import { withDocumentFonts } from './fontSubset';
import { PART_CHARS } from './documentParts';
import { summaryFileName } from './fileName';

/** What a caller knows about the consultation; the team's branding from Settings is added here. */
export interface SummaryRequest {
  sections: Sections;
  consultantName: string;
  versionLabel: string;
  date: Date;
  /** Printed only when Settings ask for it (internal, not for the client by default). */
  status: Status;
  signOff?: SummaryPdfInput['signOff'];
  changedSinceSigned?: number | null;
  sinceLastVisit?: SummaryPdfInput['sinceLastVisit'];
}

/** The title a client reads: the business, else the person, else a neutral word. */
export const clientNameOf = (sections: Sections) =>
  sections.contact_info.business_name?.trim() || sections.contact_info.contact_person?.trim() || 'Consultation summary';

/** Makes the client's PDF: the HTML template printed by a Chromium (see pdfPrinter.ts). */
export class SummaryPdf {
  constructor(
    private readonly printer: PdfPrinter,
    private readonly fontsFolder: string,
    private readonly branding: () => PdfBranding = () => EMPTY_BRANDING,
    /** Body characters per printed part (documentParts.ts); tests set it small to print short summaries in parts. */
    private readonly partChars = PART_CHARS,
  ) {}

  private input(request: SummaryRequest): SummaryPdfInput {
    const { includeStatus, ...branding } = this.branding();
    return { ...branding, ...request, clientName: clientNameOf(request.sections), includeStatus: includeStatus ? { status: request.status } : null };
  }

  /** The same document as the PDF, to the system's print dialog; false when the consultant cancels. */
  async printDialog(request: SummaryRequest): Promise<boolean> {
    if (!this.printer.showPrintDialog) {
      throw new AppFailure('unavailable', 'Printing goes through the desktop app. Here, export the PDF and print it from your PDF viewer.');
    }
    const showPrintDialog = this.printer.showPrintDialog.bind(this.printer);
    return withDocumentFonts([summaryHtml(this.input(request), this.fontsFolder)], ([html]) => showPrintDialog(html!));
  }

  async render(request: SummaryRequest): Promise<{ fileName: string; bytes: Buffer }> {
    const input = this.input(request);
    const documents = summaryDocuments(input, this.fontsFolder, this.partChars);
    let bytes: Buffer;
    try {
      // A long summary's parts one after the other: the printer holds one part's layout at a time.
      const parts = await withDocumentFonts(documents, async (withFonts) => {
        const printed: Buffer[] = [];
        for (const html of withFonts) printed.push(await this.printer.print(html));
        return printed;
      });
      bytes = parts.length === 1 ? parts[0]! : await joinNumbered(parts, this.fontsFolder);
    } catch (error) {
      console.error('PDF printing failed', error);
      throw new AppFailure('unavailable', 'The PDF could not be made just now. Your consultation is unchanged; please try again.');
    }
    return { fileName: summaryFileName(input.clientName, request.versionLabel, request.date), bytes };
  }

  close(): Promise<void> {
    return this.printer.close();
  }
}
