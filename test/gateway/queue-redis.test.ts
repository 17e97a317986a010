import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { manualClock, type TestClock } from '../clock.js';
import { startStack, upstreamTotals, type Stack } from '../helpers.js';
import { eventually, subscribeOverSse } from '../subscriptions.js';
import { POLL_MS, QUEUE, contactRequests, control, type QueueEventData } from './live-queue-support.js';

/**
 * Two replicas of one gateway in this process, one sandbox, one real
 * redis-server, one manual clock for all of them: the live queue's lock and
 * fan-out through Redis (src/redis/queue-sharing.ts).
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

let clock: TestClock;
const stacks: Stack[] = [];
const subscriptions: { close(): void }[] = [];
afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.close();
  for (const stack of stacks.splice(0).reverse()) await stack.close();
  const client = new Redis(redis.url);
  await client.flushall();
  client.disconnect();
});

async function replicas(): Promise<[Stack, Stack]> {
  clock = manualClock();
  const env = { REDIS_URL: redis.url };
  const a = await startStack({ env, sandbox: { clock }, gateway: { clock } });
  stacks.push(a);
  const b = await startStack({ env, sandboxOf: a, gateway: { clock } });
  stacks.push(b);
  return [a, b];
}

const watch = (stack: Stack) => {
  const log = subscribeOverSse<QueueEventData>(stack.url, QUEUE, { status: 'UNATTENDED', first: 100 });
  subscriptions.push(log);
  return log;
};
/** Both replicas' pollers waiting for their next tick (one polls, the other only listens). */
const bothWaiting = () => eventually(() => clock.pending().filter((ms) => ms === POLL_MS).length === 2, 'both replicas waiting for the next interval');
const enteredIds = (event: { data?: QueueEventData | null }) => event.data!.contactQueue!.entered.map((contact) => contact.id);

describe('the live queue across replicas on Redis', () => {
  it('polls each cohort once per interval for all replicas, fans the updates out to each, and hands the poll over when its replica\'s subscribers leave', async () => {
    const [a, b] = await replicas();
    const pages = Math.ceil((await upstreamTotals.contacts(a, 'unattended')) / 50);
    await a.resetStats();
    const onA = watch(a);
    expect((await onA.nth(1)).errors).toBeUndefined();
    const onB = watch(b);
    // The second replica starts from the update the first published in Redis.
    expect((await onB.nth(1)).data!.contactQueue!.contacts).toEqual((await onA.nth(1)).data!.contactQueue!.contacts);
    await bothWaiting();
    expect(await contactRequests(a)).toBe(pages);

    for (let interval = 1; interval <= 2; interval++) {
      const { added } = await control<{ added: string[] }>(a, '/__sandbox/contacts', { status: 'unattended', count: 1 });
      await clock.advance(POLL_MS);
      expect(enteredIds(await onA.nth(interval + 1))).toEqual(added);
      expect(enteredIds(await onB.nth(interval + 1))).toEqual(added);
      await bothWaiting();
      expect(await contactRequests(a)).toBe(pages * (interval + 1));
    }

    // Whichever replica polled, its subscriber leaves: the lock goes with it, and the other polls from its next tick.
    onA.close();
    await eventually(() => clock.pending().filter((ms) => ms === POLL_MS).length === 1, 'one replica left polling');
    const inspect = new Redis(redis.url);
    try {
      await eventually(async () => (await inspect.keys('*queue:lock:*')).length === 0, 'the lock given back');
    } finally {
      inspect.disconnect();
    }
    const { added } = await control<{ added: string[] }>(a, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await clock.advance(POLL_MS);
    expect(enteredIds(await onB.nth(4))).toEqual(added);
    await eventually(() => clock.pending().includes(POLL_MS), 'the remaining replica waiting for its next interval');
    expect(await contactRequests(a)).toBe(pages * 4);
  });

  it('keeps every subscriber served while Redis is away, each replica polling for its own, and shares the poll again once it is back', async () => {
    const [a, b] = await replicas();
    const pages = Math.ceil((await upstreamTotals.contacts(a, 'unattended')) / 50);
    const onA = watch(a);
    await onA.nth(1);
    const onB = watch(b);
    await onB.nth(1);
    await bothWaiting();

    await redis.kill();
    await eventually(() => a.sharing.health.state === 'degraded' && b.sharing.health.state === 'degraded', 'both replicas without Redis');
    await a.resetStats();
    const { added } = await control<{ added: string[] }>(a, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await clock.advance(POLL_MS);
    expect(enteredIds(await onA.nth(2))).toEqual(added);
    expect(enteredIds(await onB.nth(2))).toEqual(added);
    await bothWaiting();
    expect(await contactRequests(a)).toBe(2 * pages);

    await redis.restart();
    await eventually(() => a.sharing.health.state === 'up' && b.sharing.health.state === 'up', 'both replicas back on Redis', 4000);
    const { added: more } = await control<{ added: string[] }>(a, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    // Every pass publishes the queue as it is: a subscriber connection that came back after the first still hears the next.
    const told = (log: typeof onA) => log.events.some((event) => event.data?.contactQueue?.entered.some((contact) => contact.id === more[0]));
    for (let interval = 0; interval < 20 && !(told(onA) && told(onB)); interval++) {
      await clock.advance(POLL_MS);
      await bothWaiting();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect([told(onA), told(onB)]).toEqual([true, true]);
    await a.resetStats();
    await clock.advance(POLL_MS);
    await bothWaiting();
    expect(await contactRequests(a)).toBe(pages);
  });
});
