import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppHost, type AppHost } from '../appHost';
import { atBoundary } from '../../../test/tempDatabase';
import { fullSections } from '../../../test/arbitraries';
import type { PdfPrinter } from './pdfPrinter';

// "Print…" sends the very document the PDF export makes to the system's print dialog (the desktop app's
// printer has one); where there is none (the browser preview) it says what to do instead.

let host: AppHost | null = null;
let dir = '';
afterEach(() => {
  host?.close();
  host = null;
  rmSync(dir, { recursive: true, force: true });
});

function start(printer: PdfPrinter) {
  dir = mkdtempSync(join(tmpdir(), 'fieldbook-print-'));
  host = startAppHost({ dataFolder: dir, shell: 'electron', version: 't', autoBackup: false, backgroundSync: false, pdfPrinter: printer });
  host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
  const c = atBoundary(host.services.consultations, 'consultations');
  const id = c.create({ sections: fullSections('Druckerei Süd') }).consultation.id;
  c.autosave({ consultationId: id, edits: [{ path: 'pain_points.impact_assessment', value: 'Typed after the last version.' }] });
  return id;
}

describe('print dialog', () => {
  it('prints the same HTML the PDF is made from, the working copy included, and reports a cancel', async () => {
    const printed: string[] = [];
    const dialogs: string[] = [];
    let answer = true;
    const id = start({
      print: async (html) => (printed.push(html), Buffer.from('%PDF-1.7')),
      showPrintDialog: async (html) => (dialogs.push(html), answer),
      close: async () => {},
    });
    expect(await host!.dispatch('exports.printSummary', { consultationId: id })).toEqual({ ok: true, value: { printed: true } });
    await host!.dispatch('exports.summaryPdf', { consultationId: id });
    expect(dialogs[0]).toContain('Typed after the last version.');
    expect(dialogs[0]).toBe(printed[0]);
    answer = false;
    expect(await host!.dispatch('exports.printSummary', { consultationId: id, versionNumber: 1 })).toEqual({ ok: true, value: { printed: false } });
    expect(dialogs[1]).not.toContain('Typed after the last version.');
  });

  it('says what to do where there is no print dialog', async () => {
    const id = start({ print: async () => Buffer.from('%PDF-1.7'), close: async () => {} });
    expect(await host!.dispatch('exports.printSummary', { consultationId: id })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'Printing goes through the desktop app. Here, export the PDF and print it from your PDF viewer.' },
    });
  });
});
