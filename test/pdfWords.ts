import { execFileSync } from 'node:child_process';

// A printed PDF's words and where they sit, read back with poppler's pdftotext -bbox (tests of the client PDF).

export interface Word {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** Each page's words, split into the body and the footer (what sits in the 20 mm, 57 pt bottom margin). */
export function pdfPages(file: string): { body: Word[]; footer: Word[] }[] {
  const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  return bbox
    .split('<page ')
    .slice(1)
    .map((page) => {
      const height = Number(/height="([\d.]+)"/.exec(page)![1]);
      const words: Word[] = [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: m[5]!,
      }));
      return { body: words.filter((w) => w.yMax < height - 45), footer: words.filter((w) => w.yMin > height - 45) };
    });
}
