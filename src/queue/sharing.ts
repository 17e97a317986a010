import { LRUCache } from 'lru-cache';
import type { Clock } from '../http/clock.js';
import type { CohortUpdate } from './types.js';

/**
 * Who polls a cohort. In one process the registry already keeps one poller
 * per cohort; across replicas the lock (with an expiry, renewed by every
 * pass) makes one of them the poller, and a replica that dies loses it once
 * the expiry passes.
 */
export interface CohortLocks {
  /** Takes or renews the cohort's lock for `holder` for `ttlMs`; false while another holder has it. */
  acquire(cohort: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives it up, if `holder` has it. */
  release(cohort: string, holder: string): Promise<void>;
}

/** How the poller's updates reach every subscriber of the cohort, in this process or (with Redis) in all. */
export interface QueueFanout {
  publish(cohort: string, update: CohortUpdate): Promise<void>;
  /** `listener` hears every update published from now on; returns how to stop. */
  subscribe(cohort: string, listener: (update: CohortUpdate) => void): () => void;
  /** The last update published, while it is recent: a subscriber arriving between polls starts from it. */
  latest(cohort: string): Promise<CohortUpdate | null>;
}

/**
 * Both, as one gateway gets them (GatewayDependencies.queueSharing). A
 * Redis implementation must degrade as every shared piece does
 * (ARCHITECTURE.md): with Redis unavailable, `acquire` answers true (each
 * replica polls for its own subscribers) and `publish` delivers to this
 * process's listeners itself, so a subscriber never misses an update for
 * Redis's sake.
 */
export interface QueueSharing {
  locks: CohortLocks;
  fanout: QueueFanout;
}

/** Where a fan-out keeps each cohort's last update. */
export interface LatestUpdates {
  get(cohort: string): Promise<CohortUpdate | null>;
  set(cohort: string, update: CohortUpdate): Promise<void>;
}

const topic = (cohort: string) => `cx-gateway:queue:${cohort}`;

/**
 * A fan-out over an EventTarget: in process, Node's own; across replicas,
 * @graphql-yoga/redis-event-target's, which carries each update's JSON over
 * Redis pub/sub to the same listeners.
 */
export function createEventTargetFanout(target: EventTarget, latestUpdates: LatestUpdates): QueueFanout {
  return {
    async publish(cohort, update) {
      await latestUpdates.set(cohort, update);
      target.dispatchEvent(new CustomEvent(topic(cohort), { detail: update }));
    },
    subscribe(cohort, listener) {
      const handle = (event: Event) => listener((event as CustomEvent<CohortUpdate>).detail);
      target.addEventListener(topic(cohort), handle);
      return () => target.removeEventListener(topic(cohort), handle);
    },
    latest: (cohort) => latestUpdates.get(cohort),
  };
}

/**
 * Sharing within one process: locks in a map with their expiry on `clock`,
 * updates through an in-process EventTarget. Two gateways handed the same
 * instance share their pollers as replicas on Redis would.
 */
export function createLocalSharing(clock: Pick<Clock, 'now'>, keepLatestMs: number): QueueSharing {
  const held = new Map<string, { holder: string; until: number }>();
  const latest = new LRUCache<string, CohortUpdate>({ max: 10_000, ttl: keepLatestMs, perf: clock, ttlResolution: 0 });
  return {
    locks: {
      async acquire(cohort, holder, ttlMs) {
        const current = held.get(cohort);
        if (current && current.holder !== holder && current.until > clock.now()) return false;
        held.set(cohort, { holder, until: clock.now() + ttlMs });
        return true;
      },
      async release(cohort, holder) {
        if (held.get(cohort)?.holder === holder) held.delete(cohort);
      },
    },
    fanout: createEventTargetFanout(new EventTarget(), {
      get: async (cohort) => latest.get(cohort) ?? null,
      set: async (cohort, update) => void latest.set(cohort, update),
    }),
  };
}
