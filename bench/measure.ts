// Timing helpers: medians of repeated runs, in milliseconds.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns the median in ms. */
export function time(fn: (i: number) => void, runs = 200, warmup = 20): number {
  for (let i = 0; i < warmup; i += 1) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = process.hrtime.bigint();
    fn(warmup + i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(samples);
}

export async function timeAsync(fn: (i: number) => Promise<void>, runs = 50, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i += 1) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = process.hrtime.bigint();
    await fn(warmup + i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(samples);
}

export interface Row {
  name: string;
  ms: number;
  baselineMs?: number;
  baseline?: string;
  aim?: string;
  /** Aim as speed: at least this share of the baseline's speed (baselineMs / ms). */
  speedAim?: number;
  note?: string;
  /** Aims that are not a time (memory, a count), each measured in this run: listed with the misses when missed. */
  otherAims?: { aim: string; measured: string; met: boolean }[];
}

/** Whether a row met its speed aim, or null when it has none. */
export function speedAimMet(row: Row): boolean | null {
  if (row.speedAim === undefined || !row.baselineMs) return null;
  return row.baselineMs / row.ms >= row.speedAim;
}

export const fmt = (ms: number) => (ms < 0.1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
