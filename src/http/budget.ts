import { LRUCache } from 'lru-cache';
import { UpstreamError, upstreamLabels, type UpstreamName } from './errors.js';
import type { UpstreamRoute } from './routes.js';
import type { Clock } from './cache.js';

/** A vendor's documented limit: calls a minute per credential, or per credential and route. */
export interface BudgetRule {
  callsPerMinute: number;
  perRoute: boolean;
}

/**
 * CONTRACTS.md §1: Avaamo allows 50 calls a minute per token, all routes
 * together. §6: Rocket.Chat 10 calls per 60 s per client and route. Vambe
 * documents no limit.
 */
export const DEFAULT_BUDGET_RULES: Readonly<Record<UpstreamName, BudgetRule | null>> = {
  avaamo: { callsPerMinute: 50, perRoute: false },
  vambe: null,
  rocketchat: { callsPerMinute: 10, perRoute: true },
};

export interface BudgetSettings {
  /** `null`: no budget for that upstream. */
  rules: Readonly<Record<UpstreamName, BudgetRule | null>>;
  /** How long a call may wait for a token when no stale answer can stand in. */
  maxWaitMs: number;
}

export interface BudgetTicket {
  upstream: UpstreamName;
  route: UpstreamRoute;
  /** A hash of the credential sent. */
  credential: string;
}

export interface Budgets {
  /**
   * Resolves when the call may go out. Rejects with RATE_LIMITED (and a
   * retryAfter) when it would have to wait longer than allowed; `wait: false`
   * allows no wait at all (a stale answer can serve instead).
   */
  take(ticket: BudgetTicket, options: { wait: boolean }): Promise<void>;
}

/** The gateway's own refusal to call (no token left), as opposed to an upstream's 429. */
export class BudgetSpent extends UpstreamError {}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const WINDOW_MS = 60_000;
/** Buckets of credentials not seen for a while are dropped first; a dropped bucket restarts full. */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per (upstream, credential[, route]). The vendors count in
 * windows whose start the gateway cannot see, so the bucket is split: half
 * the limit as burst, half as refill over the window. Whatever the window's
 * alignment, it then never holds more than the limit (burst + one window of
 * refill).
 */
export function createBudgets(settings: BudgetSettings, clock: Clock = performance): Budgets {
  const buckets = new LRUCache<string, Bucket>({ max: MAX_BUCKETS });

  return {
    async take(ticket, { wait }) {
      const rule = settings.rules[ticket.upstream];
      if (!rule || rule.callsPerMinute <= 0) return;
      const capacity = Math.ceil(rule.callsPerMinute / 2);
      const perMs = Math.max(1, rule.callsPerMinute - capacity) / WINDOW_MS;
      const key = [ticket.upstream, ticket.credential, rule.perRoute ? ticket.route : '*'].join(' ');
      const now = clock.now();
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedAt: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * perMs);
      bucket.updatedAt = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const waitMs = (1 - bucket.tokens) / perMs;
      if (!wait || waitMs > settings.maxWaitMs) {
        const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
        throw new BudgetSpent(
          ticket.upstream,
          'RATE_LIMITED',
          `${upstreamLabels[ticket.upstream]}: the gateway's call budget (${rule.callsPerMinute} a minute${rule.perRoute ? ' per route' : ''}) is spent; retry in ${retryAfter} s`,
          { retryAfter },
        );
      }
      // Reserved now (tokens go below zero), so later callers queue behind this one.
      bucket.tokens -= 1;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    },
  };
}
