import { describe, expect, it } from 'vitest';
import { usePrintingHost } from '../printingHost';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { fullSections } from '../arbitraries';
import type { OperationName, OperationOutput } from '@shared/contract';
import { signaturePng } from '../signatureImage';

// A signature drawing that is small as text and huge as pixels, printed by a real Chromium.

const printing = usePrintingHost();

async function call<K extends OperationName>(op: K, input: unknown): Promise<{ ok: true; value: OperationOutput<K> } | { ok: false; message: string }> {
  const result = await printing.host.dispatch(op, input);
  return result.ok ? { ok: true, value: result.value as OperationOutput<K> } : { ok: false, message: result.error.message };
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** A 1-bit greyscale PNG of width x height white pixels: a few tens of KB, billions of bytes once decoded. */
function pixelBomb(width: number, height: number): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0;
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y += 1) row.copy(raw, y * row.length);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

describe('attack: signature drawing as a pixel bomb', () => {
  it('a signature of 20,000 x 20,000 pixels (under the text cap) is refused, or its PDF still prints promptly', async () => {
    // Defect: the drawing is checked by text length and PNG magic only, never by pixel size. 100 KB of text
    // decodes to 400 million pixels: every PDF of that consultation (a teammate's row carries it too) takes
    // about 9 times as long as with an ordinary drawing, with Chromium decoding the whole bitmap.
    // Baseline: the same PDF with an ordinary drawing.
    const plain = await call('consultations.create', { sections: fullSections('Plain Drawing Ltd') });
    if (!plain.ok) throw new Error(plain.message);
    await call('consultations.signOff', { consultationId: plain.value.consultation.id, signerName: 'Lee Chen', signatureImage: signaturePng() });
    const t0 = Date.now();
    await call('exports.summaryPdf', { consultationId: plain.value.consultation.id });
    const baselineMs = Date.now() - t0;
    const image = pixelBomb(20_000, 20_000);
    expect(image.length).toBeLessThan(200_000);
    const created = await call('consultations.create', { sections: fullSections('Pixel Bomb Ltd') });
    if (!created.ok) throw new Error(created.message);
    const id = created.value.consultation.id;
    const signed = await call('consultations.signOff', { consultationId: id, signerName: 'Lee Chen', signatureImage: image });
    if (!signed.ok) return; // refused at the boundary: the app held
    const started = Date.now();
    const pdf = await call('exports.summaryPdf', { consultationId: id });
    const ms = Date.now() - started;
    expect(pdf.ok).toBe(true);
    if (pdf.ok) {
      const path = join(printing.dir, 'bomb.pdf');
      writeFileSync(path, Buffer.from(pdf.value.base64, 'base64'));
      expect(execFileSync('pdftotext', [path, '-']).toString('utf8')).toContain('Lee Chen');
    }
    // Measured here: baseline 0.9 s, this drawing 7.5-8.7 s for a 1.2 MB PDF.
    expect(ms).toBeLessThan(Math.max(3 * baselineMs, 3_000));
  }, 180_000);
});
