import { z } from 'zod';
import { DEFAULT_BUDGET_RULES, type BudgetSettings } from '../http/budget.js';
import { DEFAULT_ROUTE_POLICIES, type CacheSettings } from '../http/cache.js';
import { upstreamRouteNames, type UpstreamRoute } from '../http/routes.js';
import { DEFAULT_MAX_REPORT_ENTRIES } from '../upstreams/avaamo/list-scan.js';
import type { ResponseCacheSettings } from '../response-cache/response-cache.js';
import { boolean, int, jsonSetting } from './env.js';

/** How the gateway spares the upstreams: cache, budgets, concurrency, and showing what it cost. */
export interface TrafficSettings {
  cache: CacheSettings;
  /** Whole query results, in front of execution. */
  responseCache: ResponseCacheSettings;
  budgets: BudgetSettings;
  maxConcurrentPerUpstream: number;
  /** Calls waiting for a slot per upstream; beyond it a call is refused at once. */
  maxQueuedPerUpstream: number;
  /** Every response carries `extensions.upstream` (otherwise only when the caller asks). */
  debugUpstream: boolean;
  /** `false` only for the benchmark's naive baseline. */
  dataloader: boolean;
  /** The most upstream entries one report (SMS stats, query clusters, a failureReason filter) reads. */
  maxReportEntries: number;
}

const MiB = 1024 * 1024;
/** 0 = no budget; 1 cannot be split into burst and refill (budget.ts). */
const callsPerMinute = (fallback: number) =>
  int(0, 100_000, fallback).refine((value) => value !== 1, 'must be 0 (no budget) or at least 2');
const ttlOverrides = z.preprocess(
  (value) => jsonSetting(value) ?? {},
  z.partialRecord(z.enum(upstreamRouteNames as [UpstreamRoute, ...UpstreamRoute[]]), z.number().int().min(0).max(86_400), {
    error: `must be a JSON object of seconds by route (${upstreamRouteNames.join(', ')})`,
  }),
);

/** Cache, budgets, concurrency (README, Configuration). */
export const trafficEnv = {
  CACHE: boolean(true),
  CACHE_MAX_BYTES: int(0, 2 ** 40, 64 * MiB),
  CACHE_TTL_SECONDS: ttlOverrides,
  CACHE_MAX_STALE_SECONDS: int(0, 86_400, 300),
  RESPONSE_CACHE: boolean(true),
  RESPONSE_CACHE_MAX_BYTES: int(0, 2 ** 40, 32 * MiB),
  AVAAMO_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.avaamo?.callsPerMinute ?? 0),
  VAMBE_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.vambe?.callsPerMinute ?? 0),
  ROCKETCHAT_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.rocketchat?.callsPerMinute ?? 0),
  BUDGET_MAX_WAIT_MS: int(0, 60_000, 2_000),
  UPSTREAM_MAX_CONCURRENCY: int(1, 1_000, 6),
  UPSTREAM_MAX_QUEUE: int(0, 1_000_000, 1_000),
  DEBUG_UPSTREAM: boolean(false),
  DATALOADER: boolean(true),
  MAX_REPORT_ENTRIES: int(100, 1_000_000, DEFAULT_MAX_REPORT_ENTRIES),
};

export function trafficSettings(parsed: z.infer<z.ZodObject<typeof trafficEnv>>): TrafficSettings {
  const policies = Object.fromEntries(
    upstreamRouteNames.map((route) => [
      route,
      { ...DEFAULT_ROUTE_POLICIES[route], ttlSeconds: parsed.CACHE_TTL_SECONDS[route] ?? DEFAULT_ROUTE_POLICIES[route].ttlSeconds },
    ]),
  ) as CacheSettings['policies'];
  const rule = (upstream: keyof typeof DEFAULT_BUDGET_RULES, callsPerMinute: number) =>
    callsPerMinute > 0 ? { callsPerMinute, perRoute: DEFAULT_BUDGET_RULES[upstream]?.perRoute ?? false } : null;
  return {
    cache: {
      enabled: parsed.CACHE,
      maxBytes: parsed.CACHE_MAX_BYTES,
      policies,
      maxStaleSeconds: parsed.CACHE_MAX_STALE_SECONDS,
    },
    // CACHE=false means every operation reaches the upstreams: the benchmark's naive baseline stays naive.
    responseCache: { enabled: parsed.RESPONSE_CACHE && parsed.CACHE, maxBytes: parsed.RESPONSE_CACHE_MAX_BYTES },
    budgets: {
      rules: {
        avaamo: rule('avaamo', parsed.AVAAMO_CALLS_PER_MINUTE),
        vambe: rule('vambe', parsed.VAMBE_CALLS_PER_MINUTE),
        rocketchat: rule('rocketchat', parsed.ROCKETCHAT_CALLS_PER_MINUTE),
      },
      maxWaitMs: parsed.BUDGET_MAX_WAIT_MS,
    },
    maxConcurrentPerUpstream: parsed.UPSTREAM_MAX_CONCURRENCY,
    maxQueuedPerUpstream: parsed.UPSTREAM_MAX_QUEUE,
    debugUpstream: parsed.DEBUG_UPSTREAM,
    dataloader: parsed.DATALOADER,
    maxReportEntries: parsed.MAX_REPORT_ENTRIES,
  };
}
