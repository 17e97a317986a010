import { randomBytes } from 'node:crypto';
import { createCursorKeys, type CursorKeys } from '../schema/cursor-codec.js';
import type { RedisConnection } from './connection.js';
import type { HealthLogger } from './health.js';

/**
 * Cursor keys of a gateway with REDIS_URL and no CURSOR_SECRET: the first
 * replica stores a random secret in Redis (cursor-secret, SET NX) and every
 * replica signs with the one stored, so a cursor from one is read by all.
 * Each return of Redis re-asserts the secret in use (a Redis that lost its
 * data gets it back from the first replica to reconnect) and adopts the
 * stored one if another replica's got there first: cursors this replica
 * signed before then are refused, logged once. Without Redis at start the
 * replica signs with its own until Redis answers. CURSOR_SECRET, when set,
 * is used instead and survives losing Redis.
 */
export async function sharedCursorKeys(redis: RedisConnection, logger: HealthLogger): Promise<CursorKeys> {
  const key = redis.key('cursor-secret');
  let secret = randomBytes(32).toString('base64url');
  let keys = createCursorKeys(secret);
  let started = false;
  const adopt = async () => {
    const stored = await redis.attempt(async (client) => {
      await client.set(key, secret, 'NX');
      return client.get(key);
    }, () => null);
    if (stored === null || stored === secret) return;
    if (started) logger.warn('redis: the replicas sign cursors with another secret now; cursors this replica signed before are refused (CURSOR_SECRET avoids this)');
    secret = stored;
    keys = createCursorKeys(secret);
  };
  await adopt();
  started = true;
  redis.health.onChange((state) => {
    if (state === 'up') void adopt();
  });
  return { derive: (material) => keys.derive(material) };
}
