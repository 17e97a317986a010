import { createMemoryRateWindows, RATE_WINDOW_MS, type RateWindows } from '../auth/rate-windows.js';
import type { RedisConnection } from './connection.js';
import { shareOfRate } from './share.js';
import { script } from './script.js';

/** Counts one operation; the first of a window starts it (on Redis's clock). */
const TAKE = script(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`);

/**
 * Each caller's window counted in Redis across all replicas; while Redis
 * is unavailable, in this replica at `localShare` of the limit.
 */
export function createRedisRateWindows(redis: RedisConnection, localShare: number): RateWindows {
  const local = createMemoryRateWindows();
  return {
    take: (caller, perMinute) =>
      redis.attempt(
        async (client) => {
          const [count, resetInMs] = (await TAKE(client, [redis.key(`rate:${caller}`)], [RATE_WINDOW_MS])) as [number, number];
          return { allowed: count <= perMinute, resetInMs: resetInMs > 0 ? resetInMs : RATE_WINDOW_MS };
        },
        () => local.take(caller, shareOfRate(perMinute, localShare)),
      ),
  };
}
