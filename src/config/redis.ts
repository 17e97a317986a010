import { z } from 'zod';
import type { BudgetSettings } from '../http/budget.js';
import { upstreamLabels, type UpstreamName } from '../http/errors.js';
import type { ScalingSettings } from '../redis/settings.js';
import { formatShareOf } from '../redis/share.js';
import { blankToUndefined, int, optionalString } from './env.js';

const MiB = 1024 * 1024;
const shareProblem = 'must be above 0 and at most 1';

/** The shared tier of a gateway run as several replicas (README, Scaling). */
export const redisEnv = {
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => /^rediss?:\/\/\S+$/.test(value), { error: 'must be a redis:// or rediss:// URL' })
      .optional(),
  ),
  REDIS_COMMAND_TIMEOUT_MS: int(1, 60_000, 100),
  REPLICAS: int(1, 10_000, 1),
  REDIS_FALLBACK_BUDGET_SHARE: z.preprocess(blankToUndefined, z.coerce.number().gt(0, { error: shareProblem }).max(1, { error: shareProblem }).optional()),
  REDIS_KEY_PREFIX: optionalString,
  REDIS_MAX_VALUE_BYTES: int(1024, 512 * MiB, MiB),
};

export function scalingSettings(parsed: z.infer<z.ZodObject<typeof redisEnv>>, warnings: string[]): ScalingSettings {
  const localShare = parsed.REDIS_FALLBACK_BUDGET_SHARE ?? 1 / parsed.REPLICAS;
  if (parsed.REDIS_URL === undefined) {
    if (parsed.REPLICAS > 1) {
      warnings.push(
        `REPLICAS=${parsed.REPLICAS} without REDIS_URL: each replica keeps its own cache and keeps to ${formatShareOf(localShare)} of every budget and rate limit.`,
      );
    }
    return { redis: null, localShare };
  }
  return {
    redis: {
      url: parsed.REDIS_URL,
      commandTimeoutMs: parsed.REDIS_COMMAND_TIMEOUT_MS,
      keyPrefix: parsed.REDIS_KEY_PREFIX ?? 'cx:',
      maxValueBytes: parsed.REDIS_MAX_VALUE_BYTES,
    },
    localShare,
  };
}

/** A share of a budget below 2 a minute cannot be kept (redis/budgets.ts localBudgetSettings): say so at start. */
export function shareWarnings(budgets: BudgetSettings, localShare: number): string[] {
  if (localShare >= 1) return [];
  return (Object.keys(budgets.rules) as UpstreamName[])
    .filter((upstream) => {
      const rule = budgets.rules[upstream];
      return rule !== null && rule.callsPerMinute * localShare < 2;
    })
    .map(
      (upstream) =>
        `${upstreamLabels[upstream]}: ${formatShareOf(localShare)} of its budget is under 2 calls a minute; each replica keeps to 2 while it counts alone, so together they may pass the budget then.`,
    );
}
