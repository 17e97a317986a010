import type { Clock } from '../http/clock.js';
import { notConfigured } from '../upstreams/not-configured.js';
import type { VambeSettings } from '../upstreams/settings.js';
import type { VambeClient } from '../upstreams/vambe/client.js';
import { createCohort, type QueueFilters } from './cohort.js';
import type { QueueRegistry } from './registry.js';
import { watchQueue } from './subscription.js';
import type { QueueEvent, ViewOptions } from './view.js';

/** The live queue of one gateway: its registry and the time it runs on. */
export interface LiveQueue {
  registry: QueueRegistry;
  clock: Clock;
  /** Epoch ms on `clock`. */
  now: () => number;
}

/** The live queue as one request may use it: with its Vambe credential (configured or forwarded) and as its caller. */
export interface QueueAccess {
  /** Epoch ms on the gateway's clock: the moment queries count waits at. */
  now(): number;
  /** A subscriber's events for one cohort. Throws UPSTREAM_NOT_CONFIGURED without Vambe, SubscriptionRefusal over a limit. */
  watch(filters: QueueFilters, options: ViewOptions): AsyncIterableIterator<QueueEvent>;
}

export function createQueueAccess(live: LiveQueue, client: VambeClient | null, settings: VambeSettings | null, callerKey: string): QueueAccess {
  return {
    now: live.now,
    watch(filters, options) {
      if (!client || !settings) throw notConfigured('vambe');
      return watchQueue(live.registry, createCohort(client, settings, filters), { ...options, callerKey }, live);
    },
  };
}
