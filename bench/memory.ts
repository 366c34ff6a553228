import { readdirSync, readFileSync } from 'node:fs';

// Memory of this process and every process it started (Chromium's browser, renderer, GPU and utility
// processes), read from /proc on Linux. RSS counts pages shared between processes once per process, so
// the sum is an upper bound; PSS shares them out and is the fairer total.

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

function kib(pid: number, file: 'status' | 'smaps_rollup', field: 'VmRSS' | 'Pss'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS and PSS in MB of `root` (default: this process) and all its descendants, now. */
export function treeMemory(root = process.pid): { rssMb: number; pssMb: number; processes: number } {
  const tree = children();
  const pids: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    pids.push(pid);
    stack.push(...(tree.get(pid) ?? []));
  }
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(pid, 'status', 'VmRSS');
    pss += kib(pid, 'smaps_rollup', 'Pss');
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024, processes: pids.length };
}

/** The peak of treeMemory() while `work` runs, sampled every `everyMs`. */
export async function peakMemory<T>(work: () => Promise<T>, everyMs = 25): Promise<{ value: T; rssMb: number; pssMb: number; processes: number }> {
  let peak = treeMemory();
  const sample = () => {
    const now = treeMemory();
    if (now.rssMb > peak.rssMb) peak = now;
  };
  const timer = setInterval(sample, everyMs);
  try {
    const value = await work();
    sample();
    return { value, ...peak };
  } finally {
    clearInterval(timer);
  }
}
