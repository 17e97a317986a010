import { LRUCache } from 'lru-cache';
import type { Caller } from './callers.js';

const WINDOW_MS = 60_000;

export interface RateLimits {
  /**
   * Counts one operation of this caller (from this address, on an open
   * gateway): `null` when it is within the limit, else the seconds until
   * the window ends (Retry-After).
   */
  admit(caller: Caller, address: string): number | null;
}

/**
 * At most its `ratePerMinute` operations per caller in each minute (a fixed
 * window). A caller is its API key; on an open gateway, its network address.
 * One per gateway, shared by every path that answers an operation
 * (plugins/use-rate-limit.ts, response-cache/hit-path.ts), so a hit counts
 * like any other operation.
 */
export function createRateLimits(now: () => number = Date.now): RateLimits {
  // Bounded: a flood of addresses evicts the oldest windows instead of growing without end.
  const windows = new LRUCache<string, { start: number; count: number }>({ max: 10_000 });
  return {
    admit({ name, ratePerMinute }, address) {
      if (ratePerMinute === 0) return null;
      const key = name === 'anonymous' ? `address ${address}` : `key ${name}`;
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.start >= WINDOW_MS) {
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= ratePerMinute) return null;
      return Math.max(1, Math.ceil((window.start + WINDOW_MS - at) / 1000));
    },
  };
}
