/**
 * `npm run bench`: what the gateway costs the upstreams and what it serves.
 * The built gateway (dist/main.js, rebuilt first when src/ is newer) in a
 * child process per scenario and mode (a cold cache each time, its memory
 * and CPU measured alone), load from autocannon at concurrency 20 on
 * 127.0.0.1 after a short warm-up. Scenarios 1-5 run against a sandbox with
 * 20 ms latency (in this process), with the caches on and as the naive
 * baseline (CACHE=off, DATALOADER=off: no response cache either); the
 * dashboard also with RESPONSE_CACHE=false (executed every time, every
 * upstream answer cached). Scenario 7 compares scenario 1 with the sandbox
 * serving its one REST call directly, both at latency 0, the sandbox in a
 * process of its own. Budgets are off: the sandbox here enforces no limits,
 * and budgets would measure the vendors' 50 calls a minute instead of the
 * gateway.
 *
 *   BENCH_SECONDS (4)          load per row, after BENCH_WARMUP_SECONDS (1)
 *   BENCH_ONLY=2,7             only these scenarios (and not the replica bench)
 *   BENCH_BEFORE_DIST, _CWD    also measure another build, row by row (gateway-process.ts)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sandboxCredentials } from '../src/sandbox/credentials.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import {
  beforeBuild,
  ensureBuilt,
  freePort,
  startGatewayProcess,
  thisBuild,
  type GatewayBuild,
} from './gateway-process.js';
import { cpuMsOf } from './process-stats.js';
import { runReplicaBench } from './replicas.js';
import { scenarios, UNHANDLED_QUERY, body, type Scenario } from './scenarios.js';

const CONNECTIONS = 20;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map(Number)) : null;
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
const MEMORY_KEYS = 100_000;
const root = fileURLToPath(new URL('..', import.meta.url));

const modes = {
  cache: { CACHE: 'on', DATALOADER: 'on' },
  /** The response cache off: each operation executes, on upstream answers from the cache. */
  'no-response-cache': { CACHE: 'on', DATALOADER: 'on', RESPONSE_CACHE: 'false' },
  naive: { CACHE: 'off', DATALOADER: 'off' },
} as const;
type Mode = keyof typeof modes;

interface Row {
  scenario: number;
  name: string;
  /** Which build: 'this', or 'before' (BENCH_BEFORE_DIST). */
  build: string;
  mode: string;
  /** Upstream requests of one run (one operation; scenario 4: 50 at once; scenario 5: the 40-page walk); null without one. */
  upstreamCold: number | null;
  upstreamWarm: number | null;
  operationsPerRun: number;
  /** Upstream requests per operation under load. */
  upstreamPerOpUnderLoad: number | null;
  requestsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  non2xx: number | null;
  /** The serving process's CPU (user + system) per request under load. */
  cpuMsPerRequest: number | null;
  peakRssMiB: number;
  /** The machine's 1-minute load average when the load started (other work shares the 2 cores). */
  loadAverage: number | null;
  note?: string;
}

interface Load {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  bodies: Array<string | undefined>;
}

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  total: number;
  cpuMsPerRequest: number;
  loadAverage: number;
}

/** A warm-up (discarded: JIT, connection setup), then the measured load; `pid` is the process whose CPU is counted. */
async function load({ url, method, headers, bodies }: Load, pid: number, afterWarmup: () => Promise<void> = async () => {}): Promise<LoadResult> {
  const requests = bodies.map((sent) => (sent === undefined ? { method } : { method, body: sent }));
  const options = { url, connections: CONNECTIONS, method, headers, requests };
  if (WARMUP_SECONDS > 0) await autocannon({ ...options, duration: WARMUP_SECONDS });
  await afterWarmup();
  const loadAverage = round(loadavg()[0]!, 2);
  const start = await cpuMsOf(pid);
  const result = await autocannon({ ...options, duration: LOAD_SECONDS });
  const end = await cpuMsOf(pid);
  const cpu = end.user - start.user + end.system - start.system;
  return {
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    total: result.requests.total,
    cpuMsPerRequest: result.requests.total > 0 ? round(cpu / result.requests.total, 3) : Number.NaN,
    loadAverage,
  };
}

const JSON_POST = { 'content-type': 'application/json' };

