import { LRUCache } from 'lru-cache';
import { callerKey, type Caller } from './callers.js';

export const RATE_WINDOW_MS = 60_000;

/** One operation counted against a caller's limit. */
export interface RateVerdict {
  allowed: boolean;
  /** Until the caller's window starts afresh. */
  resetInMs: number;
}

/**
 * Where each caller's operations are counted: a fixed one-minute window per
 * caller, started by its first operation. The in-process one below; a shared
 * one counts a caller's operations across every replica (src/redis/rate-windows.ts).
 */
export interface RateWindows {
  take(caller: string, perMinute: number): RateVerdict | Promise<RateVerdict>;
}

/** Answers at once: nothing to wait for in process. */
export interface MemoryRateWindows extends RateWindows {
  take(caller: string, perMinute: number): RateVerdict;
}

export function createMemoryRateWindows(now: () => number = Date.now): MemoryRateWindows {
  // Bounded: a flood of addresses evicts the oldest windows instead of growing without end.
  const windows = new LRUCache<string, { start: number; count: number }>({ max: 10_000 });
  return {
    take(caller, perMinute) {
      const at = now();
      let window = windows.get(caller);
      if (!window || at - window.start >= RATE_WINDOW_MS) {
        window = { start: at, count: 0 };
        windows.set(caller, window);
      }
      window.count++;
      return { allowed: window.count <= perMinute, resetInMs: window.start + RATE_WINDOW_MS - at };
    },
  };
}

/**
 * One operation of `caller` counted against its `ratePerMinute`, and `then`
 * told the verdict (null: the caller has no limit): at once when the windows
 * are this process's, when Redis answers when they are shared. What the
 * rate-limit plugin and the response-cache hit path both admit by.
 */
export function admit<R>(windows: RateWindows, caller: Caller, address: string | undefined, then: (verdict: RateVerdict | null) => R): R | Promise<R> {
  if (caller.ratePerMinute === 0) return then(null);
  const verdict = windows.take(callerKey(caller, address), caller.ratePerMinute);
  return verdict instanceof Promise ? verdict.then(then) : then(verdict);
}
