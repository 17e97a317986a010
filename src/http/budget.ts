import { LRUCache } from 'lru-cache';
import { sleep, type Deadline } from './deadline.js';
import { BudgetSpent, upstreamLabels, type UpstreamName } from './errors.js';
import { deadlineError } from './timeouts.js';
import type { UpstreamRoute } from './routes.js';
import { systemClock, type Clock } from './clock.js';

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

/** A token taken for one call; given back if the call never goes out. */
export interface Reservation {
  /** Returns the token to its bucket. Only once; call it only if nothing was sent. */
  refund(): void;
}

export interface Budgets {
  /**
   * Resolves when the call may go out. Rejects with RATE_LIMITED (and a
   * retryAfter) when it would have to wait longer than allowed or than the
   * deadline leaves; `wait: false` allows no wait at all (a stale answer can
   * serve instead). A wait the deadline cuts short gives its token back.
   * `onWait` hears that the call waits for its token (metrics).
   */
  take(ticket: BudgetTicket, options: { wait: boolean; deadline: Deadline; onWait?: () => void }): Promise<Reservation>;
  /**
   * Whole tokens a call with this ticket would find now, without taking one;
   * `null` when its upstream has no budget. For the cx_budget_tokens gauge:
   * at once in this process, a read away when the buckets are in Redis.
   */
  tokens(ticket: BudgetTicket): number | null | Promise<number | null>;
}

const nothingReserved: Reservation = { refund: () => undefined };

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** The rule's, kept with the bucket so an evicted one can be accounted for. */
  capacity: number;
  perMs: number;
  upstream: UpstreamName;
}

/** The vendors' window: their limits are calls per minute. */
export const WINDOW_MS = 60_000;
/** Buckets of credentials not seen for a while are dropped first (see `evicted` below). */
const MAX_BUCKETS = 10_000;
/** Slots remembering dropped buckets: 512 KiB, and a new credential rarely shares one with a spent bucket. */
const EVICTED_SLOTS = 1 << 16;

/** When `bucket` is full again, if left alone (now or earlier for a full one). */
const fullAt = (bucket: Bucket) => bucket.updatedAt + (bucket.capacity - bucket.tokens) / bucket.perMs;

/** The buckets of one process, which a replica can empty when Redis goes away (redis/budgets.ts). */
export interface LocalBudgets extends Budgets {
  /**
   * For a replica counting alone after Redis went away, whose share of the
   * window other replicas (or it, through Redis) may have spent already:
   * every bucket keeps what it owes (reservations below zero), loses what it
   * holds, and new buckets start with no tokens, refill only.
   */
  empty(): void;
}

