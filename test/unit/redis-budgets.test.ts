import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_RULES, type Budgets } from '../../src/http/budget.js';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { createRedisBudgets } from '../../src/redis/budgets.js';
import type { RedisConnection } from '../../src/redis/connection.js';
import { manualClock, settled, type TestClock } from '../clock.js';
import { useTestRedis } from '../redis.js';

/**
 * The budget's token bucket in a real Redis, taken from by several
 * replicas. The buckets run on the test's clock (passed to the script in
 * place of Redis TIME), so minutes pass at once.
 */
const redisServer = useTestRedis();

async function replicas(count: number, { maxWaitMs = 0, localShare = 1 / count } = {}): Promise<{ clock: TestClock; budgets: Budgets[]; redis: RedisConnection[] }> {
  const clock = manualClock(1_000_000);
  const redis: RedisConnection[] = [];
  for (let index = 0; index < count; index++) redis.push(await redisServer.connect());
  const budgets = redis.map((connection) => createRedisBudgets(connection, { rules: DEFAULT_BUDGET_RULES, maxWaitMs }, { localShare, clock, bucketTime: () => clock.now() }));
  return { clock, budgets, redis };
}

const avaamo = { upstream: 'avaamo' as const, route: 'avaamo.messages' as const, credential: 'token-a' };
const longDeadline = (clock: TestClock) => createDeadline(600_000, undefined, clock);

