import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './gateway-process.js';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: gone at once, nothing saved (it saves nothing anyway). */
  kill(): Promise<void>;
  /** Starts again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it for good (the same as kill: it holds nothing worth saving). */
  stop(): Promise<void>;
}

/**
 * A redis-server of its own on a free loopback port, in memory only
 * (`--save '' --appendonly no`), for a test or a benchmark; Debian's
 * redis-server package (.ci/run installs it when missing). `port`: one a
 * gateway already tries to reach.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    const failed = new Promise<never>((_, reject) =>
      started.once('error', (error) => reject(new Error(`redis-server could not start (${error.message}); install it: apt-get install redis-server`))),
    );
    failed.catch(() => undefined);
    await Promise.race([waitForPort(port, started), failed]);
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: start, stop: kill };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (is it installed? apt-get install redis-server)`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
