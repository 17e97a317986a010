import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sandboxGatewayEnv } from '../src/sandbox/gateway-env.js';
import { assertNoSecretIn, secretsOfEnv } from '../test/log-capture.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface GatewayProcess {
  url: string;
  pid: number;
  /** Peak resident memory of the gateway process so far (Linux VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** What it has written to stdout and stderr so far (its start and transition lines). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The load generator is one caller from one address: the per-caller rate
 * limit would measure itself, not the gateway. The bench and chaos runs set
 * the cache and budgets themselves.
 */
export const LOAD_CALLER_ENV = { RATE_LIMIT_PER_MINUTE: '0' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The gateway as `npm start` runs it, in its own process so its memory is
 * measured alone, pointed at the bench's sandbox.
 */
export async function startGatewayProcess(sandboxUrl: string, env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const childEnv = { PATH: process.env.PATH ?? '', PORT: String(port), ...sandboxGatewayEnv(sandboxUrl), ...LOAD_CALLER_ENV, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await waitForListening(child);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    peakRss: () => peakRssOf(child.pid!),
    output: () => output,
    // Once stopped, what it wrote (the Redis kill-and-restart runs log error text too) must hold none of its secrets.
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      assertNoSecretIn(output.split('\n'), secretsOfEnv(childEnv));
    },
  };
}

function waitForListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('GraphiQL at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
}

export async function peakRssOf(pid: number | 'self'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
