import { Redis, type RedisOptions } from 'ioredis';
import { systemClock, type Clock } from '../http/clock.js';
import { createHealthTracker, type HealthLogger, type RedisHealth } from './health.js';
import type { RedisSettings } from './settings.js';

/**
 * One gateway's way to Redis: a command connection, one subscriber for the
 * gateway's own channels, and its health. Every shared implementation goes
 * through `attempt`, so Redis down, slow or flapping costs a request at most
 * one command timeout, and then nothing while it stays away.
 */
export interface RedisConnection {
  /** Commands, each answered within REDIS_COMMAND_TIMEOUT_MS; refused at once while not connected. Never in subscriber mode. */
  readonly client: Redis;
  readonly health: RedisHealth;
  readonly settings: RedisSettings;
  /** A key or channel name under REDIS_KEY_PREFIX. */
  key(name: string): string;
  /**
   * Runs `command` while Redis is up; otherwise, or when it fails, answers
   * `fallback()` instead (counted). A timeout or a lost connection marks
   * Redis degraded: later calls fall back at once until it answers again.
   */
  attempt<T>(command: (client: Redis) => Promise<T>, fallback: () => T): Promise<T>;
  /** Hears every message on `channel` (a name from `key`), resubscribed after each reconnection. */
  subscribe(channel: string, onMessage: (message: string) => void): void;
  /**
   * A new connection with these settings (commands bounded, no offline queue,
   * the same reconnection back-off), connecting at once, for a dedicated use:
   * the publish and subscribe clients of @graphql-yoga/redis-event-target, a
   * blocking command. `overrides` change any of them (`{ enableOfflineQueue:
   * true }` for a subscriber that may subscribe before it is connected).
   * Its errors are its owner's to hear (an `error` listener); closed with
   * this connection.
   */
  duplicate(overrides?: Partial<RedisOptions>): Redis;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  logger?: HealthLogger;
  /** What the transition to degraded says the replica does meanwhile. */
  fallbackNote?: string;
  /** How long start waits for a first connection before serving degraded. @default 2000 */
  startWaitMs?: number;
  /** Probes of a Redis that timed out run on this. @default the system clock */
  clock?: Clock;
}

/** Reconnection back-off: doubling from 100 ms to at most 5 s, with jitter so replicas do not reconnect in step. */
const reconnectDelay = (attempt: number) => Math.round(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
const PROBE_FIRST_MS = 250;
const PROBE_MAX_MS = 5_000;

/**
 * Connects, waiting a little for the first connection so a healthy start
 * serves in shared mode from its first request; a Redis not reachable by
 * then leaves the gateway serving degraded while it keeps trying.
 */
export async function connectRedis(settings: RedisSettings, options: RedisConnectOptions = {}): Promise<RedisConnection> {
  const { logger = console, fallbackNote = 'each replica uses its own cache and its share of the budgets', startWaitMs = 2_000, clock = systemClock } = options;
  const health = createHealthTracker(logger, fallbackNote);
  const redisOptions: RedisOptions = {
    // The bound callers wait is `within` below; this one only keeps a Redis that never answers from piling up commands.
    commandTimeout: Math.max(1_000, settings.commandTimeoutMs * 10),
    connectTimeout: Math.max(1_000, settings.commandTimeoutMs * 10),
    // Nothing waits for a connection: a command while disconnected fails at once and its caller falls back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelay,
    lazyConnect: true,
  };
  const client = new Redis(settings.url, redisOptions);
  const dedicated = new Set<Redis>();
  let closed = false;
  let everConnected = false;
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  client.on('ready', () => {
    lastError = '';
    stopProbe();
    health.set('up', everConnected ? 'reconnected' : 'connected');
    everConnected = true;
  });
  client.on('close', () => {
    if (!closed) health.set('degraded', lastError ? `connection lost: ${lastError}` : 'connection lost');
  });

  // A Redis still connected but too slow is probed until it answers in time again.
  let cancelProbe: (() => void) | null = null;
  const stopProbe = () => {
    cancelProbe?.();
    cancelProbe = null;
  };
  const probe = (delay: number) => {
    cancelProbe = clock.after(delay, () => {
      cancelProbe = null;
      if (closed || client.status !== 'ready' || health.state === 'up') return;
      within(client.ping(), settings.commandTimeoutMs).then(
        () => health.set('up', 'answering in time again'),
        () => probe(Math.min(PROBE_MAX_MS, delay * 2)),
      );
    });
  };

  const subscriptions = new Map<string, Set<(message: string) => void>>();
  let subscriber: Redis | null = null;
  const subscriberFor = () => {
    if (subscriber) return subscriber;
    const connection = client.duplicate({ autoResubscribe: false });
    subscriber = connection;
    connection.on('error', () => undefined);
    // Subscribed afresh on every connection, so a channel added while Redis was away is not missed.
    connection.on('ready', () => {
      if (subscriptions.size > 0) connection.subscribe(...subscriptions.keys()).catch(() => undefined);
    });
    connection.on('message', (channel: string, message: string) => {
      for (const listener of subscriptions.get(channel) ?? []) listener(message);
    });
    connection.connect().catch(() => undefined);
    return connection;
  };

  const failed = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // A refused command (a script error, an out-of-memory Redis) is not a health problem of the connection.
    if (error instanceof Error && error.name === 'ReplyError') return;
    if (health.state !== 'up') return;
    health.set('degraded', client.status === 'ready' ? message : 'connection lost');
    if (client.status === 'ready') probe(PROBE_FIRST_MS);
  };

  const connection: RedisConnection = {
    client,
    health,
    settings,
    key: (name) => settings.keyPrefix + name,
    async attempt(command, fallback) {
      if (health.state !== 'up') {
        health.fallback();
        return fallback();
      }
      try {
        return await within(command(client), settings.commandTimeoutMs);
      } catch (error) {
        failed(error);
        health.fallback();
        return fallback();
      }
    },
    subscribe(channel, onMessage) {
      const connection = subscriberFor();
      let listeners = subscriptions.get(channel);
      if (!listeners) {
        subscriptions.set(channel, (listeners = new Set()));
        if (connection.status === 'ready') connection.subscribe(channel).catch(() => undefined);
      }
      listeners.add(onMessage);
    },
    duplicate(overrides = {}) {
      const copy = client.duplicate({ lazyConnect: false, ...overrides });
      dedicated.add(copy);
      return copy;
    },
    async close() {
      closed = true;
      stopProbe();
      for (const copy of dedicated) copy.disconnect();
      subscriber?.disconnect();
      client.disconnect();
    },
  };

  const first = new Promise<void>((resolve) => {
    const cancel = clock.after(startWaitMs, resolve);
    client.once('ready', () => {
      cancel();
      resolve();
    });
  });
  client.connect().catch(() => undefined);
  await first;
  if (health.state !== 'up') logger.warn(`redis: not reachable at start (${lastError || 'no answer'}); ${fallbackNote} until it is`);
  return connection;
}

class RedisTimeout extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeout';
  }
}

/**
 * `task`, or a RedisTimeout once `ms` have passed. The timeout is told one
 * turn late (setImmediate, after the event loop's I/O): on a busy replica a
 * timer due during a long turn runs before the reply already waiting on the
 * socket is read, and Redis would be blamed for the replica's own lag.
 */
function within<T>(task: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(new RedisTimeout(ms))), ms);
    timer.unref();
    task.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
