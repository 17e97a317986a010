import type { Redis } from 'ioredis';
import { budgetSpent, bucketKey, bucketShape, createBudgets, WINDOW_MS, type BudgetRule, type BudgetSettings, type BudgetTicket, type Budgets, type Reservation } from '../http/budget.js';
import type { Clock } from '../http/clock.js';
import { sleep } from '../http/deadline.js';
import { deadlineError } from '../http/timeouts.js';
import type { RedisConnection } from './connection.js';
import { script } from './script.js';

/**
 * A bucket refilled to now, on Redis's clock (TIME) or the test's (ARGV[5]):
 * ARGV[1] its capacity, ARGV[2] its refill per ms. What TAKE and PEEK start from.
 */
const REFILLED = `
local now = tonumber(ARGV[5])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = tokens + (now - at) * perMs
  at = now
end
tokens = math.min(capacity, tokens)
`;

/**
 * The token bucket of budget.ts, held in Redis for all replicas: refill and
 * take in one step, on Redis's clock (TIME), so the replicas together never
 * pass the vendor's limit and no replica's clock matters. A reply says:
 * `taken`; `wait` (a token reserved, due in that many ms); `spent` (the wait
 * would be longer than allowed or than the deadline leaves); `refunded`.
 */
const TAKE = script(`${REFILLED}
local outcome = 'taken'
local waitMs = 0
if ARGV[6] == '1' then
  tokens = math.min(capacity, tokens + 1)
  outcome = 'refunded'
elseif tokens >= 1 then
  tokens = tokens - 1
else
  waitMs = (1 - tokens) / perMs
  if waitMs <= tonumber(ARGV[3]) and waitMs < tonumber(ARGV[4]) then
    tokens = tokens - 1
    outcome = 'wait'
  else
    outcome = 'spent'
  end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 60000)
return {outcome, tostring(waitMs)}
`);

/** The tokens TAKE would find now, without taking one (or writing anything). */
const PEEK = script(`${REFILLED}
return tostring(tokens)
`);

const nothingReserved: Reservation = { refund: () => undefined };

export interface RedisBudgetOptions {
  /** The share of each budget a replica keeps to while Redis is unavailable (REDIS_FALLBACK_BUDGET_SHARE). */
  localShare: number;
  /** What waits run on, and the fallback buckets' clock. */
  clock: Clock;
  /** For tests: the buckets' time instead of Redis's TIME (one clock shared by every replica under test). */
  bucketTime?: () => number;
}

/**
 * Budgets shared by every replica through Redis; while Redis is
 * unavailable, each replica's own buckets at `localShare` of the limit.
 * Waits and refusals are those of budget.ts: a wait is reserved at once (so
 * later callers queue behind it) and given back if the deadline cuts it short.
 */
export function createRedisBudgets(redis: RedisConnection, settings: BudgetSettings, { localShare, clock, bucketTime }: RedisBudgetOptions): Budgets {
  const shared = localBudgetSettings(settings, localShare);
  /**
   * The two ways round the limit at a transition. Into degraded: what the
   * window already spent through Redis is not known here, so the local
   * buckets are emptied (their share as refill only), keeping what they owe
   * from an earlier outage, so a flapping Redis hands out no more than the
   * share. A replica that never reached Redis starts full, as a lone gateway does.
   * Back up: the Redis bucket refilled (or is new, after a restart) while the
   * local ones spent, so for one window it keeps at most 1 token, refill
   * only (not 0: a caller that cannot wait would then never get one).
   */
  const local = createBudgets(shared, clock);
  let noBurstUntil = Number.NEGATIVE_INFINITY;
  redis.health.onChange((state) => {
    if (state === 'degraded') local.empty();
    if (state === 'up') noBurstUntil = clock.now() + WINDOW_MS;
  });
  const bucketOf = (ticket: BudgetTicket, rule: BudgetRule) => {
    const shape = bucketShape(rule);
    return { key: redis.key(`budget:${bucketKey(ticket, rule)}`), perMs: shape.perMs, capacity: clock.now() < noBurstUntil ? 1 : shape.capacity };
  };
  return {
    async tokens(ticket) {
      const rule = settings.rules[ticket.upstream];
      if (!rule || rule.callsPerMinute <= 0) return null;
      // Degraded: the local buckets are the ones calls take from.
      if (redis.health.state !== 'up') return local.tokens(ticket);
      const { key, perMs, capacity } = bucketOf(ticket, rule);
      const left = await redis.attempt(async (client) => Number(await PEEK(client, [key], [capacity, perMs, '', '', bucketTime?.() ?? ''])), () => null);
      return left === null ? local.tokens(ticket) : Math.max(0, Math.floor(left));
    },
    async take(ticket, { wait, deadline, onWait }) {
      const rule = settings.rules[ticket.upstream];
      if (!rule || rule.callsPerMinute <= 0) return nothingReserved;
      const { key, perMs, capacity } = bucketOf(ticket, rule);
      const run = (refund: boolean) => (client: Redis) =>
        TAKE(client, [key], [capacity, perMs, wait ? settings.maxWaitMs : -1, deadline.remainingMs(), bucketTime?.() ?? '', refund ? '1' : '0']);
      const reply = (await redis.attempt(run(false), () => null)) as [string, string] | null;
      if (reply === null) return local.take(ticket, { wait, deadline, ...(onWait ? { onWait } : {}) });
      const [outcome, waitText] = reply;
      const waitMs = Number(waitText);
      if (outcome === 'spent') throw budgetSpent(ticket.upstream, rule, waitMs);
      let refunded = false;
      const reservation: Reservation = {
        refund() {
          if (refunded) return;
          refunded = true;
          void redis.attempt(run(true), () => null);
        },
      };
      if (outcome === 'wait') {
        onWait?.();
        await sleep(waitMs, deadline);
        if (deadline.signal.aborted) {
          reservation.refund();
          throw deadlineError(ticket.upstream, deadline, false);
        }
      }
      return reservation;
    },
  };
}

/**
 * A replica's own share of each budget, at least 2 a minute (the least a
 * bucket can be split into burst and refill): with very many replicas and a
 * small budget, they may then pass it together while Redis is away, which
 * the start log says (config/redis.ts).
 */
export function localBudgetSettings(settings: BudgetSettings, share: number): BudgetSettings {
  const scaled = (rule: BudgetRule | null): BudgetRule | null =>
    rule && rule.callsPerMinute > 0 ? { ...rule, callsPerMinute: Math.max(2, Math.floor(rule.callsPerMinute * share)) } : rule;
  return {
    ...settings,
    rules: { avaamo: scaled(settings.rules.avaamo), vambe: scaled(settings.rules.vambe), rocketchat: scaled(settings.rules.rocketchat) },
  };
}