async function measure(sandbox: UpstreamSandbox, scenario: Scenario, mode: Mode, [build, gatewayBuild]: [string, GatewayBuild]): Promise<Row> {
  const gateway = await startGatewayProcess(
    sandbox.url,
    { ...modes[mode], AVAAMO_CALLS_PER_MINUTE: '0', ROCKETCHAT_CALLS_PER_MINUTE: '0', CACHE_MAX_BYTES: String(CACHE_MAX_BYTES) },
    gatewayBuild,
  );
  try {
    await sandbox.reset();
    const bodies = await scenario.run(gateway.url);
    const upstreamCold = await sandbox.total();
    await sandbox.reset();
    await scenario.run(gateway.url);
    const upstreamWarm = await sandbox.total();
    const result = await load({ url: gateway.url, method: 'POST', headers: JSON_POST, bodies }, gateway.pid, sandbox.reset);
    const underLoad = await sandbox.total();
    return {
      scenario: scenario.id,
      name: scenario.name,
      build,
      mode,
      upstreamCold,
      upstreamWarm,
      operationsPerRun: scenario.id === 4 ? 50 : bodies.length,
      upstreamPerOpUnderLoad: result.total > 0 ? round(underLoad / result.total, 2) : null,
      requestsPerSecond: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      non2xx: result.non2xx,
      cpuMsPerRequest: result.cpuMsPerRequest,
      peakRssMiB: round((await gateway.peakRss()) / 1024 / 1024, 1),
      loadAverage: result.loadAverage,
    };
  } finally {
    await gateway.stop();
  }
}

/** What the bench asks of a sandbox, in this process or another. */
interface UpstreamSandbox {
  url: string;
  reset(): Promise<void>;
  total(): Promise<number>;
}

const inProcess = (sandbox: Sandbox): UpstreamSandbox => ({
  url: sandbox.url,
  reset: async () => sandbox.reset(),
  total: async () => sandbox.stats().total,
});

/** The sandbox as `npm run sandbox` runs it (built), in its own process: what scenario 7 measures directly. */
async function startSandboxProcess(latencyMs: number): Promise<UpstreamSandbox & { pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/sandbox/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: String(port), SANDBOX_LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${output}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid!,
    reset: async () => void (await fetch(`${url}/__sandbox/reset`, { method: 'POST' })).arrayBuffer(),
    total: async () => ((await (await fetch(`${url}/__sandbox/stats`)).json()) as { total: number }).total,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const UNHANDLED_AT_ZERO = "one agent's first 10 unhandled messages, sandbox latency 0: through the gateway (cache) vs the sandbox's own REST call (direct)";

/**
 * Scenario 7: scenario 1's operation through the gateway, and the one REST
 * call it makes (learnt from the sandbox's request log, with the credential
 * the gateway sends), against the sandbox directly: the machine's limit for
 * that answer, both at latency 0.
 */
async function measureAtZeroLatency(builds: Array<[string, GatewayBuild]>): Promise<Row[]> {
  const sandbox = await startSandboxProcess(0);
  const rows: Row[] = [];
  const unhandled: Scenario = {
    id: 7,
    name: UNHANDLED_AT_ZERO,
    run: async (url) => {
      const sent = body(UNHANDLED_QUERY, { agentId: sandboxCredentials.avaamoAgents[0]!.id });
      await (await fetch(url, { method: 'POST', headers: JSON_POST, body: sent })).arrayBuffer();
      return [sent];
    },
  };
  try {
    for (const build of builds) rows.push(await measure(sandbox, unhandled, 'cache', build));
    const restUrl = await restCallOf(sandbox, unhandled);
    const result = await load({ url: restUrl, method: 'GET', headers: { 'access-token': sandboxCredentials.avaamoUserToken }, bodies: [undefined] }, sandbox.pid);
    rows.push({
      scenario: 7,
      name: UNHANDLED_AT_ZERO,
      build: 'sandbox',
      mode: 'direct',
      upstreamCold: null,
      upstreamWarm: null,
      operationsPerRun: 1,
      upstreamPerOpUnderLoad: null,
      ...result,
      peakRssMiB: Number.NaN,
      note: `GET ${restUrl.slice(sandbox.url.length)}`,
    });
  } finally {
    await sandbox.stop();
  }
  return rows;
}

/** The REST call a cold run of the scenario makes, as the sandbox logged it. */
async function restCallOf(sandbox: UpstreamSandbox, scenario: Scenario): Promise<string> {
  const gateway = await startGatewayProcess(sandbox.url, { AVAAMO_CALLS_PER_MINUTE: '0', ROCKETCHAT_CALLS_PER_MINUTE: '0' }, thisBuild);
  try {
    await sandbox.reset();
    await scenario.run(gateway.url);
  } finally {
    await gateway.stop();
  }
  const log = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Array<{ path: string; query: Record<string, string> }>;
  const call = log.find((entry) => entry.path.includes('unhandled_messages'));
  if (!call || log.length !== 1) throw new Error(`scenario 7: expected one unhandled-messages call, the sandbox logged ${JSON.stringify(log)}`);
  return `${sandbox.url}${call.path}?${new URLSearchParams(call.query)}`;
}

/**
 * V8 lets old space grow to several times the live set before a full GC;
 * evicted cache entries wait there as garbage. Sizing the heap to the cache
 * keeps RSS near the bound (README, Configuration).
 */
const HEAP_FLAGS = [`--max-old-space-size=${(2 * CACHE_MAX_BYTES) / 1024 / 1024}`, '--max-semi-space-size=4'];

/** Scenario 6 in a child process of its own (bench/cache-memory.ts). */
function measureMemory(sandbox: Sandbox, mode: 'cache' | 'naive', nodeFlags: string[] = []): Promise<Row> {
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
        build: 'this',
        mode: nodeFlags.length > 0 ? `${mode} + heap flags` : mode,
        upstreamCold: null,
        upstreamWarm: null,
        operationsPerRun: MEMORY_KEYS,
        upstreamPerOpUnderLoad: null,
        requestsPerSecond: round(result.keysPerSecond, 0),
        p50Ms: null,
        p99Ms: null,
        non2xx: null,
        cpuMsPerRequest: null,
        peakRssMiB: round(result.peakRss / 1024 / 1024, 1),
        loadAverage: null,
        note: `each value a ${result.sampleBytes}-byte Avaamo page; idle RSS ${round(result.idleRss / 1024 / 1024, 1)} MiB; node flags: ${nodeFlags.join(' ') || 'none'}`,
      });
    });
  });
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** What a row's rate is relative to: the naive baseline of its scenario and build, or (scenario 7) the sandbox directly. */
function ratio(row: Row, rows: Row[]): string {
  if (!row.requestsPerSecond || row.scenario === 6) return '';
  if (row.scenario === 7 && row.mode === 'cache') {
    const direct = rows.find((other) => other.scenario === 7 && other.mode === 'direct')?.requestsPerSecond;
    return direct ? `${round((100 * row.requestsPerSecond) / direct, 0)}% of direct` : '';
  }
  if (row.mode === 'naive') return '';
  const naive = rows.find((other) => other.scenario === row.scenario && other.build === row.build && other.mode === 'naive')?.requestsPerSecond;
  return naive ? `${round(row.requestsPerSecond / naive, 1)}× naive` : '';
}

