import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { CohortLocks, QueueFanout, QueueSharing } from '../queue/sharing.js';
import type { CohortUpdate } from '../queue/types.js';
import type { RedisConnection } from './connection.js';
import { RELEASE } from './lease.js';
import { script } from './script.js';

/** Takes the lock, or renews it for its holder: one step, so two replicas never both hold it. */
const TAKE_OR_RENEW = script(`
local holder = redis.call('GET', KEYS[1])
if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`);

/**
 * The live queue across replicas (queue/sharing.ts): one poller per cohort,
 * the holder of a lock in Redis that each pass renews for the wait ahead
 * (so a replica that dies loses it within one interval and a pass), and
 * updates over Redis pub/sub (@graphql-yoga/redis-event-target on a
 * subscriber connection of its own) to every replica's subscribers, the
 * last one kept for a replica that joins between polls.
 *
 * While Redis is unavailable (`attempt` falls back) each replica polls for
 * its own subscribers under `local`'s lock and hands them its updates
 * itself; a subscriber misses nothing for Redis's sake, since each event is
 * computed from the latest read it has, whichever poller made it.
 */
export function createRedisQueueSharing(redis: RedisConnection, local: QueueSharing, keepLatestMs: number): QueueSharing {
  const lockKey = (cohort: string) => redis.key(`queue:lock:${cohort}`);
  const channel = (cohort: string) => redis.key(`queue:updates:${cohort}`);
  const latestKey = (cohort: string) => redis.key(`queue:latest:${cohort}`);

  const locks: CohortLocks = {
    async acquire(cohort, holder, ttlMs) {
      const taken = await redis.attempt(
        async (client): Promise<boolean | null> => (await TAKE_OR_RENEW(client, [lockKey(cohort)], [holder, Math.max(1, Math.round(ttlMs))])) === 1,
        () => null,
      );
      return taken ?? local.locks.acquire(cohort, holder, ttlMs);
    },
    async release(cohort, holder) {
      await Promise.all([
        redis.attempt((client) => RELEASE(client, [lockKey(cohort)], [holder]), () => null),
        local.locks.release(cohort, holder),
      ]);
    },
  };

  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  subscriber.on('error', () => undefined);
  const updates = createRedisEventTarget<CustomEvent<CohortUpdate>>({
    // Publishing goes through `attempt` below (bounded, counted, with its fallback), never through the target.
    publishClient: redis.client,
    subscribeClient: quietSubscriber(subscriber),
  });

  const fanout: QueueFanout = {
    async publish(cohort, update) {
      const json = JSON.stringify(update);
      const sent = await redis.attempt(async (client) => {
        await client.multi().set(latestKey(cohort), json, 'PX', keepLatestMs).publish(channel(cohort), json).exec();
        return true;
      }, () => false);
      if (!sent) await local.fanout.publish(cohort, update);
    },
    subscribe(cohort, listener) {
      const heard = (event: CustomEvent<CohortUpdate>) => listener(event.detail);
      updates.addEventListener(channel(cohort), heard);
      const unheardLocally = local.fanout.subscribe(cohort, listener);
      return () => {
        updates.removeEventListener(channel(cohort), heard);
        unheardLocally();
      };
    },
    async latest(cohort) {
      const kept = await redis.attempt(async (client) => {
        const json = await client.get(latestKey(cohort));
        return json === null ? null : (JSON.parse(json) as CohortUpdate);
      }, () => null);
      return kept ?? local.fanout.latest(cohort);
    },
  };
  return { locks, fanout };
}

/**
 * The subscriber connection as the event target uses it: its (un)subscribe
 * promises are not awaited there, so a refusal while Redis is away would be
 * an unhandled rejection; here it is dropped (ioredis subscribes afresh on
 * reconnection).
 */
function quietSubscriber(client: Redis): Redis {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'subscribe' || property === 'unsubscribe') {
        return (...channels: string[]) => target[property](...channels).catch(() => undefined);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
