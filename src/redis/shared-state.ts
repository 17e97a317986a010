import { createMemoryRateWindows, type RateWindows } from '../auth/rate-windows.js';
import type { BudgetSettings, Budgets } from '../http/budget.js';
import type { Clock } from '../http/clock.js';
import type { SharedAnswers } from '../http/shared-tier.js';
import type { ResponseStore } from '../response-cache/store.js';
import { createTieredResponseStore } from '../response-cache/tiered-store.js';
import { createMemoryTraversalStore, type TraversalStore } from '../schema/traversal-store.js';
import { createRedisAnswers } from './answers.js';
import { createRedisBudgets, localBudgetSettings } from './budgets.js';
import { createRedisRateWindows } from './rate-windows.js';
import { createRedisResponseStore } from './response-store.js';
import { shareOfRate } from './share.js';
import { createRedisTraversalStore } from './traversal-store.js';
import type { Sharing } from './sharing.js';

/** The state the replicas share, each piece behind the interface its module defines. */
export interface SharedState {
  /** L2 and one upstream load per key across replicas; none without Redis. */
  answers: SharedAnswers | undefined;
  budgets: BudgetSettings | Budgets;
  rateWindows: RateWindows;
  /** The response cache's store, given the replica's own. */
  responseStore(near: ResponseStore): ResponseStore;
  traversals: TraversalStore;
}

export interface SharedStateOptions {
  budgets: BudgetSettings;
  clock: Clock;
  /** A test's clock also runs the shared budgets (every replica under test reads it). */
  injectedClock: boolean;
}

/**
 * Redis implementations with REDIS_URL (each falling back to the replica's
 * own state while Redis is unavailable); in-process ones without, where a
 * replica of several keeps to its share of every budget and rate limit.
 */
export function createSharedState(sharing: Sharing | undefined, { budgets, clock, injectedClock }: SharedStateOptions): SharedState {
  const redis = sharing?.redis ?? null;
  const localShare = sharing?.localShare ?? 1;
  if (!redis) {
    const windows = createMemoryRateWindows();
    return {
      answers: undefined,
      budgets: localShare < 1 ? localBudgetSettings(budgets, localShare) : budgets,
      rateWindows: localShare < 1 ? { take: (caller, perMinute) => windows.take(caller, shareOfRate(perMinute, localShare)) } : windows,
      responseStore: (near) => near,
      traversals: createMemoryTraversalStore(),
    };
  }
  return {
    answers: createRedisAnswers(redis),
    budgets: createRedisBudgets(redis, budgets, { localShare, clock, ...(injectedClock ? { bucketTime: () => clock.now() } : {}) }),
    rateWindows: createRedisRateWindows(redis, localShare),
    responseStore: (near) => createTieredResponseStore(near, createRedisResponseStore(redis, clock)),
    traversals: createRedisTraversalStore(redis),
  };
}
