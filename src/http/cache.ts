import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from './clock.js';
import { UpstreamError } from './errors.js';
import type { UpstreamRoute } from './routes.js';

/**
 * How long an answer stays fresh, and whether a caller may get it a little
 * late while it is refreshed behind their back. Stale-while-revalidate only
 * where an older answer misleads nobody: agent details barely change,
 * reports and Rocket.Chat (which memoises 60 s itself) move slowly; message
 * pages and contacts (waiting times move every second) are never served
 * stale that way.
 */
export interface RoutePolicy {
  ttlSeconds: number;
  staleWhileRevalidate: boolean;
}

export const DEFAULT_ROUTE_POLICIES: Readonly<Record<UpstreamRoute, RoutePolicy>> = {
  'avaamo.agentDetails': { ttlSeconds: 600, staleWhileRevalidate: true },
  'avaamo.unhandledMessages': { ttlSeconds: 60, staleWhileRevalidate: true },
  'avaamo.smsReport': { ttlSeconds: 60, staleWhileRevalidate: true },
  'avaamo.messages': { ttlSeconds: 15, staleWhileRevalidate: false },
  // Windows wholly in the past: nothing new arrives there, so an hour, refreshed behind the caller's back.
  'avaamo.unhandledMessages.past': { ttlSeconds: 3600, staleWhileRevalidate: true },
  'avaamo.messages.past': { ttlSeconds: 3600, staleWhileRevalidate: true },
  'avaamo.smsReport.past': { ttlSeconds: 3600, staleWhileRevalidate: true },
  // A write: never cached, whatever its TTL says.
  'avaamo.postMessage': { ttlSeconds: 0, staleWhileRevalidate: false },
  'vambe.contactsByStatus': { ttlSeconds: 5, staleWhileRevalidate: false },
  'rocketchat.conversationsByAgent': { ttlSeconds: 60, staleWhileRevalidate: true },
};

/**
 * Refresh failures after which an answer past its TTL (but within the
 * max-stale window) is better than an error: the upstream is not wrong, only
 * unreachable for now (over budget, or an open circuit breaker).
 */
export const STALE_ON_ERROR_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE']);

export interface CacheSettings {
  /** `false` (CACHE=off): every call goes upstream. */
  enabled: boolean;
  maxBytes: number;
  policies: Readonly<Record<UpstreamRoute, RoutePolicy>>;
  /** How long past its TTL an answer may still be served (refresh failed or in progress). */
  maxStaleSeconds: number;
}

export interface CacheKey {
  route: UpstreamRoute;
  /** A hash of the credential sent, never the credential. */
  credential: string;
  /** The request itself (method, canonical URL, credential hash). */
  request: string;
}

/** What the cache did for one call, for `extensions.upstream`. */
export type CacheOutcome = 'hit' | 'stale' | 'staleOnError' | 'miss' | 'coalesced';

/** An upstream answer and the size of the text it was parsed from. */
export interface Sized<T> {
  value: T;
  bytes: number;
  /** The text itself, for the shared tier to keep (shared-tier.ts). */
  text?: string;
  /** How old it already is: an answer another replica loaded (shared-tier.ts). @default 0 */
  ageMs?: number;
}

/**
 * Loads a fresh answer. Told whether a stale one exists (the budget need not
 * wait for it), and whether the load is shared: other callers may join it,
 * so it must not end with the deadline of the caller who happened to start it.
 */
export type Load<T> = (how: { hasStale: boolean; shared: boolean }) => Promise<Sized<T>>;

export interface UpstreamCache {
  /**
   * The answer, from the cache or loaded. `record` hears what the cache did;
   * `answered` hears until when the answer handed back is fresh (clock ms):
   * in the past for one served stale, `null` for one the cache does not keep.
   */
  get<T>(
    key: CacheKey,
    load: Load<T>,
    record?: (outcome: CacheOutcome) => void,
    answered?: (freshUntil: number | null) => void,
  ): Promise<T>;
  /**
   * Drops every entry of one route read with one credential, reads still in
   * flight included (their answers reach the callers already waiting but are
   * not stored); returns how many.
   */
  invalidate(route: UpstreamRoute, credential: string): number;
  /** The estimated bytes held now (what CACHE_MAX_BYTES bounds). */
  bytes(): number;
}


interface Entry {
  value: unknown;
  storedAt: number;
  bytes: number;
}

interface FetchContext {
  load: Load<unknown>;
  hasStale: boolean;
}

/**
 * Parsed JSON takes more memory than its text: about 1.2× for Avaamo pages
 * (heap after GC, measured). Counted double, because evicted entries have
 * lived long enough to reach V8's old space and stay there as garbage until a
 * major GC: the bound is meant for the process's memory, not the live set.
 */
const MEMORY_PER_JSON_BYTE = 2;
const ENTRY_OVERHEAD_BYTES = 200;

const ROUTE_SEPARATOR = ' ';

