import { readdirSync, readFileSync } from 'node:fs';

// Memory of this process and every process it started (Chromium's browser, renderer, GPU and utility
// processes), read from /proc on Linux. RSS counts pages shared between processes once per process, so
// the sum is an upper bound; PSS shares them out and is the fairer total.

export interface ProcessMemory {
  pid: number;
  /** 'node' (this process), 'browser', 'renderer', 'gpu-process', 'zygote', 'utility:<service>'... */
  kind: string;
  rssMb: number;
  pssMb: number;
  /** The most RSS the process ever had (VmHWM): exact, where sampled PSS can miss a short peak. */
  hwmMb: number;
}

function children(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(ppid, [...(map.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  return map;
}

/** Chromium's role for a process, from its command line (Chromium rewrites it with spaces between the flags). */
function kindOf(pid: number): string {
  if (pid === process.pid) return 'node';
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    const service = args.find((a) => a.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
    if (!type) return /chrom/.test(args[0] ?? '') ? 'browser' : 'other';
    // A renderer for Chrome's own toolbar UI (new headless Chrome opens a browser window per page; Electron has none).
    if (args.includes('--top-chrome-webui')) return `${type}:chrome-ui`;
    return service ? `${type}:${service.replace(/\.mojom\..*/, '')}` : type;
  } catch {
    return 'other';
  }
}

function rollup(pid: number): { rssMb: number; pssMb: number; hwmMb: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (source: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(source)?.[1] ?? 0);
    return { rssMb: kb(text, 'Rss') / 1024, pssMb: kb(text, 'Pss') / 1024, hwmMb: kb(status, 'VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Every process of the tree under `root` (default: this process), with its memory now. */
export function processTree(root = process.pid): ProcessMemory[] {
  const tree = children();
  const out: ProcessMemory[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...(tree.get(pid) ?? []));
    const memory = rollup(pid);
    if (memory) out.push({ pid, kind: kindOf(pid), ...memory });
  }
  return out;
}

/** The processes under `root` (default: this process), with their command lines (tests look for Chromium's by role). */
export function descendants(root = process.pid): { pid: number; cmdline: string }[] {
  const tree = children();
  const out: { pid: number; cmdline: string }[] = [];
  const stack = [...(tree.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...(tree.get(pid) ?? []));
    try {
      out.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** RSS and PSS in MB of `root` (default: this process) and all its descendants, now. */
export function treeMemory(root = process.pid): { rssMb: number; pssMb: number; processes: number } {
  const all = processTree(root);
  return { rssMb: sum(all, 'rssMb'), pssMb: sum(all, 'pssMb'), processes: all.length };
}

const sum = (all: ProcessMemory[], field: 'rssMb' | 'pssMb') => all.reduce((total, p) => total + p[field], 0);

export interface PeakMemory<T> {
  value: T;
  /** The tree just before `work`. */
  idle: ProcessMemory[];
  /** The tree at the sample with the largest total PSS. */
  peakTree: ProcessMemory[];
  /** Each process's own highest PSS over all samples (processes that started during `work` included). */
  peakOfEach: ProcessMemory[];
  /** Each process's RSS high-water mark (VmHWM) at its last sample: the same figure run after run, unlike sampled PSS. */
  highWater: ProcessMemory[];
  /** Every sample, in order (the idle tree first). */
  samples: ProcessMemory[][];
}

/**
 * Samples the tree every `everyMs` while `work` runs. Reading smaps_rollup walks each process's page
 * tables, so sampling costs CPU: time a run without it, and measure memory in a run of its own.
 */
export async function peakMemory<T>(work: () => Promise<T>, everyMs = 40): Promise<PeakMemory<T>> {
  const idle = processTree();
  let peakTree = idle;
  const peakOfEach = new Map(idle.map((p) => [p.pid, p]));
  const highWater = new Map(idle.map((p) => [p.pid, p]));
  const samples = [idle];
  const sample = () => {
    const now = processTree();
    samples.push(now);
    if (sum(now, 'pssMb') > sum(peakTree, 'pssMb')) peakTree = now;
    for (const p of now) if (p.pssMb > (peakOfEach.get(p.pid)?.pssMb ?? -1)) peakOfEach.set(p.pid, p);
    for (const p of now) highWater.set(p.pid, p);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const value = await work();
    sample();
    return { value, idle, peakTree, peakOfEach: [...peakOfEach.values()], highWater: [...highWater.values()], samples };
  } finally {
    clearInterval(timer);
  }
}

/**
 * What `work` costs above the idle tree, in MB PSS: each process's own peak above its idle figure, or its
 * whole peak where `whole` says so (a page's renderer kept from an earlier document is part of the cost,
 * not of the idle). Peaks of different processes are summed even when they happened at different times,
 * so this is an upper bound of what the work held at any one moment.
 */
export function addedMb(
  measured: Pick<PeakMemory<unknown>, 'idle' | 'peakOfEach'>,
  counts: (p: ProcessMemory) => boolean,
  whole: (p: ProcessMemory) => boolean,
): number {
  return costs(measured, whole)
    .filter(({ p }) => counts(p))
    .reduce((total, { mb }) => total + mb, 0);
}

/**
 * What `work` held above the idle tree at its worst moment, in MB PSS: at each sample, each process's figure
 * above its idle one (or whole, where `whole` says so), summed over the processes alive then; the largest
 * such sum. Unlike addedMb, processes that ran one after the other (a page per part) are not added up.
 */
export function addedAtOnceMb(
  measured: Pick<PeakMemory<unknown>, 'idle' | 'samples'>,
  counts: (p: ProcessMemory) => boolean,
  whole: (p: ProcessMemory) => boolean,
): number {
  const cost = costOf(measured, whole);
  return Math.max(0, ...measured.samples.map((tree) => tree.filter(counts).reduce((total, p) => total + cost(p), 0)));
}

/** A process's figure above its idle one, or whole where `whole` says so. */
function costOf(measured: Pick<PeakMemory<unknown>, 'idle'>, whole: (p: ProcessMemory) => boolean) {
  const before = new Map(measured.idle.map((p) => [p.pid, p.pssMb]));
  return (p: ProcessMemory) => (whole(p) ? p.pssMb : Math.max(0, p.pssMb - (before.get(p.pid) ?? 0)));
}

function costs(measured: Pick<PeakMemory<unknown>, 'idle' | 'peakOfEach'>, whole: (p: ProcessMemory) => boolean) {
  const cost = costOf(measured, whole);
  return measured.peakOfEach.map((p) => ({ p, mb: cost(p) }));
}

/** Each process's share of addedMb, biggest first: "renderer 255, utility:printing +92". */
export function describeAdded(measured: Pick<PeakMemory<unknown>, 'idle' | 'peakOfEach'>, whole: (p: ProcessMemory) => boolean): string {
  return costs(measured, whole)
    .filter(({ mb }) => mb >= 0.5)
    .sort((a, b) => b.mb - a.mb)
    .map(({ p, mb }) => `${p.kind} ${whole(p) ? '' : '+'}${mb.toFixed(0)}`)
    .join(', ');
}

export const totalPssMb = (all: ProcessMemory[]) => sum(all, 'pssMb');
export const totalRssMb = (all: ProcessMemory[]) => sum(all, 'rssMb');

/** "renderer 268, browser 140, ..." for a note: the biggest processes first. */
export function describeTree(all: ProcessMemory[]): string {
  return [...all]
    .sort((a, b) => b.pssMb - a.pssMb)
    .map((p) => `${p.kind} ${p.pssMb.toFixed(0)}`)
    .join(', ');
}
