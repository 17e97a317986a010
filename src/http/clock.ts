/**
 * The time the HTTP layer runs on: cache TTLs, budget refills, breaker
 * windows, back-off waits, attempt timeouts and operation deadlines all read
 * and wait on one clock, so a test can move them all together (an injected
 * clock instead of waiting on the wall).
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /**
   * Calls `run` once `ms` have passed on this clock; returns how to cancel.
   * It never keeps the process alive on its own: whatever waits on it (a
   * request in flight) does.
   */
  after(ms: number, run: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, run) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
