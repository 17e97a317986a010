import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { freePort } from '../../bench/gateway-process.js';
import { sandboxEnv } from '../helpers.js';
import { assertNoSecretIn, secretsOfEnv } from '../log-capture.js';
import { spawnGateway } from './spawn-gateway.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

it('writes neither a base URL\'s userinfo nor the Redis password, even while Redis is unreachable', async () => {
  const redisPort = await freePort();
  const env = {
    ...sandboxEnv(sandbox.url),
    VAMBE_BASE_URL: sandbox.url.replace('http://', 'http://vambe-user:vambe-basic-pass@'),
    // Nothing listens there: the start line says Redis is not reachable, with the error's text.
    REDIS_URL: `redis://:redis-pass-4e1f9a@127.0.0.1:${redisPort}`,
    REPLICAS: '1',
  };
  const gateway = await spawnGateway(env);
  await gateway.waitForLine((line) => String(line.msg).startsWith('Upstreams: real'));
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  const text = gateway.lines().map((line) => JSON.stringify(line));
  expect(secretsOfEnv(env)).toEqual(expect.arrayContaining(['vambe-basic-pass', 'redis-pass-4e1f9a']));
  expect(() => assertNoSecretIn(text, secretsOfEnv(env))).not.toThrow();
  // The line says where the upstream is, without its credentials.
  expect(text.find((line) => line.includes('Upstreams: real'))).toContain(`vambe ${sandbox.url}`);
  expect(gateway.lines().some((line) => /^redis: not reachable at start/.test(String(line.msg)))).toBe(true);
});
