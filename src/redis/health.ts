/**
 * Whether the replicas share their state right now. `up`: through Redis.
 * `degraded`: REDIS_URL is set but Redis is unreachable, too slow or
 * refusing; each replica serves from what it holds itself (its own cache,
 * its share of the budgets) and reconnects behind the callers' backs.
 * `off`: no REDIS_URL; every replica keeps its state to itself by design.
 */
export type RedisState = 'up' | 'degraded' | 'off';

/** What probes and metrics read: /readyz answers `redis: "degraded"` and stays 200, cx_redis_up is `state === 'up'`. */
export interface RedisHealth {
  readonly state: RedisState;
  /** Told of every change of state, once per transition. Returns how to stop listening. */
  onChange(listener: (state: RedisState, previous: RedisState) => void): () => void;
  /** Counts since start. */
  readonly counters: Readonly<RedisCounters>;
}

export interface RedisCounters {
  /** Calls served from the replica's own state because Redis was not up or failed them. */
  fallbacks: number;
  /** Returns to shared mode after Redis was lost (the first connection is not one). */
  reconnections: number;
}

/** The health of a gateway without REDIS_URL. */
export const redisOff: RedisHealth = {
  state: 'off',
  onChange: () => () => undefined,
  counters: Object.freeze({ fallbacks: 0, reconnections: 0 }),
};

/** The writable side, kept by the connection (connection.ts). */
export interface HealthTracker extends RedisHealth {
  set(state: 'up' | 'degraded', reason: string): void;
  fallback(): void;
}

export interface HealthLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Starts `degraded` (not connected yet); logs each transition once, never each request. */
export function createHealthTracker(logger: HealthLogger, fallbackNote: string): HealthTracker {
  let state: 'up' | 'degraded' = 'degraded';
  let everUp = false;
  const counters: RedisCounters = { fallbacks: 0, reconnections: 0 };
  const listeners = new Set<(state: RedisState, previous: RedisState) => void>();
  return {
    get state() {
      return state;
    },
    counters,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next, reason) {
      if (next === state) return;
      const previous = state;
      state = next;
      if (next === 'up') {
        if (everUp) counters.reconnections += 1;
        everUp = true;
        logger.info(`redis: up (${reason}); the replicas share cache, budgets, rate limits and cursors`);
      } else {
        logger.warn(`redis: degraded (${reason}); ${fallbackNote} until it is back`);
      }
      for (const listener of listeners) listener(next, previous);
    },
    fallback() {
      counters.fallbacks += 1;
    },
  };
}
