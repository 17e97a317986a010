import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '../bench/redis-server.js';
import { connectRedis, type RedisConnection } from '../src/redis/connection.js';

export interface TestRedis {
  /** The file's redis-server (started before its tests, stopped after). */
  server(): RedisServer;
  /** A replica's connection to it, closed (and Redis emptied) after each test. */
  connect(): Promise<RedisConnection>;
}

/** A redis-server for one test file, and connections to it as replicas would hold them, quiet and patient. */
export function useTestRedis(): TestRedis {
  let server: RedisServer;
  const connections: RedisConnection[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(() => server.stop());
  afterEach(async () => {
    for (const connection of connections.splice(0)) {
      await connection.client.flushall().catch(() => undefined);
      await connection.close();
    }
  });
  return {
    server: () => server,
    async connect() {
      const connection = await connectRedis(
        { url: server.url, commandTimeoutMs: 1_000, keyPrefix: 'test:', maxValueBytes: 1 << 20 },
        { logger: { info: () => undefined, warn: () => undefined } },
      );
      connections.push(connection);
      return connection;
    },
  };
}
