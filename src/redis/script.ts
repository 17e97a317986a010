import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type RedisReply = string | number | null | RedisReply[];

/** A Lua script run atomically by Redis. */
export type Script = (client: Redis, keys: readonly string[], args: readonly (string | number)[]) => Promise<RedisReply>;

/**
 * Sent by its SHA-1 (EVALSHA); a Redis that does not know it yet (started
 * or restarted since) gets the text once (EVAL), which also caches it there.
 */
export function script(lua: string): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (client, keys, args) => {
    try {
      return (await client.evalsha(sha, keys.length, ...keys, ...args)) as RedisReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await client.eval(lua, keys.length, ...keys, ...args)) as RedisReply;
    }
  };
}
