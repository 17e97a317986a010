import { createHash, randomBytes } from 'node:crypto';
import { upstreamRoutes, type UpstreamRoute } from '../http/routes.js';
import { TOO_LARGE, type LoadLock, type SharedAnswers, type SharedKey, type SharedRead } from '../http/shared-tier.js';
import type { RedisConnection } from './connection.js';
import { acquireLease } from './lease.js';
import { script } from './script.js';

/**
 * Keys (under REDIS_KEY_PREFIX), none holding a credential, only its hash:
 *   answer:gen:<route> <credential>                      the generation, raised by each invalidation
 *   answer:value:<route> <credential> <generation> <hash>  an answer: `<life ms>\n<text>`, expiring after TTL + max stale
 *   answer:lock:<route> <credential> <hash>               the load lock
 * Channels: answer:done (a lock let go: the key's id), answer:invalidated (JSON).
 * The scripts name keys they derive, so this wants one Redis (with
 * replicas if need be), not Redis Cluster.
 */
const READ = script(`
local generation = redis.call('GET', KEYS[1]) or '0'
local key = ARGV[1] .. generation .. ' ' .. ARGV[2]
local value = redis.call('GET', key)
if not value then return {generation} end
return {generation, value, redis.call('PTTL', key)}
`);

/** Writes the answer (if any) under the generation the holder read, lets go of the lock if still its own, and says so. */
const RELEASE = script(`
if ARGV[4] ~= '' then redis.call('SET', ARGV[4], ARGV[5], 'PX', ARGV[6]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`);

const INVALIDATE = script(`
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`);

/** How long a load lock lasts unless its holder renews it: how soon a waiter takes over from a holder that died. */
const DEFAULT_LEASE_MS = 3_000;
/** Generations outlive every answer written under them (TTL and max stale are at most a day each). */
const GENERATION_LIFE_MS = 3 * 24 * 3600 * 1000;

export interface RedisAnswersOptions {
  /** @default 3000 */
  leaseMs?: number;
}

export function createRedisAnswers(redis: RedisConnection, { leaseMs = DEFAULT_LEASE_MS }: RedisAnswersOptions = {}): SharedAnswers {
  const replica = randomBytes(8).toString('base64url');
  const done = redis.key('answer:done');
  const invalidated = redis.key('answer:invalidated');
  const scope = (key: Pick<SharedKey, 'route' | 'credential'>) => `${key.route} ${key.credential}`;
  // The request key holds the whole URL: hashed, so keys stay short.
  const hashOf = (key: SharedKey) => createHash('sha256').update(key.request).digest('base64url').slice(0, 22);
  const idOf = (key: SharedKey) => `${scope(key)} ${hashOf(key)}`;

  const waiting = new Map<string, Set<() => void>>();
  redis.subscribe(done, (id) => {
    for (const wake of waiting.get(id) ?? []) wake();
  });
  const listeners = new Set<(route: UpstreamRoute, credential: string) => void>();
  redis.subscribe(invalidated, (message) => {
    const notice = parseNotice(message);
    if (!notice || notice.from === replica) return;
    for (const listener of listeners) listener(notice.route, notice.credential);
  });

  return {
    read: (key) =>
      redis.attempt(async (client): Promise<SharedRead> => {
        const reply = (await READ(client, [redis.key(`answer:gen:${scope(key)}`)], [redis.key(`answer:value:${scope(key)} `), hashOf(key)])) as [string, string?, number?];
        const [generation, stored, ttlMs] = reply;
        if (stored === undefined || ttlMs === undefined) return { generation, text: null, ageMs: 0 };
        const newline = stored.indexOf('\n');
        const lifeMs = Number(stored.slice(0, newline));
        return { generation, text: stored.slice(newline + 1), ageMs: Math.max(0, lifeMs - ttlMs) };
      }, () => null),

    async lock(key): Promise<LoadLock> {
      const lockKey = redis.key(`answer:lock:${idOf(key)}`);
      const lease = await acquireLease(redis, lockKey, leaseMs);
      if (lease === 'unavailable' || lease === 'held') return { kind: lease };
      return {
        kind: 'acquired',
        async release(answer, seen) {
          lease.stopRenewing();
          const valueKey = redis.key(`answer:value:${scope(key)} ${seen.generation} ${hashOf(key)}`);
          const text = answer && Buffer.byteLength(answer.text) > redis.settings.maxValueBytes ? TOO_LARGE : answer?.text;
          await redis.attempt(
            (client) =>
              RELEASE(client, [lockKey], [lease.token, done, idOf(key), text === undefined ? '' : valueKey, `${answer?.lifeMs ?? 0}\n${text ?? ''}`, answer?.lifeMs ?? 0]),
            () => undefined,
          );
        },
      };
    },

    changed(key, ms, signal) {
      return new Promise<void>((resolve) => {
        const id = idOf(key);
        let wakers = waiting.get(id);
        if (!wakers) waiting.set(id, (wakers = new Set()));
        const wake = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          wakers.delete(wake);
          if (wakers.size === 0) waiting.delete(id);
          resolve();
        };
        // Real time: the lease it waits on runs out on Redis's clock.
        const timer = setTimeout(wake, ms);
        timer.unref();
        signal.addEventListener('abort', wake, { once: true });
        wakers.add(wake);
      });
    },

    invalidate(route, credential) {
      const notice = JSON.stringify({ from: replica, route, credential });
      void redis.attempt(
        (client) => INVALIDATE(client, [redis.key(`answer:gen:${route} ${credential}`)], [invalidated, notice, GENERATION_LIFE_MS]),
        () => undefined,
      );
    },

    onInvalidated(listener) {
      listeners.add(listener);
    },
  };
}

function parseNotice(message: string): { from: string; route: UpstreamRoute; credential: string } | null {
  try {
    const notice = JSON.parse(message) as { from?: unknown; route?: unknown; credential?: unknown };
    if (typeof notice.from !== 'string' || typeof notice.route !== 'string' || typeof notice.credential !== 'string') return null;
    if (!Object.hasOwn(upstreamRoutes, notice.route)) return null;
    return notice as { from: string; route: UpstreamRoute; credential: string };
  } catch {
    return null;
  }
}
