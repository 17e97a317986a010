import type { BudgetTicket } from './budget.js';
import type { CacheOutcome } from './cache.js';
import type { UpstreamName } from './errors.js';
import type { UpstreamRoute } from './routes.js';
import type { UpstreamEvent } from './upstream-stats.js';

/** One attempt about to be sent: the first (`retry` 0) or a retry of one call. */
export interface AttemptStart {
  upstream: UpstreamName;
  route: UpstreamRoute;
  method: 'GET' | 'POST';
  retry: number;
  /** What the cache did for the call this attempt serves: a miss, a stale answer being refreshed, or no cache (writes, CACHE=false). */
  cache: CacheOutcome | 'none';
}

/**
 * How an attempt ended: the upstream's HTTP status, or how it failed without
 * one (`timeout`: its own timer; `deadline`: the operation's deadline or its
 * caller leaving; `network`: no connection, or a broken one).
 */
export type AttemptEnd = { status: number; error?: unknown } | { status: 'timeout' | 'deadline' | 'network'; error: unknown };

/** What an observer keeps of one attempt: headers to send with it (trace context), and its end. */
export interface AttemptWatch {
  headers?: Record<string, string>;
  end(end: AttemptEnd): void;
}

/**
 * What the HTTP layer tells the rest of the gateway as it works: metrics and
 * spans subscribe here, so none of them lives in the pipeline itself. Every
 * hook is optional and called synchronously; an observer must not throw.
 */
export interface HttpObserver {
  /** What became of a call, as `extensions.upstream` counts it: sent, or answered by the cache. */
  event?(upstream: UpstreamName, route: UpstreamRoute, event: UpstreamEvent): void;
  /** An attempt is about to go out (inside its concurrency slot, so the span covers the fetch alone). */
  attempt?(start: AttemptStart): AttemptWatch | undefined;
  /** A call waits for a budget token, or is refused one (RATE_LIMITED). */
  budget?(ticket: BudgetTicket, what: 'wait' | 'refusal'): void;
  /** The upstream cache evicted an answer to stay within CACHE_MAX_BYTES. */
  evicted?(): void;
}

/** Several observers as one, each hearing every event in order. */
export function combineObservers(observers: ReadonlyArray<HttpObserver>): HttpObserver {
  return {
    event: (upstream, route, event) => {
      for (const observer of observers) observer.event?.(upstream, route, event);
    },
    attempt: (start) => {
      const watches = observers.flatMap((observer) => observer.attempt?.(start) ?? []);
      if (watches.length === 0) return undefined;
      return {
        headers: Object.assign({}, ...watches.map((watch) => watch.headers ?? {})) as Record<string, string>,
        end: (end) => {
          for (const watch of watches) watch.end(end);
        },
      };
    },
    budget: (ticket, what) => {
      for (const observer of observers) observer.budget?.(ticket, what);
    },
    evicted: () => {
      for (const observer of observers) observer.evicted?.();
    },
  };
}
