import type { Clock } from '../http/clock.js';

/**
 * Epoch milliseconds that move with `clock`: the injected clock is
 * monotonic (only differences count), while waiting times and `asOf` are
 * instants. Anchored once, so a test that moves its clock moves these too.
 */
export function wallClock(clock: Pick<Clock, 'now'>): () => number {
  const epoch = Date.now();
  const start = clock.now();
  return () => epoch + (clock.now() - start);
}
