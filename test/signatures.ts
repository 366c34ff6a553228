import { PNG } from 'pngjs';

/** A signature drawing of noise: a PNG that does not compress, near the 200,000-character cap. */
export function noisySignature(seed: number): string {
  const png = new PNG({ width: 190, height: 190 });
  let x = seed * 2654435761;
  for (let i = 0; i < png.data.length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    png.data[i] = i % 4 === 3 ? 255 : x >>> 24;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
