import { z } from 'zod';
import type { UpstreamName } from '../http/errors.js';
import type { ResilienceSettings } from '../http/settings.js';
import type { UpstreamTimeouts } from '../http/timeouts.js';
import { blankToUndefined, int } from './env.js';

// Per-upstream timeouts default to the UPSTREAM_* values.
const optionalMs = z.preprocess(blankToUndefined, z.coerce.number().int().min(10).max(120_000).optional());
const UPSTREAM_ENV_PREFIX: Record<UpstreamName, string> = { avaamo: 'AVAAMO', vambe: 'VAMBE', rocketchat: 'ROCKETCHAT' };

/** Deadlines, timeouts, retries and breakers (issue 5; README, Configuration). */
export const resilienceEnv = {
  OPERATION_DEADLINE_MS: int(100, 300_000, 20_000),
  UPSTREAM_TIMEOUT_MS: int(10, 120_000, 15_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(10, 60_000, 3_000),
  AVAAMO_TIMEOUT_MS: optionalMs,
  AVAAMO_CONNECT_TIMEOUT_MS: optionalMs,
  VAMBE_TIMEOUT_MS: optionalMs,
  VAMBE_CONNECT_TIMEOUT_MS: optionalMs,
  ROCKETCHAT_TIMEOUT_MS: optionalMs,
  ROCKETCHAT_CONNECT_TIMEOUT_MS: optionalMs,
  UPSTREAM_RETRY_ATTEMPTS: int(1, 10, 3),
  UPSTREAM_RETRY_BASE_MS: int(1, 60_000, 200),
  UPSTREAM_RETRY_MAX_MS: int(1, 60_000, 2_000),
  BREAKER_FAILURE_RATIO: z.preprocess(blankToUndefined, z.coerce.number().gt(0).lt(1).default(0.5)),
  BREAKER_WINDOW_MS: int(100, 600_000, 30_000),
  BREAKER_MIN_REQUESTS: int(1, 100_000, 10),
  BREAKER_OPEN_MS: int(10, 600_000, 15_000),
};

export function resilienceSettings(parsed: z.infer<z.ZodObject<typeof resilienceEnv>>): ResilienceSettings {
  const env = parsed as Record<string, number | undefined>;
  const timeouts = (upstream: UpstreamName): UpstreamTimeouts => ({
    connectMs: env[`${UPSTREAM_ENV_PREFIX[upstream]}_CONNECT_TIMEOUT_MS`] ?? parsed.UPSTREAM_CONNECT_TIMEOUT_MS,
    totalMs: env[`${UPSTREAM_ENV_PREFIX[upstream]}_TIMEOUT_MS`] ?? parsed.UPSTREAM_TIMEOUT_MS,
  });
  return {
    operationDeadlineMs: parsed.OPERATION_DEADLINE_MS,
    timeouts: { avaamo: timeouts('avaamo'), vambe: timeouts('vambe'), rocketchat: timeouts('rocketchat') },
    retry: {
      maxAttempts: parsed.UPSTREAM_RETRY_ATTEMPTS,
      baseDelayMs: parsed.UPSTREAM_RETRY_BASE_MS,
      maxDelayMs: parsed.UPSTREAM_RETRY_MAX_MS,
    },
    breaker: {
      failureRatio: parsed.BREAKER_FAILURE_RATIO,
      windowMs: parsed.BREAKER_WINDOW_MS,
      minRequests: parsed.BREAKER_MIN_REQUESTS,
      openMs: parsed.BREAKER_OPEN_MS,
    },
  };
}
