import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/gateway-process.js';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

/** Redis away, slow or flapping: the gateway answers from what it holds itself, says so once, and comes back. */
const stacks: Stack[] = [];
const servers: RedisServer[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0).reverse()) await stack.close();
  for (const server of servers.splice(0)) await server.stop();
});

async function gateway(env: Record<string, string>, sandboxOf?: Stack) {
  const stack = await startStack({ env: { CACHE: 'on', RESPONSE_CACHE: 'true', ...env }, ...(sandboxOf ? { sandboxOf } : {}) });
  stacks.push(stack);
  // The gateway's log lines' messages (pino), where the Redis transitions are said.
  const logger = { get lines() { return stack.logs.lines().map((line) => String(line.msg)); } };
  return { stack, logger };
}

const SMS = `query($agentId: Int!, $from: DateTime!, $to: DateTime!) { agent(agentId: $agentId) { smsRecords(from: $from, to: $to, first: 1) { totalCount } } }`;
/** Distinct day-long ranges: one upstream request each (a range over 7 days would be read in windows). */
const range = (index: number) => ({ from: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(), to: new Date(Date.UTC(2026, 0, 2, 0, 0, index)).toISOString() });
const lines = (logger: { lines: string[] }, pattern: RegExp) => logger.lines.filter((line) => pattern.test(line)).length;

describe('Redis unavailable', () => {
  it('serves every request when Redis is not there at start, each replica keeping to its share of the budget', async () => {
    const port = await freePort();
    const { stack, logger } = await gateway({ REDIS_URL: `redis://127.0.0.1:${port}`, REPLICAS: '2', AVAAMO_CALLS_PER_MINUTE: '20', BUDGET_MAX_WAIT_MS: '0' });
    expect(stack.sharing.health.state).toBe('degraded');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => stack.execute(SMS, { agentId: agentIds[0], ...range(index) })));
    // Half of 20 a minute: a burst of 5, the rest refused as the budget refuses (RATE_LIMITED, retryAfter).
    const limited = answers.filter((answer) => errorAt(answer, ['agent', 'smsRecords'])?.extensions?.code === 'RATE_LIMITED');
    expect(answers.filter((answer) => answer.errors === undefined)).toHaveLength(5);
    expect(limited).toHaveLength(7);
    expect((await stack.stats()).total).toBe(5);
    expect(stack.sharing.health.counters.fallbacks).toBeGreaterThan(12);
    expect(lines(logger, /^redis: not reachable at start/)).toBe(1);
    expect(lines(logger, /^redis:/)).toBe(1);

    // Redis comes: the gateway finds it, and shares from then on.
    servers.push(await startRedisServer(port));
    await expect.poll(() => stack.sharing.health.state, { timeout: 15_000 }).toBe('up');
    expect(lines(logger, /^redis: up \(connected\)/)).toBe(1);
  });

  it('logs each transition once, not each request, and counts the returns to shared mode', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const { stack, logger } = await gateway({ REDIS_URL: server.url });
    const health = stack.sharing.health;
    const seen: string[] = [];
    health.onChange((state, previous) => seen.push(`${previous}->${state}`));
    for (let round = 0; round < 2; round++) {
      await server.kill();
      await expect.poll(() => health.state).toBe('degraded');
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => stack.execute(SMS, { agentId: agentIds[1], ...range(100 * round + index) })));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      await server.restart();
      await expect.poll(() => health.state, { timeout: 15_000 }).toBe('up');
    }
    expect(seen).toEqual(['up->degraded', 'degraded->up', 'up->degraded', 'degraded->up']);
    expect(health.counters.reconnections).toBe(2);
    expect(health.counters.fallbacks).toBeGreaterThanOrEqual(20);
    expect(lines(logger, /^redis: degraded/)).toBe(2);
    expect(lines(logger, /^redis: up \(reconnected\)/)).toBe(2);
  });

  it('answers from its own state when Redis stops answering in time, and returns once it answers again', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const { stack, logger } = await gateway({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '100' });
    expect(stack.sharing.health.state).toBe('up');
    const admin = new Redis(server.url);
    // Every client's commands wait 1.5 s: Redis is there, only far too slow.
    await admin.client('PAUSE', 1500, 'ALL');
    const answers = await Promise.all(Array.from({ length: 5 }, (_, index) => stack.execute(SMS, { agentId: agentIds[2], ...range(index) })));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(stack.sharing.health.state).toBe('degraded');
    expect(logger.lines.filter((line) => line.startsWith('redis: degraded'))).toEqual([expect.stringMatching(/did not answer within 100 ms/)]);
    await expect.poll(() => stack.sharing.health.state, { timeout: 15_000 }).toBe('up');
    admin.disconnect();
  });
});

describe('per-caller rate limits across replicas', () => {
  it('counts a caller\'s operations on every replica against one limit', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const env = { REDIS_URL: server.url, RATE_LIMIT_PER_MINUTE: '6' };
    const { stack: a } = await gateway(env);
    const { stack: b } = await gateway(env, a);
    const query = `query { agents(first: 1) { nodes { agentId } } }`;
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) statuses.push((await (index % 2 === 0 ? a : b).execute(query)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const refused = await b.execute(query);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  });
});