/** A token bucket per (upstream, credential[, route]), shaped by bucketShape, in this process. */
export function createBudgets(settings: BudgetSettings, clock: Clock = systemClock): LocalBudgets {
  let startEmpty = false;
  /**
   * The bound on buckets must not be a way round the budget: cycling bogus
   * credentials evicts a spent bucket, and the bucket made afresh for its
   * credential must not start fuller than the one dropped. A dropped bucket
   * leaves, in its key's slot, when it would have been full again (the
   * latest such time of all keys sharing the slot); a new bucket starts no
   * fuller than its slot says. A full bucket dropped leaves nothing owed;
   * a new key sharing a slot with a spent one starts spent too, which errs
   * on the vendor's side.
   */
  const evicted = new Float64Array(EVICTED_SLOTS).fill(Number.NEGATIVE_INFINITY);
  const buckets = new LRUCache<string, Bucket>({
    max: MAX_BUCKETS,
    dispose: (bucket, key, reason) => {
      if (reason !== 'evict') return;
      const slot = slotOf(key);
      evicted[slot] = Math.max(evicted[slot]!, fullAt(bucket));
    },
  });

  /** A bucket as it would start now for `key`: full (or empty), less what its slot says a dropped bucket still owed. */
  const newBucket = (key: string, upstream: UpstreamName, rule: BudgetRule, now: number): Bucket => {
    const { capacity, perMs } = bucketShape(rule);
    const owed = Math.max(0, evicted[slotOf(key)]! - now) * perMs;
    return { tokens: (startEmpty ? 0 : capacity) - owed, updatedAt: now, capacity, perMs, upstream };
  };

  const bucketFor = (key: string, upstream: UpstreamName, rule: BudgetRule, now: number): Bucket => {
    const known = buckets.get(key);
    if (known) return known;
    const bucket = newBucket(key, upstream, rule, now);
    buckets.set(key, bucket);
    return bucket;
  };

  const refilled = (bucket: Bucket, now: number) => Math.min(bucket.capacity, bucket.tokens + (now - bucket.updatedAt) * bucket.perMs);

  return {
    empty() {
      const now = clock.now();
      for (const bucket of buckets.values()) {
        bucket.tokens = Math.min(0, refilled(bucket, now));
        bucket.updatedAt = now;
      }
      startEmpty = true;
    },

    tokens(ticket) {
      const rule = settings.rules[ticket.upstream];
      if (!rule || rule.callsPerMinute <= 0) return null;
      const key = bucketKey(ticket, rule);
      const now = clock.now();
      // Peeked, so reading the gauge neither creates a bucket nor refreshes its place in the LRU.
      const bucket = buckets.peek(key);
      return Math.max(0, Math.floor(bucket ? refilled(bucket, now) : newBucket(key, ticket.upstream, rule, now).tokens));
    },

    async take(ticket, { wait, deadline, onWait }) {
      const rule = settings.rules[ticket.upstream];
      if (!rule || rule.callsPerMinute <= 0) return nothingReserved;
      const key = bucketKey(ticket, rule);
      const now = clock.now();
      const bucket = bucketFor(key, ticket.upstream, rule, now);
      bucket.tokens = refilled(bucket, now);
      bucket.updatedAt = now;
      let refunded = false;
      const reservation: Reservation = {
        refund() {
          if (refunded) return;
          refunded = true;
          bucket.tokens = Math.min(bucket.capacity, bucket.tokens + 1);
        },
      };
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return reservation;
      }
      const waitMs = (1 - bucket.tokens) / bucket.perMs;
      // A wait that outlasts the operation would hold a token the call can never use.
      if (!wait || waitMs > settings.maxWaitMs || waitMs >= deadline.remainingMs()) throw budgetSpent(ticket.upstream, rule, waitMs);
      // Reserved now (tokens go below zero), so later callers queue behind this one.
      bucket.tokens -= 1;
      onWait?.();
      // On the budget's clock, the one its refills run on.
      await sleep(waitMs, { signal: deadline.signal, clock });
      if (deadline.signal.aborted) {
        reservation.refund();
        throw deadlineError(ticket.upstream, deadline, false);
      }
      return reservation;
    },
  };
}

/**
 * The vendors count in windows whose start the gateway cannot see, so a
 * bucket is split: half the limit as burst, half as refill over the window.
 * Whatever the window's alignment, it then never lets more than the limit
 * through (burst + one window of refill).
 */
export function bucketShape(rule: BudgetRule): { capacity: number; perMs: number } {
  const capacity = Math.ceil(rule.callsPerMinute / 2);
  return { capacity, perMs: Math.max(1, rule.callsPerMinute - capacity) / WINDOW_MS };
}

/** One bucket per (upstream, credential hash), and per route where the vendor counts per route. */
export const bucketKey = (ticket: BudgetTicket, rule: BudgetRule) => [ticket.upstream, ticket.credential, rule.perRoute ? ticket.route : '*'].join(' ');

/** RATE_LIMITED, with the seconds until the next token. */
export function budgetSpent(upstream: UpstreamName, rule: BudgetRule, waitMs: number): BudgetSpent {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new BudgetSpent(
    upstream,
    'RATE_LIMITED',
    `${upstreamLabels[upstream]}: the gateway's call budget (${rule.callsPerMinute} a minute${rule.perRoute ? ' per route' : ''}) is spent; retry in ${retryAfter} s`,
    { retryAfter },
  );
}

/** FNV-1a: a bucket key (which holds a credential's hash) to its slot. */
function slotOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % EVICTED_SLOTS;
}
