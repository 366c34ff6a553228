import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppHost } from '../appHost';
import { chromiumPdfPrinter } from './chromiumPrinter';
import { fullSections } from '../../../test/arbitraries';
import { startTestHost } from '../../../test/testHost';

// Settings › Client PDFs through the contract, as the renderer calls it, and into the printed PDF.

let open: { host: AppHost; dir: string } | null = null;
afterEach(async () => {
  if (!open) return;
  await open.host.stop();
  rmSync(open.dir, { recursive: true, force: true });
  open = null;
});

function newHost() {
  const dir = mkdtempSync(join(tmpdir(), 'fieldbook-branding-'));
  const host = startTestHost(dir, { validateOutput: true, pdfPrinter: chromiumPdfPrinter() });
  host.services.users.saveProfile({ name: 'Ada Lovelace', email: 'ada@example.com' });
  open = { host, dir };
  return host;
}

describe('PDF branding settings', () => {
  it('starts unbranded, refuses a bad colour or logo with words, and keeps what was saved', async () => {
    const host = newHost();
    expect(await host.dispatch('settings.pdfBranding', undefined)).toEqual({
      ok: true,
      value: { teamName: null, logo: null, accent: null, includeStatus: false },
    });
    const badColour = await host.dispatch('settings.savePdfBranding', { teamName: 'North', logo: null, accent: 'red', includeStatus: false });
    expect(badColour).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'accent', message: 'Pick a colour like #1f5f8b' }] } });
    const badLogo = await host.dispatch('settings.savePdfBranding', {
      teamName: 'North',
      logo: 'data:image/svg+xml;base64,PHN2Zz4=',
      accent: null,
      includeStatus: false,
    });
    expect(badLogo).toMatchObject({ ok: false, error: { issues: [{ path: 'logo', message: 'The logo must be a PNG or JPEG image' }] } });
    expect(await host.dispatch('settings.pdfBranding', undefined)).toMatchObject({ value: { teamName: null } });
    const good = { teamName: 'Northwind Advisory', logo: null, accent: '#7a1f5c', includeStatus: true };
    expect(await host.dispatch('settings.savePdfBranding', good)).toEqual({ ok: true, value: good });
    expect(await host.dispatch('settings.pdfBranding', undefined)).toEqual({ ok: true, value: good });
  });

  it('prints the saved team name, and the status only when asked for', async () => {
    const host = newHost();
    const id = host.services.consultations.create({ sections: fullSections('Harbour Bakery') }).consultation.id;
    const textOf = async () => {
      const result = await host.dispatch('exports.summaryPdf', { consultationId: id });
      if (!result.ok) throw new Error(result.error.message);
      const file = join(open!.dir, 'out.pdf');
      writeFileSync(file, Buffer.from((result.value as { base64: string }).base64, 'base64'));
      return execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    };
    const plain = await textOf();
    expect(plain).not.toContain('Northwind');
    expect(plain).not.toMatch(/In progress|% complete/);
    await host.dispatch('settings.savePdfBranding', { teamName: 'Northwind Advisory', logo: null, accent: null, includeStatus: true });
    const branded = await textOf();
    expect(branded).toContain('Prepared by Ada Lovelace · Northwind Advisory');
    expect(branded).toContain('In progress · 100% complete');
  }, 60_000);

  it('says the PDF could not be made, in words, when the printer fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldbook-branding-'));
    const host = startTestHost(dir, { pdfPrinter: chromiumPdfPrinter('/nonexistent/chromium') });
    open = { host, dir };
    host.services.users.saveProfile({ name: 'Ada', email: 'ada@example.com' });
    const id = host.services.consultations.create({ sections: fullSections() }).consultation.id;
    const result = await host.dispatch('exports.summaryPdf', { consultationId: id });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'The PDF could not be made just now. Your consultation is unchanged; please try again.' },
    });
    expect(host.services.consultations.get({ consultationId: id }).consultation.sections.contact_info.business_name).toBe('Acme Bakery');
  });
});
