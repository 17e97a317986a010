/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its busy time: self time
 * per function and per module (an npm package, a file of ours, Node's
 * internals), as shares of the time not idle.
 *
 *   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top] [from µs] [to µs]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  /** µs on the monotonic clock (process.hrtime's, on Linux). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  /** Of the busy (not idle) time. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: Share[];
  modules: Share[];
  /** Our own functions (src/, dist/) with the time of everything they called: where library and Node time comes from. */
  ownInclusive: Share[];
}

/** Our own code: under src/, or a build directory (dist/, or another build's, e.g. base-dist/). */
const OWN = /\/(?:src|[\w-]*dist)\/(.*)$/;

/** An npm package (the last node_modules segment), a path of our own code, Node's internals, or V8's own entries. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  if (url.startsWith('node:')) return 'node: internals';
  const packaged = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged) return packaged[1]!;
  const own = OWN.exec(url);
  return own ? own[1]!.replace(/\.js$/, '') : url;
}

/** Only the samples within [from, to] (µs on the monotonic clock) count, when given: the load, not the start-up. */
export function summarise(profile: CpuProfile, window: { from?: number; to?: number } = {}): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const nameOf = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${moduleOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const isOwn = (node: ProfileNode) => OWN.test(node.callFrame.url) && !node.callFrame.url.includes('node_modules');
  const functions = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    const node = byId.get(profile.samples[index]!)!;
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if ((window.from !== undefined && at < window.from) || (window.to !== undefined && at > window.to)) continue;
    const ms = delta / 1000;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    const module = moduleOf(url, functionName);
    const name = nameOf(node);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    // Each of our functions on the stack once, however deep it recursed.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)!;
      if (!isOwn(frame)) continue;
      const own = nameOf(frame);
      if (seen.has(own)) continue;
      seen.add(own);
      ownInclusive.set(own, (ownInclusive.get(own) ?? 0) + ms);
    }
    modules.set(module, (modules.get(module) ?? 0) + ms);
  }
  const ranked = (totals: Map<string, number>): Share[] =>
    [...totals.entries()]
      .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((1000 * ms) / busy) / 10 }))
      .sort((a, b) => b.ms - a.ms);
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    functions: ranked(functions),
    modules: ranked(modules),
    ownInclusive: ranked(ownInclusive),
  };
}

export function formatSummary(summary: ProfileSummary, top = 25): string {
  const list = (shares: Share[]) => shares.slice(0, top).map((share) => `  ${share.percent.toFixed(1).padStart(5)}%  ${share.name}`);
  return [
    `busy ${summary.busyMs} ms, idle ${summary.idleMs} ms`,
    'self time by module:',
    ...list(summary.modules),
    'self time by function:',
    ...list(summary.functions),
    'our functions, with what they called:',
    ...list(summary.ownInclusive),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top, from, to] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top] [from µs] [to µs]');
  const window = { from: from ? Number(from) : undefined, to: to ? Number(to) : undefined };
  console.log(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, window), Number(top ?? 25)));
}
