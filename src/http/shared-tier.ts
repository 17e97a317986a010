import type { z } from 'zod';
import { parseJson } from './body.js';
import { STALE_ON_ERROR_CODES, type CacheSettings, type Sized } from './cache.js';
import type { Deadline } from './deadline.js';
import { UpstreamError, type UpstreamName } from './errors.js';
import type { UpstreamRoute } from './routes.js';
import { deadlineError } from './timeouts.js';

/** One upstream answer's place in the shared store: the route and credential hash it belongs to, and the request. */
export interface SharedKey {
  route: UpstreamRoute;
  /** A hash of the credential sent, never the credential. */
  credential: string;
  /** The request key (method, canonical URL, credential hash). */
  request: string;
}

/** What the shared store holds under a key, as one read saw it. */
export interface SharedRead {
  /** The key's generation when read: an invalidation since makes what is written under it unreadable. */
  generation: string;
  /** The upstream's text; `null`: nothing; `TOO_LARGE`: the answer exists but is kept by each replica alone. */
  text: string | null;
  /** How long ago it was stored, on the store's clock. */
  ageMs: number;
}

export const TOO_LARGE = '';

/** The load lock of one key across replicas. */
export type LoadLock =
  | { kind: 'acquired'; release(answer: { text: string; lifeMs: number } | null, seen: SharedRead): Promise<void> }
  | { kind: 'held' }
  | { kind: 'unavailable' };

/**
 * The shared tier as the HTTP layer needs it (the Redis one:
 * src/redis/answers.ts). Every method answers within the store's bound;
 * `null` / `unavailable` mean the store cannot be used now, and the caller
 * then goes on alone.
 */
export interface SharedAnswers {
  read(key: SharedKey): Promise<SharedRead | null>;
  /** Takes the key's load lock: one replica loads, the others wait for its answer. */
  lock(key: SharedKey): Promise<LoadLock>;
  /** Resolves when the key's load lock is let go (its answer written, or not), after `ms` at most, or when `signal` aborts. */
  changed(key: SharedKey, ms: number, signal: AbortSignal): Promise<void>;
  /** Every replica drops what one route read with one credential (a write changed it). */
  invalidate(route: UpstreamRoute, credential: string): void;
  /** Hears the invalidations other replicas announce. */
  onInvalidated(listener: (route: UpstreamRoute, credential: string) => void): void;
}

/** An answer from the shared tier, or loaded by this replica; `ageMs` says how old the L1 entry made of it starts. */
export type TieredLoad = <T>(key: SharedKey, deadline: Deadline, options: TieredOptions<T>) => Promise<Sized<T>>;

export interface TieredOptions<T> {
  upstream: UpstreamName;
  /** The answer from its text, validated as it would be from the upstream; undefined when it does not validate. */
  decode(text: string): T | undefined;
  /** The upstream call; told whether a stale answer exists (its budget need not wait then). */
  load(hasStale: boolean): Promise<Sized<T>>;
  /** Told when the answer came from the shared tier instead: fresh, or stale because the upstream call failed. */
  served?(outcome: 'hit' | 'staleOnError'): void;
}

/** An answer another replica kept, validated as if it came from the upstream; undefined when it does not validate. */
export const decoderFor =
  <T>(schema: z.ZodType<T>) =>
  (text: string): T | undefined => {
    const parsed = schema.safeParse(parseJson(text));
    return parsed.success ? parsed.data : undefined;
  };

/** Waiting replicas look again this often at first, then less often, until notified or their deadline. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 500;

/**
 * L2 behind the in-process cache, and one upstream load per key across all
 * replicas. On a miss a replica takes the key's load lock; the others wait
 * (notified when it lets go, polling in case the notice is lost) and read
 * its answer. A holder that fails lets go without an answer and one waiter
 * takes over; a holder that died loses its lock when the lease runs out, and
 * one waiter takes over then. Whatever the store cannot do (it is down, slow,
 * or the answer is too large for it), the replica does alone.
 */
export function createTieredLoad(store: SharedAnswers, settings: Pick<CacheSettings, 'policies' | 'maxStaleSeconds'>): TieredLoad {
  return async <T>(key: SharedKey, deadline: Deadline, { upstream, decode, load, served = () => undefined }: TieredOptions<T>): Promise<Sized<T>> => {
    const ttl = settings.policies[key.route].ttlSeconds * 1000;
    const lifeMs = ttl + settings.maxStaleSeconds * 1000;
    const usable = (seen: SharedRead | null, maxAgeMs: number): Sized<T> | undefined => {
      if (!seen?.text || seen.ageMs >= maxAgeMs) return undefined;
      const value = decode(seen.text);
      return value === undefined ? undefined : { value, bytes: Buffer.byteLength(seen.text), ageMs: seen.ageMs };
    };
    let poll = POLL_FIRST_MS;
    let seen = await store.read(key);
    for (;;) {
      const fresh = usable(seen, ttl);
      if (fresh) {
        served('hit');
        return fresh;
      }
      if (seen === null || seen.text === TOO_LARGE) return load(false);
      const lock = await store.lock(key);
      if (lock.kind === 'unavailable') return load(seen.text !== null);
      if (lock.kind === 'acquired') {
        // The holder before may have let go between this replica's read and its lock: read again.
        const since = await store.read(key);
        if (since !== null && since.text !== TOO_LARGE && !usable(since, ttl)) return loadHolding(lock, since);
        void lock.release(null, since ?? seen);
        seen = since;
        continue;
      }
      await store.changed(key, Math.min(poll, deadline.remainingMs()), deadline.signal);
      if (deadline.signal.aborted) throw deadlineError(upstream, deadline, false);
      poll = Math.min(POLL_MAX_MS, poll * 2);
      seen = await store.read(key);
    }

    async function loadHolding(lock: Extract<LoadLock, { kind: 'acquired' }>, seen: SharedRead): Promise<Sized<T>> {
      const stale = usable(seen, lifeMs);
      let answer: Sized<T>;
      try {
        answer = await load(stale !== undefined);
      } catch (error) {
        void lock.release(null, seen);
        // Past its TTL but within the stale window: better than an error the upstream is not to blame for.
        if (stale && error instanceof UpstreamError && STALE_ON_ERROR_CODES.has(error.code)) {
          served('staleOnError');
          return stale;
        }
        throw error;
      }
      // Written before the lock goes, so a waiter woken by its release finds the answer.
      await lock.release(answer.text === undefined ? null : { text: answer.text, lifeMs }, seen);
      return answer;
    }
  };
}
