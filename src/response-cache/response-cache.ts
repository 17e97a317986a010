import type { ExecutionResult } from 'graphql';
import type { Clock } from '../http/cache.js';
import type { UpstreamRoute } from '../http/routes.js';
import { readTag, type UpstreamReads } from '../http/upstream-reads.js';
import { responseLifetimeMs } from './lifetime.js';
import type { ResponseStore, StoredResponse } from './store.js';

export interface ResponseCacheSettings {
  /** RESPONSE_CACHE=true, and the upstream cache on too (CACHE=false turns both off). */
  enabled: boolean;
  maxBytes: number;
}

/** What a query in flight hands the identical operations that waited for it. */
export type Shared =
  /** Its result, serialized: kept or not, every waiter sends this text. */
  | { text: string }
  /** A result that is not kept (it has errors): each waiter sends it as its own. */
  | { result: ExecutionResult }
  /** Nothing: its caller left (the result may be cut short by that), or it failed; waiters execute for themselves. */
  | null;

/** A query being executed, which identical operations join instead of executing again. */
export interface Flight {
  readonly key: string;
  readonly reads: UpstreamReads;
  /** Resolved by finish. */
  readonly shared: Promise<Shared>;
}

interface FlightState extends Flight {
  /** A write invalidated something it had read: its result is not kept. */
  tainted: boolean;
  share(shared: Shared): void;
}

export interface ResponseCache {
  lookup(key: string): ReturnType<ResponseStore['get']>;
  /** The query with this key in flight now, if one is and no write has invalidated what it read. */
  inFlight(key: string): Flight | undefined;
  /** Registers a query that starts executing with these reads. */
  begin(key: string, reads: UpstreamReads): Flight;
  /**
   * Its result is in: shares it with those waiting, keeps it when it may be
   * kept, and returns its text when it has one.
   */
  finish(flight: Flight, result: ExecutionResult | null, callerLeft: boolean): string | undefined;
  /** A write changed what `route` reads with `credential`: every result built from it goes. */
  invalidate(route: UpstreamRoute, credential: string): void;
}

/**
 * Whole results of queries in front of execution: the store holds the
 * finished ones, `flights` the ones being executed, so identical operations
 * arriving together execute once (inbound in-flight deduplication). An
 * invalidation reaches both: stored results built from the invalidated read
 * are dropped, and a query in flight that already read it is neither kept
 * nor joined by later arrivals, which then see the write.
 */
export function createResponseCache(store: ResponseStore, clock: Clock = performance): ResponseCache {
  const flights = new Map<string, FlightState>();

  return {
    lookup: (key) => store.get(key),

    inFlight: (key) => flights.get(key),

    begin(key, reads) {
      let share!: (shared: Shared) => void;
      const shared = new Promise<Shared>((resolve) => (share = resolve));
      const flight: FlightState = { key, reads, shared, tainted: false, share };
      flights.set(key, flight);
      return flight;
    },

    finish(flight, result, callerLeft) {
      const state = flight as FlightState;
      if (flights.get(state.key) === state) flights.delete(state.key);
      if (!result || callerLeft) {
        state.share(null);
        return undefined;
      }
      const text = cacheableText(result);
      if (text === undefined) {
        state.share({ result });
        return undefined;
      }
      state.share({ text });
      const now = clock.now();
      const lifetime = state.tainted ? 0 : responseLifetimeMs(state.reads.freshUntil, now);
      if (lifetime > 0) store.set(state.key, { text, expiresAt: now + lifetime, tags: [...state.reads.tags] } satisfies StoredResponse);
      return text;
    },

    invalidate(route, credential) {
      const tag = readTag(route, credential);
      store.invalidate(tag);
      for (const flight of flights.values()) {
        if (!flight.reads.tags.has(tag)) continue;
        flight.tainted = true;
        flights.delete(flight.key);
      }
    },
  };
}

/**
 * The text of a result that may be kept: data and no errors. The upstream
 * counts (`extensions.upstream`) are each response's own and are left out;
 * a result with any other extension is not kept, as a hit could not repeat it.
 */
function cacheableText(result: ExecutionResult): string | undefined {
  if (result.errors?.length || !result.data) return undefined;
  for (const name in result.extensions ?? {}) if (name !== 'upstream') return undefined;
  return JSON.stringify({ data: result.data });
}
