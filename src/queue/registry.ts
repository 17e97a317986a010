import { randomUUID } from 'node:crypto';
import type { Cohort } from './cohort.js';
import { startPoller, type PollerOptions } from './poller.js';
import type { QueueSettings } from './settings.js';
import type { QueueSharing } from './sharing.js';
import { linkReads } from './summary.js';
import type { CohortUpdate, QueueRead } from './types.js';

/** A subscription the limits refuse (MAX_SUBSCRIPTIONS_PER_CALLER, MAX_SUBSCRIPTIONS). */
export class SubscriptionRefusal extends Error {
  constructor(readonly limit: 'caller' | 'process', message: string) {
    super(message);
    this.name = 'SubscriptionRefusal';
  }
}

export interface QueueRegistry {
  /**
   * Joins a cohort: `listener` hears each update of its poll, the latest at
   * once when there is one. Returns how to leave (at once: the last to leave
   * stops the poll). Throws SubscriptionRefusal over a limit.
   */
  join(cohort: Cohort, callerKey: string, listener: (update: CohortUpdate) => void, ended?: () => void): () => void;
  /** Stops every poll and ends every subscriber (`ended`): the gateway is shutting down. */
  close(): void;
}

export interface QueueRegistryOptions extends Omit<PollerOptions, 'locks' | 'holder' | 'publish' | 'lastPublished' | 'settings'> {
  settings: QueueSettings;
  sharing: QueueSharing;
}

interface Entry {
  /** Each listener, with how to end its subscription (for close()) when it said. */
  listeners: Map<(update: CohortUpdate) => void, (() => void) | undefined>;
  latest: CohortUpdate | null;
  /** The last read delivered, which the next one follows. */
  lastRead: QueueRead | null;
  leave(): void;
}

/**
 * The cohorts this process has subscribers for, each with one poller (which
 * polls only while it holds the cohort's lock) and one fan-out subscription
 * it hands to its local subscribers, and the subscription counts per caller
 * and in all.
 */
export function createQueueRegistry({ settings, sharing, ...pollerOptions }: QueueRegistryOptions): QueueRegistry {
  const holder = randomUUID();
  const cohorts = new Map<string, Entry>();
  const byCaller = new Map<string, number>();
  let total = 0;
  /** Published within the last interval (and a pass): a poller is still at it. */
  const isRecent = (update: CohortUpdate) =>
    pollerOptions.now() - (update.kind === 'queue' ? update.read.readAt : update.at) <= settings.pollIntervalMs + pollerOptions.operationDeadlineMs;

  function open(cohort: Cohort): Entry {
    const deliver = (update: CohortUpdate) => {
      if (update.kind === 'queue') {
        if (entry.lastRead) linkReads(entry.lastRead, update.read);
        entry.lastRead = update.read;
      }
      entry.latest = update;
      for (const listener of [...entry.listeners.keys()]) listener(update);
    };
    const unsubscribe = sharing.fanout.subscribe(cohort.id, deliver);
    const poller = startPoller(cohort, {
      ...pollerOptions,
      settings,
      locks: sharing.locks,
      holder,
      publish: (update) => sharing.fanout.publish(cohort.id, update),
      lastPublished: () => entry.lastRead,
    });
    const entry: Entry = {
      listeners: new Map(),
      latest: null,
      lastRead: null,
      leave() {
        cohorts.delete(cohort.id);
        unsubscribe();
        poller.stop();
      },
    };
    // Another replica may be the poller: start from what it last published, if it still polls.
    sharing.fanout.latest(cohort.id).then(
      (update) => {
        if (update && isRecent(update) && entry.latest === null && cohorts.get(cohort.id) === entry) deliver(update);
      },
      (error: unknown) => pollerOptions.warn(`live queue: cohort ${cohort.id}: ${error instanceof Error ? error.message : String(error)}`),
    );
    return entry;
  }

  return {
    join(cohort, callerKey, listener, ended) {
      if (total >= settings.maxSubscriptions) {
        throw new SubscriptionRefusal('process', `This gateway holds its most subscriptions (MAX_SUBSCRIPTIONS: ${settings.maxSubscriptions}); try again later.`);
      }
      const mine = byCaller.get(callerKey) ?? 0;
      if (mine >= settings.maxSubscriptionsPerCaller) {
        throw new SubscriptionRefusal(
          'caller',
          `This caller already holds ${mine} subscriptions, its most (MAX_SUBSCRIPTIONS_PER_CALLER: ${settings.maxSubscriptionsPerCaller}); end one first.`,
        );
      }
      total += 1;
      byCaller.set(callerKey, mine + 1);
      let entry = cohorts.get(cohort.id);
      if (!entry) {
        entry = open(cohort);
        cohorts.set(cohort.id, entry);
      }
      const joined = entry;
      joined.listeners.set(listener, ended);
      if (joined.latest) listener(joined.latest);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        total -= 1;
        const remaining = (byCaller.get(callerKey) ?? 1) - 1;
        if (remaining > 0) byCaller.set(callerKey, remaining);
        else byCaller.delete(callerKey);
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0) joined.leave();
      };
    },
    close() {
      for (const entry of [...cohorts.values()]) {
        // Each ender leaves as its subscriber does, and the last one stops the poll.
        for (const end of [...entry.listeners.values()]) end?.();
        entry.leave();
      }
    },
  };
}
