import type { CacheOutcome } from './cache.js';
import type { UpstreamRoute } from './routes.js';

/** What one GraphQL operation cost upstream, per route (`extensions.upstream`). */
export interface RouteCounts {
  /** Calls actually sent to the upstream. */
  requests: number;
  /** Answers served from the cross-request cache, fresh or stale. */
  cacheHits: number;
  /** Of those, answers past their TTL (refreshing, or the refresh failed). */
  staleHits: number;
  /** Calls that waited for an identical call already in flight instead of sending their own. */
  coalesced: number;
}

export interface UpstreamStatsSnapshot extends RouteCounts {
  byRoute: Partial<Record<UpstreamRoute, RouteCounts>>;
}

export type UpstreamEvent = 'request' | CacheOutcome;

export interface UpstreamStats {
  record(route: UpstreamRoute, event: UpstreamEvent): void;
  snapshot(): UpstreamStatsSnapshot;
}

const zero = (): RouteCounts => ({ requests: 0, cacheHits: 0, staleHits: 0, coalesced: 0 });

/** One per GraphQL request. */
export function createUpstreamStats(): UpstreamStats {
  const byRoute: Partial<Record<UpstreamRoute, RouteCounts>> = {};
  return {
    record(route, event) {
      const counts = (byRoute[route] ??= zero());
      if (event === 'request') counts.requests += 1;
      else if (event === 'hit') counts.cacheHits += 1;
      else if (event === 'stale' || event === 'staleOnError') {
        counts.cacheHits += 1;
        counts.staleHits += 1;
      } else if (event === 'coalesced') counts.coalesced += 1;
    },
    snapshot() {
      const total = zero();
      for (const counts of Object.values(byRoute)) {
        total.requests += counts.requests;
        total.cacheHits += counts.cacheHits;
        total.staleHits += counts.staleHits;
        total.coalesced += counts.coalesced;
      }
      return { ...total, byRoute: structuredClone(byRoute) };
    },
  };
}

/** Records nothing: for calls made outside any GraphQL request. */
export const noUpstreamStats: UpstreamStats = {
  record: () => {},
  snapshot: () => ({ ...zero(), byRoute: {} }),
};

/** The header a caller sends to see what its operation cost upstream. */
const DEBUG_UPSTREAM_HEADER = 'x-cx-debug-upstream';

/** Whether the response to a request with these headers carries `extensions.upstream` (the plugin's and the response cache's hits alike). */
export const wantsUpstreamStats = (headers: Pick<Headers, 'get'> | undefined, always: boolean) =>
  always || headers?.get(DEBUG_UPSTREAM_HEADER) === '1';
