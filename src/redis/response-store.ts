import type { Clock } from '../http/clock.js';
import type { ResponseStore, StoredResponse } from '../response-cache/store.js';
import type { RedisConnection } from './connection.js';
import { script } from './script.js';

/**
 * Keys: response:<key> (the result's text and tags as JSON, expiring with
 * the result) and response-tag:<tag> (the keys built from one upstream read,
 * for invalidation; it lives as long as its longest-lived result).
 */
const GET = script(`
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return {value, redis.call('PTTL', KEYS[1])}
`);

const SET = script(`
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for index = 2, #KEYS do
  redis.call('SADD', KEYS[index], KEYS[1])
  if redis.call('PTTL', KEYS[index]) < ttl then redis.call('PEXPIRE', KEYS[index], ttl) end
end
return 1
`);

const INVALIDATE = script(`
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * The response cache's shared store: results kept for every replica, each
 * until its own expiry (Redis's PX), dropped with the upstream reads they
 * were built from. Expiry times travel as time left, so no replica's clock
 * matters; a result larger than REDIS_MAX_VALUE_BYTES stays in process.
 */
export function createRedisResponseStore(redis: RedisConnection, clock: Pick<Clock, 'now'>): ResponseStore {
  const keyOf = (key: string) => redis.key(`response:${key}`);
  const tagKey = (tag: string) => redis.key(`response-tag:${tag}`);
  return {
    get: (key) =>
      redis.attempt(async (client) => {
        const reply = (await GET(client, [keyOf(key)], [])) as [string, number] | null;
        if (!reply || reply[1] <= 0) return undefined;
        const stored = parseStored(reply[0]);
        return stored && { ...stored, expiresAt: clock.now() + reply[1] };
      }, () => undefined),

    set(key, response) {
      const ttl = Math.floor(response.expiresAt - clock.now());
      const value = JSON.stringify({ text: response.text, tags: response.tags });
      if (ttl <= 0 || Buffer.byteLength(value) > redis.settings.maxValueBytes) return;
      void redis.attempt((client) => SET(client, [keyOf(key), ...response.tags.map(tagKey)], [value, ttl]), () => undefined);
    },

    invalidate(tag) {
      void redis.attempt((client) => INVALIDATE(client, [tagKey(tag)], []), () => undefined);
    },
  };
}

function parseStored(value: string): Omit<StoredResponse, 'expiresAt'> | undefined {
  try {
    const parsed = JSON.parse(value) as { text?: unknown; tags?: unknown };
    if (typeof parsed.text !== 'string' || !Array.isArray(parsed.tags) || !parsed.tags.every((tag) => typeof tag === 'string')) return undefined;
    return { text: parsed.text, tags: parsed.tags as string[] };
  } catch {
    return undefined;
  }
}
