import { createCursorKeys, type CursorKeys } from '../schema/cursor-codec.js';
import { connectRedis, type RedisConnection } from './connection.js';
import { formatShareOf } from './share.js';
import { redisOff, type HealthLogger, type RedisHealth } from './health.js';
import { sharedCursorKeys } from './cursor-secret.js';
import type { ScalingSettings } from './settings.js';

/**
 * What a gateway shares with the other replicas, made before the gateway
 * (createGateway is synchronous; connecting and agreeing on the cursor
 * secret are not). Without REDIS_URL: nothing, health `off`.
 */
export interface Sharing {
  /** `null` without REDIS_URL. The queue's cohort locks and pub/sub use it too (connection.ts, lease.ts). */
  readonly redis: RedisConnection | null;
  /** For /readyz and cx_redis_up. */
  readonly health: RedisHealth;
  readonly cursorKeys: CursorKeys;
  readonly localShare: number;
  close(): Promise<void>;
}

export interface SharingOptions {
  /** CURSOR_SECRET, when set: it wins over a secret kept in Redis. */
  cursorSecret: string | null;
  logger?: HealthLogger;
  /** How long start waits for a first connection. @default 2000 */
  startWaitMs?: number;
}

export async function startSharing(scaling: ScalingSettings, { cursorSecret, logger = console, startWaitMs }: SharingOptions): Promise<Sharing> {
  if (!scaling.redis) {
    return { redis: null, health: redisOff, cursorKeys: createCursorKeys(cursorSecret), localShare: scaling.localShare, close: async () => undefined };
  }
  const redis = await connectRedis(scaling.redis, {
    logger,
    startWaitMs,
    fallbackNote: `each replica uses its own cache and keeps to ${formatShareOf(scaling.localShare)} of every budget and rate limit`,
  });
  const cursorKeys = cursorSecret === null ? await sharedCursorKeys(redis, logger) : createCursorKeys(cursorSecret);
  return { redis, health: redis.health, cursorKeys, localShare: scaling.localShare, close: () => redis.close() };
}
