export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms at which the current window ends. */
  resetAt: number;
}

export interface RateLimiter {
  hit(key: string, nowMs: number): RateLimitResult;
  clear(): void;
}

/**
 * A fixed window per key, opened by the key's first call, like Rocket.Chat's
 * DDP rate limiter; Avaamo documents only "50 calls per minute", so it gets the same.
 */
export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    hit(key, nowMs) {
      let window = windows.get(key);
      if (!window || nowMs - window.startedAt >= windowMs) {
        window = { startedAt: nowMs, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      return {
        allowed: window.count <= limit,
        limit,
        remaining: Math.max(0, limit - window.count),
        resetAt: window.startedAt + windowMs,
      };
    },
    clear: () => windows.clear(),
  };
}
