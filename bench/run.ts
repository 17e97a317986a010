/**
 * `npm run bench`: what the gateway costs the upstreams and what it serves.
 * A sandbox with 20 ms latency (in this process), the gateway in a child
 * process per scenario and mode (a cold cache each time, its memory measured
 * alone), load from autocannon at concurrency 20 on 127.0.0.1. Every scenario
 * runs with the cache on and as the naive baseline (CACHE=off, DATALOADER=off).
 * Budgets are off in both: the sandbox here enforces no limits, and budgets
 * would measure the vendors' 50 calls a minute instead of the gateway.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { sandboxCredentials } from '../src/sandbox/credentials.js';
import { startGatewayProcess } from './gateway-process.js';
import { runReplicaBench } from './replicas.js';
import { scenarios, type Scenario } from './scenarios.js';

const CONNECTIONS = 20;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
const MEMORY_KEYS = 100_000;
const root = fileURLToPath(new URL('..', import.meta.url));

const modes = {
  cache: { CACHE: 'on', DATALOADER: 'on' },
  naive: { CACHE: 'off', DATALOADER: 'off' },
} as const;
type Mode = keyof typeof modes;

interface Row {
  scenario: number;
  name: string;
  mode: string;
  /** Upstream requests of one run (one operation; scenario 4: 50 at once; scenario 5: the 40-page walk). */
  /** null for scenario 6, which has no upstream. */
  upstreamCold: number | null;
  upstreamWarm: number | null;
  operationsPerRun: number;
  /** Upstream requests per operation under load. */
  upstreamPerOpUnderLoad: number | null;
  requestsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  non2xx: number | null;
  peakRssMiB: number;
  note?: string;
}

async function measure(sandbox: Sandbox, scenario: Scenario, mode: Mode): Promise<Row> {
  const gateway = await startGatewayProcess(sandbox.url, {
    ...modes[mode],
    AVAAMO_CALLS_PER_MINUTE: '0',
    ROCKETCHAT_CALLS_PER_MINUTE: '0',
    CACHE_MAX_BYTES: String(CACHE_MAX_BYTES),
  });
  try {
    sandbox.reset();
    const bodies = await scenario.run(gateway.url);
    const upstreamCold = sandbox.stats().total;
    sandbox.reset();
    await scenario.run(gateway.url);
    const upstreamWarm = sandbox.stats().total;
    sandbox.reset();
    const result = await autocannon({
      url: gateway.url,
      connections: CONNECTIONS,
      duration: LOAD_SECONDS,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: bodies.map((body) => ({ method: 'POST', body })),
    });
    const underLoad = sandbox.stats().total;
    return {
      scenario: scenario.id,
      name: scenario.name,
      mode,
      upstreamCold,
      upstreamWarm,
      operationsPerRun: scenario.id === 4 ? 50 : bodies.length,
      upstreamPerOpUnderLoad: result.requests.total > 0 ? round(underLoad / result.requests.total, 2) : null,
      requestsPerSecond: round(result.requests.average, 1),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx + result.errors,
      peakRssMiB: round((await gateway.peakRss()) / 1024 / 1024, 1),
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * V8 lets old space grow to several times the live set before a full GC;
 * evicted cache entries wait there as garbage. Sizing the heap to the cache
 * keeps RSS near the bound (README, Configuration).
 */
const HEAP_FLAGS = [`--max-old-space-size=${(2 * CACHE_MAX_BYTES) / 1024 / 1024}`, '--max-semi-space-size=4'];

/** Scenario 6 in a child process of its own (bench/cache-memory.ts). */
function measureMemory(sandbox: Sandbox, mode: Mode, nodeFlags: string[] = []): Promise<Row> {
  const token = sandboxCredentials.avaamoAgents[0]!.accessToken;
  const args = [...nodeFlags, '--import', 'tsx', 'bench/cache-memory.ts', sandbox.url, token, String(MEMORY_KEYS), String(CACHE_MAX_BYTES), modes[mode].CACHE];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`scenario 6 (${mode}) exited with ${code}`));
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as { keysPerSecond: number; peakRss: number; idleRss: number; sampleBytes: number };
      resolve({
        scenario: 6,
        name: `${MEMORY_KEYS.toLocaleString('en')} distinct keys through the cache (in-process; keys/s in the req/s column)`,
        mode: nodeFlags.length > 0 ? `${mode} + heap flags` : mode,
        upstreamCold: null,
        upstreamWarm: null,
        operationsPerRun: MEMORY_KEYS,
        upstreamPerOpUnderLoad: null,
        requestsPerSecond: round(result.keysPerSecond, 0),
        p50Ms: null,
        p99Ms: null,
        non2xx: null,
        peakRssMiB: round(result.peakRss / 1024 / 1024, 1),
        note: `each value a ${result.sampleBytes}-byte Avaamo page; idle RSS ${round(result.idleRss / 1024 / 1024, 1)} MiB; node flags: ${nodeFlags.join(' ') || 'none'}`,
      });
    });
  });
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function table(rows: Row[]): string {
  const naive = new Map(rows.filter((row) => row.mode === 'naive').map((row) => [row.scenario, row]));
  const header = ['#', 'mode', 'ops/run', 'upstream cold', 'upstream warm', 'upstream/op (load)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MiB', '× naive req/s'];
  const lines = rows.map((row) => {
    const baseline = naive.get(row.scenario);
    const ratio = row.mode === 'cache' && row.scenario !== 6 && baseline?.requestsPerSecond && row.requestsPerSecond ? `${round(row.requestsPerSecond / baseline.requestsPerSecond, 1)}×` : '';
    return [row.scenario, row.mode, row.operationsPerRun, row.upstreamCold ?? '—', row.upstreamWarm ?? '—', row.upstreamPerOpUnderLoad ?? '—', row.requestsPerSecond ?? '—', row.p50Ms ?? '—', row.p99Ms ?? '—', row.non2xx ?? '—', row.peakRssMiB, ratio].map(String);
  });
  const widths = header.map((cell, index) => Math.max(cell.length, ...lines.map((line) => line[index]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const names = [...new Map(rows.map((row) => [row.scenario, row.name])).entries()].map(([id, name]) => `${id}. ${name}`);
  const notes = rows.filter((row) => row.note).map((row) => `${row.scenario} ${row.mode}: ${row.note}`);
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format), '', ...names, '', ...notes].join('\n');
}

async function main() {
  const sandbox = await startSandbox({ port: 0, latencyMs: 20 });
  const rows: Row[] = [];
  try {
    for (const scenario of scenarios(sandbox.dataset.now)) {
      for (const mode of ['cache', 'naive'] as const) {
        const row = await measure(sandbox, scenario, mode);
        rows.push(row);
        console.error(`scenario ${row.scenario} ${mode}: cold ${row.upstreamCold}, warm ${row.upstreamWarm}, ${row.requestsPerSecond} req/s`);
      }
    }
    rows.push(await measureMemory(sandbox, 'cache'));
    rows.push(await measureMemory(sandbox, 'cache', HEAP_FLAGS));
    rows.push(await measureMemory(sandbox, 'naive'));
  } finally {
    await sandbox.close();
  }
  console.log(table(rows));
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const file = `${directory}bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, loadSeconds: LOAD_SECONDS, sandboxLatencyMs: 20, cacheMaxBytes: CACHE_MAX_BYTES, rows }, null, 2),
  );
  console.log(`\nJSON: ${file}`);
}

await main();

// Scale-out (issue 14): the replica burst, 1 vs 3 replicas with and without Redis; alone: npm run bench:replicas.
await runReplicaBench();
