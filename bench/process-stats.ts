import { readFile } from 'node:fs/promises';

// Its own module, importing nothing of the gateway's: scenario 6 (cache-memory.ts)
// measures its process's peak RSS, which every module loaded beside the cache adds to.

/** Peak resident memory of a process so far (Linux VmHWM), in bytes. */
export async function peakRssOf(pid: number | 'self'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** User and system CPU time of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
export async function cpuMsOf(pid: number): Promise<{ user: number; system: number }> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}