/**
 * The cross-request cache of upstream GET answers (lru-cache), keyed by
 * route, credential hash and request, bounded by an estimate of the bytes
 * held. Concurrent identical misses share one upstream call (lru-cache's
 * fetchMethod keeps one fetch in flight per key). lru-cache's TTL is the hard
 * end of an entry (TTL + max stale); freshness is checked here, so a stale
 * entry stays available for the cases that may serve it.
 */
export function createUpstreamCache(
  settings: CacheSettings,
  clock: Pick<Clock, 'now'> = systemClock,
  onEvict: () => void = () => {},
): UpstreamCache {
  const freshMs = (route: UpstreamRoute) => settings.policies[route].ttlSeconds * 1000;
  const staleMs = settings.maxStaleSeconds * 1000;

  const lru = new LRUCache<string, Entry, FetchContext>({
    maxSize: Math.max(1, settings.maxBytes),
    sizeCalculation: (entry) => entry.bytes,
    perf: clock,
    // Read the clock on every check (lru-cache otherwise reuses one reading for 1 ms).
    ttlResolution: 0,
    fetchMethod: async (key, _stale, { context, options }) => {
      const { value, bytes, ageMs = 0 } = await context.load({ hasStale: context.hasStale, shared: true });
      // Another replica's answer ends when it would have ended there.
      if (ageMs > 0 && options.ttl !== undefined) options.ttl = Math.max(1, options.ttl - ageMs);
      return { value, storedAt: clock.now() - ageMs, bytes: bytes * MEMORY_PER_JSON_BYTE + key.length * 2 + ENTRY_OVERHEAD_BYTES };
    },
    // Keep the old entry when a refresh fails: it may still be served stale.
    noDeleteOnFetchRejection: true,
    // An entry deleted while its fetch is in flight (invalidated): the
    // callers waiting get that answer, but it is not stored (it may predate
    // the write), because lru-cache stores a fetch's result only where that
    // fetch still sits.
    ignoreFetchAbort: true,
    // Dropped to make room, as opposed to expired, replaced or invalidated.
    dispose: (_entry, _key, reason) => {
      if (reason === 'evict') onEvict();
    },
  });

  // Ids with a fetch in flight, and how many callers wait on each: lru-cache's
  // keys() skips entries whose value is still a fetch, and invalidation must
  // reach those too.
  const inFlight = new Map<string, number>();

  function refresh(key: string, route: UpstreamRoute, context: FetchContext) {
    const status: LRUCache.Status<string, Entry, FetchContext> = {};
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    const pending = lru.fetch(key, {
      context,
      forceRefresh: true,
      ttl: freshMs(route) + staleMs,
      status,
    });
    const settled = () => {
      const waiting = (inFlight.get(key) ?? 1) - 1;
      if (waiting > 0) inFlight.set(key, waiting);
      else inFlight.delete(key);
    };
    pending.then(settled, settled);
    return { pending, coalesced: status.fetch === 'inflight' };
  }

  return {
    async get<T>(
      key: CacheKey,
      load: Load<T>,
      record: (outcome: CacheOutcome) => void = () => {},
      answered: (freshUntil: number | null) => void = () => {},
    ): Promise<T> {
      const ttl = freshMs(key.route);
      if (!settings.enabled || ttl <= 0) {
        record('miss');
        answered(null);
        return (await load({ hasStale: false, shared: false })).value;
      }
      const id = [key.route, key.credential, key.request].join(ROUTE_SEPARATOR);
      const entry = lru.get(id, { allowStale: false });
      const age = entry ? clock.now() - entry.storedAt : Number.POSITIVE_INFINITY;
      if (entry && age < ttl) {
        record('hit');
        answered(entry.storedAt + ttl);
        return entry.value as T;
      }
      const context: FetchContext = { load, hasStale: entry !== undefined };
      if (entry && settings.policies[key.route].staleWhileRevalidate) {
        // Failures of a background refresh are the next caller's to see.
        refresh(id, key.route, context).pending.catch(() => {});
        record('stale');
        answered(entry.storedAt + ttl);
        return entry.value as T;
      }
      const { pending, coalesced } = refresh(id, key.route, context);
      record(coalesced ? 'coalesced' : 'miss');
      try {
        const fresh = await pending;
        answered(fresh ? fresh.storedAt + ttl : null);
        // Undefined only if the entry was dropped mid-flight without an answer; ask again, uncached.
        return (fresh ? fresh.value : (await load({ hasStale: false, shared: false })).value) as T;
      } catch (error) {
        if (entry && error instanceof UpstreamError && STALE_ON_ERROR_CODES.has(error.code)) {
          record('staleOnError');
          answered(entry.storedAt + ttl);
          return entry.value as T;
        }
        throw error;
      }
    },

    bytes: () => lru.calculatedSize,

    invalidate(route, credential) {
      const prefix = route + ROUTE_SEPARATOR + credential + ROUTE_SEPARATOR;
      let dropped = 0;
      for (const id of new Set([...lru.keys(), ...inFlight.keys()])) {
        if (id.startsWith(prefix) && lru.delete(id)) dropped += 1;
      }
      return dropped;
    },
  };
}
