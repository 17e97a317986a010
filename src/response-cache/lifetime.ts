/**
 * A result that read no upstream answer (`agents`, `__typename`) depends on
 * the configuration alone and cannot go out of date before a restart; it is
 * kept as long as the slow-moving lists (reports, Rocket.Chat), so it does not
 * hold memory for ever.
 */
export const NO_UPSTREAM_TTL_MS = 60_000;

/**
 * A result built from an answer served past its TTL (refreshing behind the
 * caller's back, or the refresh was refused): kept this long at most, so the
 * refreshed answer shows soon, while a burst of identical operations still
 * executes once a second rather than once each.
 */
export const STALE_RESULT_TTL_MS = 1_000;

/**
 * How long a result may be kept, from the earliest time until which one of
 * the upstream answers it read is fresh (upstream-reads.ts): until that
 * answer would be refreshed, so a cached result is never older than the TTL
 * of any route it read allows. A cold result therefore lives the smallest
 * TTL of its routes. 0: not to be kept.
 */
export function responseLifetimeMs(freshUntil: number | null, now: number): number {
  if (freshUntil === null) return 0;
  if (freshUntil === Number.POSITIVE_INFINITY) return NO_UPSTREAM_TTL_MS;
  return freshUntil > now ? freshUntil - now : STALE_RESULT_TTL_MS;
}
