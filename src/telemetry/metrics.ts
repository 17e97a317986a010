import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpLayerState } from '../http/client.js';
import type { UpstreamName } from '../http/errors.js';
import type { HttpObserver } from '../http/observer.js';
import type { UpstreamRoute } from '../http/routes.js';
import type { UpstreamEvent } from '../http/upstream-stats.js';
import type { RedisHealth } from '../redis/health.js';
import type { ResponseCacheOutcome } from '../response-cache/hit-text.js';
import type { ConfiguredRouteCredentials } from '../upstreams/configured-credentials.js';

const BREAKER_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;
/** What `cx_upstream_requests_total` calls each event; a miss is counted as the `sent` it leads to. */
const OUTCOMES: Partial<Record<UpstreamEvent, string>> = {
  request: 'sent',
  hit: 'cache_hit',
  stale: 'stale',
  staleOnError: 'stale',
  coalesced: 'coalesced',
};

/** What the gauges read when scraped: the HTTP layer's state, the configured credentials, the response store. */
export interface GaugeSources {
  http: HttpLayerState;
  /** The upstreams configured (the others have no breaker, queue or budget worth a series). */
  upstreams: readonly UpstreamName[];
  routes: readonly ConfiguredRouteCredentials[];
  /** Bytes the response cache holds; absent when it is off. */
  responseCacheBytes?: () => number;
  /** Redis's health: cx_redis_up, when REDIS_URL is set. */
  redis: RedisHealth;
}

export interface GatewayMetrics {
  registry: Registry;
  /** Subscribes to the HTTP layer: upstream calls, attempts, budget waits and refusals, evictions. */
  observer: HttpObserver;
  responseCache(outcome: ResponseCacheOutcome): void;
  /** The response store evicted a result to stay within RESPONSE_CACHE_MAX_BYTES. */
  responseEvicted(): void;
  /** Points the gauges at what they read; until then they report nothing. */
  watch(sources: GaugeSources): void;
}

/**
 * The gateway's own Prometheus metrics beside Node's defaults, on a registry
 * of their own (one per gateway, so tests can run several). Every label value
 * comes from a closed set: upstream and route names, statuses, outcomes;
 * never a URL, an id or a credential.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: GaugeSources | null = null;
  const registers = [registry];

  const duration = new Histogram({
    name: 'cx_upstream_request_duration_seconds',
    help: 'Upstream attempts, from leaving the gateway to the body read, by upstream, route and HTTP status (or timeout, deadline, network).',
    labelNames: ['upstream', 'route', 'status'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const requests = new Counter({
    name: 'cx_upstream_requests_total',
    help: 'Upstream calls by what became of them: sent, cache_hit, stale (served past its TTL) or coalesced (joined an identical call in flight).',
    labelNames: ['upstream', 'route', 'outcome'],
    registers,
  });
  const evictions = new Counter({
    name: 'cx_cache_evictions_total',
    help: 'Answers dropped to stay within the cache bound, by cache (upstream: CACHE_MAX_BYTES).',
    labelNames: ['cache'],
    registers,
  });
  const responseCache = new Counter({
    name: 'cx_response_cache_requests_total',
    help: 'Queries the response cache looked up, by result: hit, miss or shared (joined an identical query in flight).',
    labelNames: ['result'],
    registers,
  });
  const budgetWaits = new Counter({
    name: 'cx_budget_waits_total',
    help: 'Upstream calls that waited for a budget token.',
    labelNames: ['upstream', 'route'],
    registers,
  });
  const budgetRefusals = new Counter({
    name: 'cx_budget_refusals_total',
    help: 'Upstream calls refused for want of a budget token (RATE_LIMITED).',
    labelNames: ['upstream', 'route'],
    registers,
  });
  new Gauge({
    name: 'cx_cache_bytes',
    help: 'Estimated bytes held, by cache (upstream: bounded by CACHE_MAX_BYTES; response: RESPONSE_CACHE_MAX_BYTES).',
    labelNames: ['cache'],
    registers,
    collect() {
      this.reset();
      if (!sources) return;
      this.set({ cache: 'upstream' }, sources.http.cacheBytes());
      if (sources.responseCacheBytes) this.set({ cache: 'response' }, sources.responseCacheBytes());
    },
  });
  new Gauge({
    name: 'cx_budget_tokens',
    help: 'Budget tokens left for the configured credentials, by upstream and route (the lowest across a route\'s credentials, e.g. one Avaamo agent token each).',
    labelNames: ['upstream', 'route'],
    registers,
    // Budgets held in Redis are read per scrape (one read per configured credential).
    async collect() {
      const read = await Promise.all(
        (sources?.routes ?? []).map(async ({ upstream, route, credentials }) => ({
          labels: { upstream, route },
          left: await Promise.all(credentials.map((credential) => sources!.http.budgetTokens({ upstream, route, credential }))),
        })),
      );
      this.reset();
      for (const { labels, left } of read) {
        const known = left.filter((tokens): tokens is number => tokens !== null);
        if (known.length > 0) this.set(labels, Math.min(...known));
      }
    },
  });
  new Gauge({
    name: 'cx_breaker_state',
    help: 'Each upstream\'s circuit breaker: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream'],
    registers,
    collect() {
      this.reset();
      for (const upstream of sources?.upstreams ?? []) this.set({ upstream }, BREAKER_VALUES[sources!.http.breaker(upstream)]);
    },
  });
  new Gauge({
    name: 'cx_upstream_in_flight',
    help: 'Attempts sent to each upstream and not answered yet.',
    labelNames: ['upstream'],
    registers,
    collect() {
      this.reset();
      for (const upstream of sources?.upstreams ?? []) this.set({ upstream }, sources!.http.inFlight(upstream));
    },
  });

  const labels = (upstream: UpstreamName, route: UpstreamRoute) => ({ upstream, route });
  return {
    registry,
    observer: {
      event(upstream, route, event) {
        const outcome = OUTCOMES[event];
        if (outcome) requests.inc({ ...labels(upstream, route), outcome });
      },
      attempt({ upstream, route }) {
        const stop = duration.startTimer(labels(upstream, route));
        return { end: ({ status }) => stop({ status: String(status) }) };
      },
      budget(ticket, what) {
        (what === 'wait' ? budgetWaits : budgetRefusals).inc(labels(ticket.upstream, ticket.route));
      },
      evicted: () => evictions.inc({ cache: 'upstream' }),
    },
    responseCache: (outcome) => responseCache.inc({ result: outcome }),
    responseEvicted: () => evictions.inc({ cache: 'response' }),
    watch(next) {
      sources = next;
      const { redis } = next;
      // Registered only with REDIS_URL: a gauge without labels always has a value, and 0 would read as "Redis down".
      if (redis.state === 'off' || registry.getSingleMetric('cx_redis_up')) return;
      new Gauge({
        name: 'cx_redis_up',
        help: 'Whether this replica shares cache, budgets, rate limits and cursors through Redis now (1), or serves from its own state (0).',
        registers,
        collect() {
          this.set(redis.state === 'up' ? 1 : 0);
        },
      });
    },
  };
}