function table(rows: Row[]): string {
  const header = ['#', 'build', 'mode', 'ops/run', 'upstream cold', 'upstream warm', 'upstream/op (load)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU ms/req', 'peak RSS MiB', 'load avg', 'ratio'];
  const show = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : String(value));
  const lines = rows.map((row) =>
    [
      String(row.scenario),
      row.build,
      row.mode,
      String(row.operationsPerRun),
      show(row.upstreamCold),
      show(row.upstreamWarm),
      show(row.upstreamPerOpUnderLoad),
      show(row.requestsPerSecond),
      show(row.p50Ms),
      show(row.p99Ms),
      show(row.non2xx),
      show(row.cpuMsPerRequest),
      show(row.peakRssMiB),
      show(row.loadAverage),
      ratio(row, rows),
    ],
  );
  const widths = header.map((cell, index) => Math.max(cell.length, ...lines.map((line) => line[index]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const names = [...new Map(rows.map((row) => [row.scenario, row.name])).entries()].map(([id, name]) => `${id}. ${name}`);
  const notes = rows.filter((row) => row.note).map((row) => `${row.scenario} ${row.mode}: ${row.note}`);
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format), '', ...names, '', ...notes].join('\n');
}

async function main() {
  ensureBuilt();
  const builds: Array<[string, GatewayBuild]> = [['this', thisBuild]];
  const before = beforeBuild();
  if (before) builds.push(['before', before]);
  const wanted = (id: number) => !ONLY || ONLY.has(id);
  const sandbox = await startSandbox({ port: 0, latencyMs: 20 });
  const rows: Row[] = [];
  const report = (row: Row) => {
    rows.push(row);
    console.error(`scenario ${row.scenario} ${row.build} ${row.mode}: cold ${row.upstreamCold}, warm ${row.upstreamWarm}, ${row.requestsPerSecond} req/s, p99 ${row.p99Ms} ms (load ${row.loadAverage})`);
  };
  try {
    for (const scenario of scenarios(sandbox.dataset.now).filter((candidate) => wanted(candidate.id))) {
      const scenarioModes: Mode[] = scenario.id === 2 ? ['cache', 'no-response-cache', 'naive'] : ['cache', 'naive'];
      for (const mode of scenarioModes) for (const build of builds) report(await measure(inProcess(sandbox), scenario, mode, build));
    }
    if (wanted(7)) for (const row of await measureAtZeroLatency(builds)) report(row);
    if (wanted(6)) {
      rows.push(await measureMemory(sandbox, 'cache'));
      rows.push(await measureMemory(sandbox, 'cache', HEAP_FLAGS));
      rows.push(await measureMemory(sandbox, 'naive'));
    }
  } finally {
    await sandbox.close();
  }
  console.log(table(rows));
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const file = `${directory}bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), connections: CONNECTIONS, loadSeconds: LOAD_SECONDS, warmupSeconds: WARMUP_SECONDS, sandboxLatencyMs: 20, cacheMaxBytes: CACHE_MAX_BYTES, rows },
      null,
      2,
    ),
  );
  console.log(`\nJSON: ${file}`);
}

await main();

// Scale-out (issue 14): the replica burst, 1 vs 3 replicas with and without Redis; alone: npm run bench:replicas.
if (!ONLY) await runReplicaBench();
