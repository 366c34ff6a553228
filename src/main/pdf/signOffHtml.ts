import { shortHash } from '@shared/consultation/signoff';
import type { VisitChangeLine } from '@shared/consultation/visits';

// The summary's sign-off block and "since last visit" list, kept apart from the main template.

export interface PdfSignOff {
  signerName: string;
  signedAt: string;
  contentHash: string;
  signatureImage: string | null;
  versionNumber: number;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

export const SIGN_OFF_CSS = `
.signoff { margin-top: 18pt; padding: 8pt 10pt; border: 0.75pt solid #d8d6cf; border-radius: 3pt; break-inside: avoid; }
.signoff h2 { border: 0; margin-bottom: 4pt; }
.signoff img { display: block; max-height: 48pt; max-width: 220pt; margin: 2pt 0 4pt; }
.signoff .hash { font-size: 8.5pt; color: #4a4945; }
.signoff .later { margin-top: 4pt; font-size: 8.5pt; font-style: italic; color: #6b6a65; }
.changed-note { margin-top: 14pt; font-size: 9pt; font-style: italic; color: #6b6a65; }
.since li { margin-bottom: 2pt; }
.since .old { text-decoration: line-through; color: #6b6a65; }
`;

/** The signed version's block: signature, signer, time (UTC), short hash, and that later changes make a new version. */
export function signOffHtml(signOff: PdfSignOff | null | undefined, changedSinceSigned: number | null | undefined): string {
  if (!signOff) {
    return changedSinceSigned ? `<p class="changed-note">Changed since the client signed version ${changedSinceSigned}.</p>` : '';
  }
  // UTC, written out, so the paper reads the same wherever it is printed.
  const utc = `${new Date(signOff.signedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const image = signOff.signatureImage && PNG_DATA_URL.test(signOff.signatureImage) ? `<img src="${signOff.signatureImage}" alt="Signature">` : '';
  return `<section class="signoff"><h2>Client sign-off</h2>${image}
<p>Signed by <bdi>${escapeHtml(signOff.signerName)}</bdi> on ${escapeHtml(utc)} (version ${signOff.versionNumber})</p>
<p class="hash">Content hash (SHA-256): ${escapeHtml(shortHash(signOff.contentHash))}</p>
<p class="later">Any later change makes a new version; this signed version stays as it is.</p></section>`;
}

/** A follow-up visit's changed fields, old -> new: one list item each (a long summary may continue them in its next part). */
export function sinceLastVisitItems(lines: readonly VisitChangeLine[] | null | undefined): string[] {
  return (lines ?? []).map(
    (l) =>
      `<li><b>${escapeHtml(l.label)}:</b> <span class="old" dir="auto">${escapeHtml(l.before)}</span> → <span dir="auto">${escapeHtml(l.after)}</span></li>`,
  );
}
