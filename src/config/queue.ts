import type { z } from 'zod';
import type { CacheSettings } from '../http/cache.js';
import type { QueueSettings } from '../queue/settings.js';
import { int } from './env.js';

/** The live queue (README, The live queue and Configuration). */
export const queueEnv = {
  QUEUE_POLL_SECONDS: int(1, 3_600, 5),
  MAX_SUBSCRIPTIONS_PER_CALLER: int(1, 100_000, 20),
  MAX_SUBSCRIPTIONS: int(1, 1_000_000, 10_000),
  SUBSCRIPTION_HEARTBEAT_SECONDS: int(1, 3_600, 12),
};

/** A back-off never waits longer than this (or the interval, if that is longer). */
const MAX_BACKOFF_MS = 60_000;

/**
 * A poll shorter than the contacts cache TTL would be answered from the
 * cache, so the interval is at least that TTL (when the cache is on); a
 * setting below it is raised, with a warning.
 */
export function queueSettings(
  parsed: z.infer<z.ZodObject<typeof queueEnv>>,
  env: Record<string, string | undefined>,
  cache: CacheSettings,
  warnings: string[],
): QueueSettings {
  const ttlSeconds = cache.enabled ? cache.policies['vambe.contactsByStatus'].ttlSeconds : 0;
  const pollSeconds = Math.max(parsed.QUEUE_POLL_SECONDS, ttlSeconds);
  if (pollSeconds > parsed.QUEUE_POLL_SECONDS && env.QUEUE_POLL_SECONDS?.trim()) {
    warnings.push(
      `QUEUE_POLL_SECONDS=${parsed.QUEUE_POLL_SECONDS} is shorter than the contacts cache TTL (${ttlSeconds} s), whose answers a poll would read: the live queue is polled every ${pollSeconds} s.`,
    );
  }
  return {
    pollIntervalMs: pollSeconds * 1000,
    maxBackoffMs: Math.max(MAX_BACKOFF_MS, pollSeconds * 1000),
    maxSubscriptionsPerCaller: parsed.MAX_SUBSCRIPTIONS_PER_CALLER,
    maxSubscriptions: parsed.MAX_SUBSCRIPTIONS,
    heartbeatMs: parsed.SUBSCRIPTION_HEARTBEAT_SECONDS * 1000,
  };
}
