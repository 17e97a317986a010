import type { Clock } from '../http/clock.js';
import type { ResponseStore, StoredResponse } from '../response-cache/store.js';
import type { RedisConnection } from './connection.js';
import { script } from './script.js';

/**
 * Keys: response:<key> (the counters it was written under, a newline, the
 * result's text and tags as JSON; expiring with the result) and response-gen:<tag> (a counter, raised
 * by each invalidation of the upstream read the tag names). A result is
 * served only while every tag's counter is what it was when the result was
 * written: an invalidation is one INCR, however many results it drops, and a
 * tag costs one counter, not a set of every key ever built from it (a poller
 * with a new `to` each time builds a new key each time).
 *
 * Each write makes a tag's counter live at least as long as the result, so a
 * counter never expires (and restarts at 0, matching a result written at 0)
 * while a result written under it is still kept.
 */
const SET = script(`
local ttl = tonumber(ARGV[2])
local written = {}
for index = 2, #KEYS do
  if not redis.call('SET', KEYS[index], '0', 'NX', 'PX', ttl) and redis.call('PTTL', KEYS[index]) < ttl then
    redis.call('PEXPIRE', KEYS[index], ttl)
  end
  written[#written + 1] = {KEYS[index], redis.call('GET', KEYS[index])}
end
redis.call('SET', KEYS[1], cjson.encode(written) .. '\\n' .. ARGV[1], 'PX', ttl)
return 1
`);

/** The result, if every counter it was written under (its first line: `[[key, generation], …]`) still holds that generation. */
const GET = script(`
local value = redis.call('GET', KEYS[1])
if not value then return nil end
local newline = string.find(value, '\\n', 1, true)
if not newline then return nil end
for _, written in ipairs(cjson.decode(string.sub(value, 1, newline - 1))) do
  if redis.call('GET', written[1]) ~= written[2] then
    redis.call('DEL', KEYS[1])
    return nil
  end
end
return {string.sub(value, newline + 1), redis.call('PTTL', KEYS[1])}
`);

// A tag with no counter has no result kept under it: nothing to drop, and no counter to create (it would never expire).
const INVALIDATE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCR', KEYS[1]) end
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
  const generationKey = (tag: string) => redis.key(`response-gen:${tag}`);
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
      void redis.attempt((client) => SET(client, [keyOf(key), ...response.tags.map(generationKey)], [value, ttl]), () => undefined);
    },

    invalidate(tag) {
      void redis.attempt((client) => INVALIDATE(client, [generationKey(tag)], []), () => undefined);
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
