import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { startStack, type Stack } from '../helpers.js';

const stacks: Stack[] = [];
const servers: RedisServer[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.close();
  for (const server of servers) await server.stop();
});

const probe = async (stack: Stack) => {
  const readyz = await fetch(new URL('/readyz', stack.url));
  const metrics = await (await fetch(new URL('/metrics', stack.url))).text();
  const up = /^cx_redis_up (\d+)$/m.exec(metrics)?.[1];
  return { status: readyz.status, body: (await readyz.json()) as { checks: Record<string, string> }, up: up === undefined ? undefined : Number(up) };
};

describe('Redis in /readyz and cx_redis_up', () => {
  it('says up while Redis answers, and degraded (still ready, cx_redis_up 0) while it is gone', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const stack = await startStack({ env: { REDIS_URL: server.url } });
    stacks.push(stack);
    await expect.poll(() => stack.sharing.health.state).toBe('up');
    expect(await probe(stack)).toMatchObject({ status: 200, body: { checks: { redis: 'up' } }, up: 1 });

    await server.kill();
    await expect.poll(() => stack.sharing.health.state).toBe('degraded');
    expect(await probe(stack)).toMatchObject({ status: 200, body: { status: 'ready', checks: { redis: 'degraded' } }, up: 0 });

    await server.restart();
    await expect.poll(() => stack.sharing.health.state, { timeout: 15_000 }).toBe('up');
    expect((await probe(stack)).up).toBe(1);
  });

  it('has neither without REDIS_URL', async () => {
    const stack = await startStack();
    stacks.push(stack);
    const { status, body, up } = await probe(stack);
    expect(status).toBe(200);
    expect(body.checks).not.toHaveProperty('redis');
    expect(up).toBeUndefined();
  });
});
