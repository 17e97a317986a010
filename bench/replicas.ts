/**
 * `npm run bench:replicas` (and the last part of `npm run bench`): the same
 * burst through a round-robin balancer on 1 replica, on 3 replicas that share
 * nothing, and on 3 replicas sharing one Redis. A sandbox with 20 ms latency
 * (in this process), a redis-server of its own, gateway processes as
 * `npm start` runs them, budgets and the per-caller limit off (they would
 * measure the vendors' limits, not the gateway). Per setup: the upstream
 * requests of the cold burst (300 dashboard operations, 31 distinct, 20 in
 * flight) and, under load for BENCH_SECONDS (4), req/s, p50, p99 and the
 * upstream requests sent meanwhile. REDIS_COMMAND_TIMEOUT_MS, when set, is
 * passed on to the replicas.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startReplicas } from './replica-set.js';
import { post, replicaOperations, type Answer } from './replica-operations.js';

const CONNECTIONS = 20;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const BURST = 300;

interface Setup {
  name: string;
  replicas: number;
  redis: boolean;
}

const SETUPS: Setup[] = [
  { name: '1 replica + Redis', replicas: 1, redis: true },
  { name: '3 replicas, nothing shared', replicas: 3, redis: false },
  { name: '3 replicas + Redis', replicas: 3, redis: true },
];

export interface ReplicaRow {
  setup: string;
  replicas: number;
  redis: boolean;
  upstreamCold: number;
  upstreamUnderLoad: number;
  operationsUnderLoad: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 200 without errors. */
  failed: number;
  /** Times a replica lost Redis (slower than REDIS_COMMAND_TIMEOUT_MS, or gone) during the run: its answers were its own then. */
  redisDegraded: number;
}

/** `operations` in turn from `connections` loops, each to the next replica, for `seconds` (or once through, when 0). */
async function drive(operations: string[], next: () => string, connections: number, seconds: number) {
  const latencies: number[] = [];
  let failed = 0;
  let index = 0;
  const until = performance.now() + seconds * 1000;
  const more = () => (seconds > 0 ? performance.now() < until : index < operations.length);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (more()) {
        const body = operations[index++ % operations.length]!;
        const started = performance.now();
        const answer: Answer = await post(next(), body).catch(() => ({ status: 0, body: {} }));
        latencies.push(performance.now() - started);
        if (answer.status !== 200 || answer.body.errors) failed += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (quantile: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))] ?? Number.NaN, 1);
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), failed };
}

async function measure(sandbox: Sandbox, redis: RedisServer, setup: Setup): Promise<ReplicaRow> {
  // An empty Redis for each setup: every burst starts cold.
  await redis.kill();
  await redis.restart();
  const set = await startReplicas(setup.replicas, sandbox.url, {
    CACHE: 'on',
    RESPONSE_CACHE: 'true',
    AVAAMO_CALLS_PER_MINUTE: '0',
    ROCKETCHAT_CALLS_PER_MINUTE: '0',
    ...(setup.redis ? { REDIS_URL: redis.url } : {}),
    // On a busy machine the default 100 ms may be too short for anyone: the run may set its own.
    ...(process.env.REDIS_COMMAND_TIMEOUT_MS ? { REDIS_COMMAND_TIMEOUT_MS: process.env.REDIS_COMMAND_TIMEOUT_MS } : {}),
  });
  try {
    const operations = replicaOperations(sandbox.dataset.now, BURST);
    sandbox.reset();
    await drive(operations, set.next, CONNECTIONS, 0);
    const upstreamCold = sandbox.stats().total;
    sandbox.reset();
    const started = performance.now();
    const load = await drive(operations, set.next, CONNECTIONS, LOAD_SECONDS);
    const elapsed = (performance.now() - started) / 1000;
    return {
      setup: setup.name,
      replicas: setup.replicas,
      redis: setup.redis,
      upstreamCold,
      upstreamUnderLoad: sandbox.stats().total,
      operationsUnderLoad: load.count,
      requestsPerSecond: round(load.count / elapsed, 1),
      p50Ms: load.p50,
      p99Ms: load.p99,
      failed: load.failed,
      redisDegraded: set.replicas.reduce((sum, replica) => sum + (replica.output().match(/redis: degraded/g)?.length ?? 0), 0),
    };
  } finally {
    await set.stop();
  }
}

export function replicaTable(rows: ReplicaRow[]): string {
  const header = ['setup', 'upstream (cold burst)', 'upstream (under load)', 'ops under load', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'redis degraded'];
  const lines = rows.map((row) => [row.setup, row.upstreamCold, row.upstreamUnderLoad, row.operationsUnderLoad, row.requestsPerSecond, row.p50Ms, row.p99Ms, row.failed, row.redis ? row.redisDegraded : '—'].map(String));
  const widths = header.map((cell, index) => Math.max(cell.length, ...lines.map((line) => line[index]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  return [
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
    '',
    `Cold burst: ${BURST} operations (31 distinct), ${CONNECTIONS} in flight, round-robin; load: the same mix for ${LOAD_SECONDS} s; sandbox latency 20 ms.`,
  ].join('\n');
}

export async function runReplicaBench(): Promise<ReplicaRow[]> {
  const sandbox = await startSandbox({ port: 0, latencyMs: 20 });
  const redis = await startRedisServer();
  const rows: ReplicaRow[] = [];
  try {
    for (const setup of SETUPS) {
      const row = await measure(sandbox, redis, setup);
      rows.push(row);
      console.error(`${row.setup}: cold ${row.upstreamCold} upstream, ${row.requestsPerSecond} req/s, p99 ${row.p99Ms} ms`);
    }
  } finally {
    await redis.stop();
    await sandbox.close();
  }
  console.log(replicaTable(rows));
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const file = `${directory}replicas-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, loadSeconds: LOAD_SECONDS, burst: BURST, sandboxLatencyMs: 20, rows }, null, 2));
  console.log(`\nJSON: ${file}`);
  return rows;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runReplicaBench();
