import { describe, expect, it } from 'vitest';
import { usePrintingHost } from '../../../test/printingHost';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fullSections } from '../../../test/arbitraries';
import { signaturePng } from '../../../test/signatureImage';
import type { OperationName, OperationOutput } from '@shared/contract';

// The signed version's paper, printed by a real Chromium and read back with pdftotext.

const ARTIFACTS = resolve(import.meta.dirname, '..', '..', '..', 'artifacts', 'pdf');
const printing = usePrintingHost();

async function call<K extends OperationName>(op: K, input: unknown): Promise<OperationOutput<K>> {
  const result = await printing.host.dispatch(op, input);
  if (!result.ok) throw new Error(`${op}: ${result.error.message}`);
  return result.value as OperationOutput<K>;
}

async function pdfText(name: string, input: { consultationId: string; versionNumber?: number }): Promise<string> {
  const file = await call('exports.summaryPdf', input);
  const path = join(printing.dir, `${name}.pdf`);
  writeFileSync(path, Buffer.from(file.base64, 'base64'));
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `${name}.pdf`), Buffer.from(file.base64, 'base64'));
  return execFileSync('pdftotext', [path, '-']).toString('utf8').replace(/\s+/g, ' ');
}

describe('the PDF of a signed version', () => {
  it('prints the signer, the time (UTC), the short hash and the later-change line; a changed working copy says so instead', async () => {
    const c = (await call('consultations.create', { sections: fullSections('Paper Trail Ltd') })).consultation;
    const { version } = await call('consultations.signOff', { consultationId: c.id, signerName: 'Maria Okafor', signatureImage: signaturePng() });
    const hash = version.signOff!.contentHash;
    const time = `${version.signOff!.signedAt.slice(0, 16).replace('T', ' ')} UTC`;
    const signed = await pdfText('signed-version', { consultationId: c.id, versionNumber: version.versionNumber });
    expect(signed).toContain('Client sign-off');
    expect(signed).toContain('Signed by Maria Okafor');
    expect(signed).toContain(time);
    expect(signed).toContain(hash.slice(0, 12));
    expect(signed).toContain('Any later change makes a new version');
    const pdfImages = execFileSync('pdfimages', ['-list', join(printing.dir, 'signed-version.pdf')]).toString();
    expect(pdfImages.trim().split('\n').length).toBeGreaterThan(2); // header lines + the signature image

    // The unchanged working copy carries the same signature; once edited it only notes the signed version.
    expect(await pdfText('working-signed', { consultationId: c.id })).toContain('Signed by Maria Okafor');
    await call('consultations.autosave', { consultationId: c.id, edits: [{ path: 'contact_info.phone', value: '+1 555 0111' }] });
    const changed = await pdfText('working-changed', { consultationId: c.id });
    expect(changed).not.toContain('Signed by');
    expect(changed).toContain(`Changed since the client signed version ${version.versionNumber}.`);
    // An unsigned version has neither.
    const v1 = await pdfText('unsigned-version', { consultationId: c.id, versionNumber: 1 });
    expect(v1).not.toContain('Client sign-off');
  }, 120_000);

  it('prints "Since last visit" for a follow-up, old -> new', async () => {
    const c = (await call('consultations.create', { sections: fullSections('Return Visit Co') })).consultation;
    const visit = await call('consultations.createFollowUp', { consultationId: c.id });
    await call('consultations.autosave', { consultationId: visit.consultation.id, edits: [{ path: 'contact_info.contact_person', value: 'Jun Park' }] });
    const text = await pdfText('follow-up', { consultationId: visit.consultation.id });
    expect(text).toContain('Since last visit');
    expect(text).toContain(`Contact person: ${c.sections.contact_info.contact_person ?? '—'} → Jun Park`);
  }, 120_000);
});
