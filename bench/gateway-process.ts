import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxGatewayEnv } from '../src/sandbox/gateway-env.js';
import { peakRssOf } from './process-stats.js';
import { assertNoSecretIn, secretsOfEnv } from '../test/log-capture.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface GatewayProcess {
  url: string;
  pid: number;
  /** Peak resident memory of the gateway process so far (Linux VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** What it has written to stdout and stderr so far (its start and transition lines). */
  output(): string;
  /** Ends the process (SIGTERM: it closes its server and exits, writing a --cpu-prof profile if asked). */
  stop(): Promise<void>;
}

/** Which build runs: this checkout's source (tsx) or its dist/, or another checkout's build (the bench's "before"). */
export interface GatewayBuild {
  /** The compiled entry point, e.g. dist/main.js. */
  entry: string;
  /** Its working directory (relative paths of its config, e.g. the persisted documents, resolve there). */
  cwd: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** The source as `npm start` runs it: what tests and the replica bench start, never stale. */
export const sourceBuild: GatewayBuild = { entry: join(root, 'src/main.ts'), cwd: root, nodeArgs: ['--import', 'tsx'] };

/** The build as `npm run start:prod` runs it: what `npm run bench` measures (ensureBuilt first). */
export const thisBuild: GatewayBuild = { entry: join(root, 'dist/main.js'), cwd: root };

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

function newestMtime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bench measures the built gateway, as production runs it (`node
 * dist/main.js`): dist/ is rebuilt (`npm run build`) when any file of src/ is
 * newer than it, so a number never belongs to stale code.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(thisBuild.entry).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built > newestMtime(join(root, 'src'))) return;
  console.error('bench: dist/ is older than src/, running npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/**
 * A gateway in its own process, so its memory and CPU are measured alone,
 * pointed at the bench's sandbox: the source by default, a build when asked.
 */
export async function startGatewayProcess(sandboxUrl: string, env: Record<string, string>, build: GatewayBuild = sourceBuild): Promise<GatewayProcess> {
  const port = await freePort();
  const childEnv = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    ...sandboxGatewayEnv(sandboxUrl),
    // The spelling older builds (the bench's "before") read too.
    GATEWAY_AUTH: 'off',
    ...LOAD_CALLER_ENV,
    ...env,
  };
  // Its output goes to a file, not a pipe this process reads: the load generator
  // runs here, and reading a log line per request would be its CPU taken from
  // the load (the gateway still pays for writing every line, as in production).
  const logFile = join(tmpdir(), `cx-gateway-${process.pid}-${port}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...(build.nodeArgs ?? []), build.entry], { cwd: build.cwd, env: childEnv, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const output = () => readFileSync(logFile, 'utf8');
  try {
    await waitForListening(child, output);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(logFile, { force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    peakRss: () => peakRssOf(child.pid!),
    output,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      const lines = output().split('\n');
      rmSync(logFile, { force: true });
      assertNoSecretIn(lines, secretsOfEnv(childEnv));
    },
  };
}

function waitForListening(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (output().includes('GraphiQL at')) finish(null);
      else if (Date.now() - started > 30_000) finish(new Error(`gateway did not start:\n${output()}`));
    }, 25);
    const onExit = (code: number | null) => finish(new Error(`gateway exited with ${code}:\n${output()}`));
    const finish = (error: Error | null) => {
      clearInterval(poll);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.once('exit', onExit);
  });
}

/**
 * Another checkout's build to measure beside this one (the "before" of a
 * change): BENCH_BEFORE_DIST is the directory of its compiled main.js,
 * BENCH_BEFORE_CWD that checkout (for its node_modules and relative paths).
 */
export function beforeBuild(): GatewayBuild | null {
  const dist = process.env.BENCH_BEFORE_DIST;
  if (!dist) return null;
  return { entry: join(dist, 'main.js'), cwd: process.env.BENCH_BEFORE_CWD ?? root };
}
