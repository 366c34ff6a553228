import { AppFailure } from '@shared/errors';
import { EMPTY_BRANDING, type PdfBranding } from '@shared/pdfBranding';
import type { Sections } from '@shared/consultation/sections';
import type { Status } from '@shared/consultation/status';
import type { PdfPrinter } from './pdfPrinter';
import { summaryHtml, type SummaryPdfInput } from './summaryHtml';
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
  ) {}

  private html(request: SummaryRequest): { clientName: string; html: string } {
    const clientName = clientNameOf(request.sections);
    const { includeStatus, ...branding } = this.branding();
    const input: SummaryPdfInput = { ...branding, ...request, clientName, includeStatus: includeStatus ? { status: request.status } : null };
    return { clientName, html: summaryHtml(input, this.fontsFolder) };
  }

  /** The same document as the PDF, to the system's print dialog; false when the consultant cancels. */
  async printDialog(request: SummaryRequest): Promise<boolean> {
    if (!this.printer.showPrintDialog) {
      throw new AppFailure('unavailable', 'Printing goes through the desktop app. Here, export the PDF and print it from your PDF viewer.');
    }
    return this.printer.showPrintDialog(this.html(request).html);
  }

  async render(request: SummaryRequest): Promise<{ fileName: string; bytes: Buffer }> {
    const { clientName, html } = this.html(request);
    let bytes: Buffer;
    try {
      bytes = await this.printer.print(html);
    } catch (error) {
      console.error('PDF printing failed', error);
      throw new AppFailure('unavailable', 'The PDF could not be made just now. Your consultation is unchanged; please try again.');
    }
    return { fileName: summaryFileName(clientName, request.versionLabel, request.date), bytes };
  }

  close(): Promise<void> {
    return this.printer.close();
  }
}
