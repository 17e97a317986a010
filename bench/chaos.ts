/**
 * Chaos run (issue 5): the gateway and the sandbox, each its own process (so
 * the load generator's timings and the gateway's RSS are their own), under 60 s of mixed
 * dashboard queries at concurrency 20 while the sandbox fails 30% of upstream
 * requests with mixed faults. Loopback only, bounded in time and concurrency.
 *
 *   npm run chaos            (CHAOS_SECONDS, CHAOS_CONCURRENCY to change the run)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SandboxStats } from '../src/sandbox/server.js';
import { agentIds, sandboxEnv } from '../test/helpers.js';
import { errorProblems, isWellFormed, type GraphQLBody } from '../test/response-check.js';
import { chaosFaultMix, chaosFaultRules, chaosGatewayEnv, chaosOperation, FAULT_SHARE } from './chaos-mix.js';
import { freePort, LOAD_CALLER_ENV } from './gateway-process.js';

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 20);
const GATEWAY_ENV = chaosGatewayEnv();
const DEADLINE_MS = Number(GATEWAY_ENV.OPERATION_DEADLINE_MS);
const FAULT_MIX = chaosFaultMix();

interface Tally {
  operations: number;
  wellFormed: number;
  http5xx: number;
  withErrors: number;
  clientFailures: number;
  /** Answers carrying an error without a code or a masked crash (INTERNAL_SERVER_ERROR). */
  unexpected: number;
  slowestMs: number;
  codes: Record<string, number>;
}

async function main(): Promise<void> {
  let unhandled = 0;
  let exited: string | undefined;
  const run = (name: string, script: string, env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
      env: { ...process.env, ...env, NODE_OPTIONS: '--unhandled-rejections=warn-with-error-code' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const scan = (chunk: Buffer) => {
      unhandled += (chunk.toString().match(/unhandled ?(promise )?rejection|uncaught exception/gi) ?? []).length;
    };
    child.stdout!.on('data', scan);
    child.stderr!.on('data', scan);
    child.on('exit', (code, signal) => {
      if (!stopping) exited = `${name} exited (${code ?? signal})`;
    });
    return child;
  };
  let stopping = false;

  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = run('sandbox', '../src/sandbox/main.ts', {
    SANDBOX_HOST: '127.0.0.1',
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_FAULTS: JSON.stringify(chaosFaultRules()),
  });
  await waitUntilUp(`${sandboxUrl}/__sandbox/stats`, 'GET');
  const port = await freePort();
  const gateway = run('gateway', '../src/main.ts', { ...sandboxEnv(sandboxUrl), ...LOAD_CALLER_ENV, ...GATEWAY_ENV, PORT: String(port) });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntilUp(url, 'POST');
  const now = Date.now();

  const rss: Array<{ at: number; bytes: number }> = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    const bytes = rssOf(gateway.pid!);
    if (bytes !== undefined) rss.push({ at: Date.now() - started, bytes });
  }, 1000);

  const tally: Tally = { operations: 0, wellFormed: 0, http5xx: 0, withErrors: 0, clientFailures: 0, unexpected: 0, slowestMs: 0, codes: {} };
  const end = new Date(now).toISOString();
  const start = new Date(now - 7 * 24 * 3600 * 1000).toISOString();
  const stopAt = started + SECONDS * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < stopAt && exited === undefined) {
      n += 1;
      await one(url, chaosOperation(n, agentIds, { start, end }), tally);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);

  const rssMb = (samples: typeof rss) => samples.reduce((sum, sample) => sum + sample.bytes, 0) / Math.max(1, samples.length) / 2 ** 20;
  const first = rss.filter((sample) => sample.at <= 10_000);
  const last = rss.filter((sample) => sample.at > (SECONDS - 10) * 1000);
  const peak = Math.max(...rss.map((sample) => sample.bytes)) / 2 ** 20;
  const stats = (await (await fetch(`${sandboxUrl}/__sandbox/stats`)).json()) as SandboxStats;

  console.log(`chaos: ${SECONDS} s, concurrency ${CONCURRENCY}, ${FAULT_SHARE * 100}% of upstream requests faulted (${FAULT_MIX.map((f) => f.kind === 'status' ? f.status : f.kind).join(', ')})`);
  console.log(`gateway: ${Object.entries(GATEWAY_ENV).map(([key, value]) => `${key}=${value}`).join(' ')}`);
  console.log(`operations:                 ${tally.operations} (${(tally.operations / SECONDS).toFixed(1)}/s), ${tally.withErrors} with field errors`);
  console.log(`well-formed GraphQL:        ${((100 * tally.wellFormed) / Math.max(1, tally.operations)).toFixed(2)}% (${tally.wellFormed}/${tally.operations}); client-side failures ${tally.clientFailures}`);
  console.log(`HTTP 5xx:                   ${tally.http5xx}`);
  console.log(`masked or uncoded errors:   ${tally.unexpected} answers`);
  console.log(`slowest response:           ${tally.slowestMs} ms (deadline ${DEADLINE_MS} ms, target < ${DEADLINE_MS + 1000} ms)`);
  console.log(`unhandled rejections:       ${unhandled}; crashes: ${exited ?? 'none'}`);
  console.log(`peak RSS:                   ${peak.toFixed(1)} MB`);
  console.log(`RSS first 10 s / last 10 s: ${rssMb(first).toFixed(1)} MB / ${rssMb(last).toFixed(1)} MB (mean of 1 s samples)`);
  console.log(`upstream requests:          ${stats.total}`);
  console.log(`error codes seen:           ${Object.entries(tally.codes).sort(([, x], [, y]) => y - x).map(([code, count]) => `${code} ${count}`).join(', ')}`);

  stopping = true;
  gateway.kill('SIGTERM');
  sandbox.kill('SIGTERM');
  process.exit(exited === undefined && unhandled === 0 && tally.unexpected === 0 ? 0 : 1);
}

async function one(url: string, body: unknown, tally: Tally): Promise<void> {
  const began = Date.now();
  tally.operations += 1;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify(body),
      // Far beyond the deadline: only a gateway that broke its promise gets here.
      signal: AbortSignal.timeout(DEADLINE_MS + 30_000),
    });
    const text = await response.text();
    tally.slowestMs = Math.max(tally.slowestMs, Date.now() - began);
    if (response.status >= 500) tally.http5xx += 1;
    const result = JSON.parse(text) as GraphQLBody;
    if (isWellFormed(result)) tally.wellFormed += 1;
    if (errorProblems(result).length > 0) tally.unexpected += 1;
    if (result.errors?.length) tally.withErrors += 1;
    for (const error of result.errors ?? []) {
      const code = String(error.extensions?.code ?? 'none');
      tally.codes[code] = (tally.codes[code] ?? 0) + 1;
    }
  } catch {
    tally.slowestMs = Math.max(tally.slowestMs, Date.now() - began);
    tally.clientFailures += 1;
  }
}

function rssOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntilUp(url: string, method: 'GET' | 'POST'): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      const response =
        method === 'GET'
          ? await fetch(url)
          : await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: '{"query":"{ agents { totalCount } }"}' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

main().catch((error: unknown) => {
  console.error('chaos run failed:', error);
  process.exit(1);
});
