import type { z } from 'zod';
import type { BreakerState } from './breaker.js';
import type { BudgetSettings, BudgetTicket, Budgets } from './budget.js';
import type { CacheSettings } from './cache.js';
import type { Clock } from './clock.js';
import type { Deadline } from './deadline.js';
import type { UpstreamName } from './errors.js';
import type { HttpObserver } from './observer.js';
import type { QueryValue } from './request-key.js';
import type { UpstreamRoute } from './routes.js';
import type { ResilienceSettings } from './settings.js';
import type { SharedAnswers } from './shared-tier.js';
import type { UpstreamReads } from './upstream-reads.js';
import type { UpstreamStats } from './upstream-stats.js';

// What the shared HTTP client (client.ts) offers and is configured with: its API, apart from how it works.

export interface UpstreamRequest<T> {
  upstream: UpstreamName;
  /** Names the route for cache TTLs, budgets and stats. */
  route: UpstreamRoute;
  method: 'GET' | 'POST';
  baseUrl: string;
  /** Already encoded path segments (clients encode what they interpolate). */
  path: string;
  query?: Record<string, QueryValue>;
  headers: Record<string, string>;
  body?: unknown;
  /** The wire shape; the response is validated against it where it enters. */
  schema: z.ZodType<T>;
}

/**
 * An upstream answer with what a caller needs to say how fresh it is: when it
 * was fetched (wall clock, epoch ms; for a cached answer, when the cache got
 * it, not now) and whether it was served past its TTL (the refresh was
 * refused by a budget or an open breaker, failed, or still runs).
 */
export interface Answer<T> {
  value: T;
  fetchedAt: number;
  stale: boolean;
}

export interface HttpClient {
  request<T>(request: UpstreamRequest<T>): Promise<T>;
  /** The same call, with how fresh its answer is. */
  read<T>(request: UpstreamRequest<T>): Promise<Answer<T>>;
  /** Drops the cached answers of one route read with these credentials (a write changed them). */
  invalidate(route: UpstreamRoute, headers: Record<string, string>): void;
  /**
   * The same client (same cache, budgets, breakers, limits) for one GraphQL
   * operation: its calls count into its stats and end by its deadline.
   */
  forOperation(operation: OperationScope): HttpClient;
  /** `false` only for the benchmark's naive baseline: loaders then deduplicate nothing. */
  readonly dataloader: boolean;
  /** Where the layer stands now, for probes and metrics. */
  readonly state: HttpLayerState;
  /** Closes the upstream connection pools (graceful shutdown, once no operation needs them). */
  close(): Promise<void>;
}

export interface HttpLayerState {
  breaker(upstream: UpstreamName): BreakerState;
  /** Attempts sent and not yet answered. */
  inFlight(upstream: UpstreamName): number;
  /** Budget tokens a call with this ticket would find now; `null` without a budget. */
  budgetTokens(ticket: BudgetTicket): number | null | Promise<number | null>;
  /** The upstream cache's estimated bytes; 0 without it. */
  cacheBytes(): number;
}


export interface OperationScope {
  stats: UpstreamStats;
  deadline: Deadline;
  /** What the operation read through the cache, for the response cache. @default none recorded */
  reads?: UpstreamReads;
  /** Sent upstream as `x-request-id` with every attempt, so the vendors' logs meet ours. */
  requestId?: string;
}

export interface HttpClientOptions extends ResilienceSettings {
  /** Concurrent requests per upstream, across all GraphQL requests. @default 6 */
  maxConcurrentPerUpstream?: number;
  /** Calls waiting for one of those per upstream; more are refused at once (UPSTREAM_UNAVAILABLE). @default 1000 */
  maxQueuedPerUpstream?: number;
  /** The cross-request cache. @default off */
  cache?: CacheSettings;
  /** Call budgets per upstream and credential; a shared implementation replaces the in-process one. @default none */
  budgets?: BudgetSettings | Budgets;
  /** The tier the replicas share behind the cache (L2, one load per key across replicas). @default none */
  shared?: SharedAnswers;
  /** @default true */
  dataloader?: boolean;
  fetch?: typeof globalThis.fetch;
  /** For tests: the clock of cache TTLs, budget refills, breakers, back-off, timeouts and deadlines. */
  clock?: Clock;
  /** Told of every invalidation (a write changed what one route read with one credential), cache on or off, this replica's or another's (`shared`). */
  onInvalidate?: (route: UpstreamRoute, credential: string) => void;
  /** Hears what the layer does (metrics, spans). @default none */
  observer?: HttpObserver;
}