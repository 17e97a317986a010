import { describe, expect, it } from 'vitest';
import { createLocalSharing } from '../../src/queue/sharing.js';
import type { CohortUpdate } from '../../src/queue/types.js';
import { createRedisQueueSharing } from '../../src/redis/queue-sharing.js';
import { createRedisTraversalStore } from '../../src/redis/traversal-store.js';
import { useTestRedis } from '../redis.js';

/** Values in Redis this build did not write (another version's, or damaged): each read as a miss, Redis still up. */
const redisServer = useTestRedis();

const update: CohortUpdate = {
  kind: 'queue',
  read: {
    contacts: [{ id: 'c-1', name: 'Ana', created_at: '2026-11-30T10:00:00.000Z', waiting_time: 30, waitingSince: 1_764_496_800_000 }],
    totalCount: 1,
    complete: true,
    readAt: 1_764_496_830_000,
    stale: false,
  },
};

describe('values read back from Redis', () => {
  it('takes a cohort\'s latest update only in its shape: not JSON, or another shape, is a miss', async () => {
    const redis = await redisServer.connect();
    const sharing = createRedisQueueSharing(redis, createLocalSharing({ now: () => Date.now() }, 60_000), 60_000);
    await sharing.fanout.publish('cohort-a', update);
    expect(await sharing.fanout.latest('cohort-a')).toEqual(update);
    for (const bad of ['{"kind":"queue","read":', '{"kind":"queue","read":{"contacts":"none"}}', '[1,2]']) {
      await redis.client.set('test:queue:latest:cohort-b', bad);
      expect(await sharing.fanout.latest('cohort-b')).toBeNull();
    }
    expect(redis.health.state).toBe('up');
    expect(redis.health.counters.fallbacks).toBe(0);
  });

  it('takes a traversal\'s pages only in their shape: a bad page on the way is a miss', async () => {
    const redis = await redisServer.connect();
    const [writer, reader] = [createRedisTraversalStore(redis), createRedisTraversalStore(redis)];
    let written: Promise<void> | undefined;
    const first = writer.record({ parent: null, returned: ['a', 'b'], resumeAfter: null, resumeBefore: null }, (settled) => (written = settled));
    await written;
    const second = writer.record({ parent: first, returned: ['c'], resumeAfter: 7, resumeBefore: null }, (settled) => (written = settled));
    await written;
    expect(await reader.load(second)).toEqual({ returned: new Set(['a', 'b', 'c']), resumeAfter: 7, resumeBefore: null });
    // The first page damaged: the way back no longer holds, and the reader has no page of its own.
    await redis.client.set(`test:traversal:${first}`, '\n{"parent":null,"returned":"a,b"}');
    expect(await reader.load(second)).toBeUndefined();
    await redis.client.set(`test:traversal:${first}`, '\nnot json');
    expect(await reader.load(second)).toBeUndefined();
    expect(redis.health.state).toBe('up');
  });
});
