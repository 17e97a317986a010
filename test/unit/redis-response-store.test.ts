import { describe, expect, it } from 'vitest';
import { createRedisResponseStore } from '../../src/redis/response-store.js';
import type { RedisConnection } from '../../src/redis/connection.js';
import { useTestRedis } from '../redis.js';

/** The response cache's shared store in a real Redis, as two replicas see it. */
const redisServer = useTestRedis();
const clock = { now: () => Date.now() };
const result = (data: string, tags: string[], ttlMs = 60_000) => ({ text: `{"data":${JSON.stringify(data)}}`, expiresAt: Date.now() + ttlMs, tags });

/** Bytes Redis holds for everything but the results themselves: what invalidation keeps per tag. */
async function bytesBesideResults(redis: RedisConnection): Promise<number> {
  let total = 0;
  for (const key of await redis.client.keys('test:*')) {
    if (key.startsWith('test:response:')) continue;
    total += Number(await redis.client.memory('USAGE', key));
  }
  return total;
}

describe('the shared response store', () => {
  it('drops, for every replica, each result built from an invalidated read, and only those', async () => {
    const [one, two] = [createRedisResponseStore(await redisServer.connect(), clock), createRedisResponseStore(await redisServer.connect(), clock)];
    one.set('a', result('a', ['avaamo.messages t1', 'avaamo.agentDetails u']));
    one.set('b', result('b', ['avaamo.messages t2', 'avaamo.agentDetails u']));
    await expect.poll(() => two.get('b')).toMatchObject({ text: '{"data":"b"}', tags: ['avaamo.messages t2', 'avaamo.agentDetails u'] });
    expect(await two.get('a')).toMatchObject({ text: '{"data":"a"}' });
    two.invalidate('avaamo.messages t1');
    await expect.poll(() => one.get('a')).toBeUndefined();
    expect(await one.get('b')).toBeDefined();
    one.invalidate('avaamo.agentDetails u');
    await expect.poll(() => two.get('b')).toBeUndefined();
    // Written after the invalidation: served again.
    two.set('b', result('b2', ['avaamo.messages t2', 'avaamo.agentDetails u']));
    await expect.poll(() => one.get('b')).toMatchObject({ text: '{"data":"b2"}' });
    // A tag nothing was written under: nothing dropped, nothing made.
    one.invalidate('rocketchat.conversationsByAgent never');
    expect(await one.get('b')).toBeDefined();
  });

  it('keeps what it holds per tag the same however many results are built from it', async () => {
    const redis = await redisServer.connect();
    const store = createRedisResponseStore(redis, clock);
    const tags = ['avaamo.agentDetails u', 'avaamo.smsReport u'];
    // A dashboard polling with a new `to` each time: a new key each poll, the same two reads.
    store.set('poll 0', result('0', tags));
    await expect.poll(() => store.get('poll 0')).toBeDefined();
    const first = await bytesBesideResults(redis);
    for (let poll = 1; poll <= 500; poll++) store.set(`poll ${poll}`, result(String(poll), tags));
    await expect.poll(() => store.get('poll 500')).toBeDefined();
    expect(await bytesBesideResults(redis)).toBe(first);
    // And one invalidation still drops every one of them.
    store.invalidate('avaamo.smsReport u');
    await expect.poll(() => store.get('poll 500')).toBeUndefined();
    expect(await store.get('poll 1')).toBeUndefined();
    expect(await store.get('poll 0')).toBeUndefined();
  });

  it('keeps a result only until its own expiry, and nothing larger than REDIS_MAX_VALUE_BYTES', async () => {
    const redis = await redisServer.connect();
    const store = createRedisResponseStore(redis, clock);
    store.set('short', result('short', ['route t'], 150));
    store.set('long', result('long', ['route t']));
    await expect.poll(() => store.get('long')).toBeDefined();
    await expect.poll(() => store.get('short'), { timeout: 5_000 }).toBeUndefined();
    store.set('huge', result('x'.repeat(2 << 20), ['route t']));
    store.set('after', result('after', ['route t']));
    await expect.poll(() => store.get('after')).toBeDefined();
    expect(await store.get('huge')).toBeUndefined();
  });
});
