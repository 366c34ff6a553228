import { PNG } from 'pngjs';

/** A real PNG of a diagonal stroke, as the signature pad's canvas would hand it over (a data URL). */
export function signaturePng(width = 120, height = 40): string {
  const png = new PNG({ width, height });
  for (let x = 0; x < width; x += 1) {
    const y = Math.floor((x / width) * height);
    const at = (y * width + x) * 4;
    png.data[at] = 0;
    png.data[at + 1] = 0;
    png.data[at + 2] = 0;
    png.data[at + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