async function spend(take: () => Promise<unknown>): Promise<'ok' | UpstreamError> {
  try {
    await take();
    return 'ok';
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
}

describe('budgets shared through Redis', () => {
  it('lets at most 50 Avaamo calls a minute through three replicas together, however the minute is aligned', async () => {
    const { clock, budgets } = await replicas(3);
    const deadline = longDeadline(clock);
    const sent: number[] = [];
    // Each replica attempts a call every 100 ms, in turn, for three minutes: 30 attempts a second in all.
    for (let step = 0; step < 5_400; step++) {
      if ((await spend(() => budgets[step % 3]!.take(avaamo, { wait: false, deadline }))) === 'ok') sent.push(clock.now());
      await clock.advance(100 / 3);
    }
    const start = sent[0]!;
    for (let from = start; from < start + 120_000; from += 100) {
      expect(sent.filter((at) => at >= from && at < from + 60_000).length).toBeLessThanOrEqual(50);
    }
    // The burst, then about 25 a minute: the replicas do not each spend their own.
    expect(sent.length).toBeGreaterThan(25 + 2 * 25 - 5);
    expect(sent.length).toBeLessThanOrEqual(25 + 3 * 25 + 1);
  });

  it('tells every replica the tokens left (the cx_budget_tokens gauge), and its own while Redis is away', async () => {
    const { clock, budgets, redis } = await replicas(2);
    const deadline = longDeadline(clock);
    expect(await budgets[1]!.tokens(avaamo)).toBe(25);
    for (let index = 0; index < 3; index++) await budgets[0]!.take(avaamo, { wait: false, deadline });
    expect(await budgets[1]!.tokens(avaamo)).toBe(22);
    await clock.advance(60_000 / 25);
    expect(await budgets[1]!.tokens(avaamo)).toBe(23);
    expect(await budgets[1]!.tokens({ ...avaamo, upstream: 'vambe' })).toBeNull();
    await redisServer.server().kill();
    await expect.poll(() => redis.map((connection) => connection.health.state)).toEqual(['degraded', 'degraded']);
    // Its own buckets now, empty at the transition.
    expect(await budgets[1]!.tokens(avaamo)).toBe(0);
    await redisServer.server().restart();
    await expect.poll(() => redis.map((connection) => connection.health.state), { timeout: 15_000 }).toEqual(['up', 'up']);
  });

  it('gives a refunded token back to every replica', async () => {
    const { clock, budgets } = await replicas(2);
    const deadline = longDeadline(clock);
    const reservations = [];
    for (let index = 0; index < 25; index++) reservations.push(await budgets[index % 2]!.take(avaamo, { wait: false, deadline }));
    expect(await spend(() => budgets[1]!.take(avaamo, { wait: false, deadline }))).toBeInstanceOf(UpstreamError);
    reservations[0]!.refund();
    await expect.poll(() => spend(() => budgets[1]!.take(avaamo, { wait: false, deadline }))).toBe('ok');
  });

  it('waits for the next token when allowed, and refuses a longer wait with RATE_LIMITED and retryAfter', async () => {
    const { clock, budgets } = await replicas(2, { maxWaitMs: 2_000 });
    const deadline = longDeadline(clock);
    // Rocket.Chat: a burst of 5, then one token every 12 s per route.
    const rocketchat = { upstream: 'rocketchat' as const, route: 'rocketchat.conversationsByAgent' as const, credential: 'rc' };
    for (let index = 0; index < 5; index++) await budgets[index % 2]!.take(rocketchat, { wait: false, deadline });
    const refused = await spend(() => budgets[0]!.take(rocketchat, { wait: true, deadline }));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 12 } });

    await clock.advance(10_500);
    const timers = clock.pending().length;
    const waiting = budgets[1]!.take(rocketchat, { wait: true, deadline });
    // Redis answered with a wait (a token reserved), and the wait runs on the test's clock.
    await expect.poll(() => clock.pending().length).toBe(timers + 1);
    expect(await settled(waiting)).toBe(false);
    await clock.advance(1_500);
    await expect(waiting).resolves.toHaveProperty('refund');
    // That token was the next one for both replicas: the other finds none.
    expect(await spend(() => budgets[0]!.take(rocketchat, { wait: false, deadline }))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('keeps each replica to its share of the budget while Redis is away, as refill only, and counts it', async () => {
    const { clock, budgets, redis } = await replicas(2, { localShare: 0.5 });
    const deadline = longDeadline(clock);
    await redisServer.server().kill();
    await expect.poll(() => redis.map((connection) => connection.health.state)).toEqual(['degraded', 'degraded']);
    const sent = [0, 0];
    const attempt = async (index: number) => {
      if ((await spend(() => budgets[index % 2]!.take(avaamo, { wait: false, deadline }))) === 'ok') sent[index % 2]! += 1;
    };
    // What the window spent through Redis is unknown here: no burst, whatever the share.
    for (let index = 0; index < 40; index++) await attempt(index);
    expect(sent).toEqual([0, 0]);
    expect(redis[0]!.health.counters.fallbacks).toBe(20);
    // Half of 50 a minute each: 13 as burst, 12 a minute as refill; a minute (and a little) of attempts every 100 ms.
    for (let index = 0; index < 1_210; index++) {
      await clock.advance(50);
      await attempt(index);
    }
    expect(sent).toEqual([12, 12]);
    await redisServer.server().restart();
    await expect.poll(() => redis.map((connection) => connection.health.state), { timeout: 15_000 }).toEqual(['up', 'up']);
    expect(redis[0]!.health.counters.reconnections).toBe(1);
    await clock.advance(60_000);
    expect(await spend(() => budgets[0]!.take(avaamo, { wait: false, deadline }))).toBe('ok');
  });

  it('passes no more than 50 Avaamo calls in any minute through three replicas while Redis goes away and comes back', async () => {
    const { clock, budgets, redis } = await replicas(3);
    const deadline = longDeadline(clock);
    const sent: number[] = [];
    // Each replica attempts a call every 100 ms, in turn.
    const attempts = async (ms: number) => {
      for (let step = 0; step < (ms * 3) / 100; step++) {
        if ((await spend(() => budgets[step % 3]!.take(avaamo, { wait: false, deadline }))) === 'ok') sent.push(clock.now());
        await clock.advance(100 / 3);
      }
    };
    const states = () => redis.map((connection) => connection.health.state);
    // The burst through Redis, then 20 s of its refill.
    await attempts(20_000);
    await redisServer.server().kill();
    await expect.poll(states).toEqual(['degraded', 'degraded', 'degraded']);
    await attempts(30_000);
    // Back, and empty: a Redis restarted without its data would hand out a whole burst again.
    await redisServer.server().restart();
    await expect.poll(states, { timeout: 15_000 }).toEqual(['up', 'up', 'up']);
    await attempts(90_000);
    const most = Math.max(...sent.map((from) => sent.filter((at) => at >= from && at < from + 60_000).length));
    expect(most).toBeLessThanOrEqual(50);
    // The budget was used, not only withheld: the first burst went out whole, and refill kept coming in each phase.
    expect(sent.filter((at) => at < sent[0]! + 1_000).length).toBe(25);
    expect(sent.length).toBeGreaterThan(25 + ((140 - 5) / 60) * 24);
  });

  it('keeps what the local bucket owes across a flapping Redis (degraded, up, degraded): no more than its share, and what it earns', async () => {
    const { clock, budgets, redis } = await replicas(2, { localShare: 0.5, maxWaitMs: 60_000 });
    const [budget] = budgets;
    const deadline = longDeadline(clock);
    const states = () => redis.map((connection) => connection.health.state);
    await redisServer.server().kill();
    await expect.poll(states).toEqual(['degraded', 'degraded']);
    // Half of 50 a minute: 12 a minute of refill, one token every 5 s. Three callers queue for the next three.
    const waiting = [0, 1, 2].map(() => budget!.take(avaamo, { wait: true, deadline }));
    await redisServer.server().restart();
    await expect.poll(states, { timeout: 15_000 }).toEqual(['up', 'up']);
    await redisServer.server().kill();
    await expect.poll(states).toEqual(['degraded', 'degraded']);
    // Nothing to hand out at the second transition either.
    expect(await spend(() => budget!.take(avaamo, { wait: false, deadline }))).toMatchObject({ code: 'RATE_LIMITED' });
    // 15 s of refill: the three queued calls' tokens, none left over for a fourth.
    await clock.advance(15_000);
    await Promise.all(waiting);
    expect(await spend(() => budget!.take(avaamo, { wait: false, deadline }))).toMatchObject({ code: 'RATE_LIMITED' });
    // The next 5 s earn one more, and it is handed out.
    await clock.advance(5_000);
    expect(await spend(() => budget!.take(avaamo, { wait: false, deadline }))).toBe('ok');
    expect(await spend(() => budget!.take(avaamo, { wait: false, deadline }))).toMatchObject({ code: 'RATE_LIMITED' });
    await redisServer.server().restart();
    await expect.poll(states, { timeout: 15_000 }).toEqual(['up', 'up']);
  });
});
