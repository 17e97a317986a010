import { z } from 'zod';
import type { SecuritySettings } from '../auth/settings.js';
import type { ResilienceSettings } from '../http/settings.js';
import type { HttpServerSettings } from '../http-server.js';
import type { QueueSettings } from '../queue/settings.js';
import type { ScalingSettings } from '../redis/settings.js';
import type { UpstreamSettings } from '../upstreams/settings.js';
import { ConfigError, blankToUndefined, host, int, parseEnv, port, type Env } from './env.js';
import type { TelemetrySettings } from '../telemetry/settings.js';
import { opsEnv, telemetrySettings } from './ops.js';
import { redisEnv, scalingSettings, shareWarnings } from './redis.js';
import { resilienceEnv, resilienceSettings } from './resilience.js';
import { securityEnv, securitySettings } from './security.js';
import { queueEnv, queueSettings } from './queue.js';
import { trafficEnv, trafficSettings, type TrafficSettings } from './traffic.js';
import { anyBaseUrl, configuredUpstreams, upstreamsEnv } from './upstreams.js';

export { ConfigError, type Env } from './env.js';
export type { TrafficSettings } from './traffic.js';
export type { ApiKey, Scope, SecuritySettings } from '../auth/settings.js';
export type { ResilienceSettings } from '../http/settings.js';
export type { QueueSettings } from '../queue/settings.js';
export type { RedisSettings, ScalingSettings } from '../redis/settings.js';
export type { AvaamoAgentCredential, AvaamoSettings, RocketChatSettings, UpstreamSettings, VambeSettings } from '../upstreams/settings.js';

export interface Config {
  port: number;
  host: string;
  http: HttpServerSettings;
  /**
   * Set when the gateway starts the embedded sandbox, which reads its own settings
   * (src/sandbox/settings.ts). Every upstream then points at it once it listens,
   * and `upstreams` stays empty until then.
   */
  embeddedSandbox: boolean;
  upstreams: UpstreamSettings;
  resilience: ResilienceSettings;
  traffic: TrafficSettings;
  security: SecuritySettings;
  /** The live queue: poll interval, subscription limits, heartbeats. */
  queue: QueueSettings;
  telemetry: TelemetrySettings;
  /** BUILD_ID: which build this is, besides its schema and version (the response-cache key); null when unset. */
  buildId: string | null;
  /** How long in-flight operations may take to finish once SIGTERM or SIGINT arrives. */
  shutdownGraceMs: number;
  /** Replicas: what they share through Redis, and each one's share of the limits without it. */
  scaling: ScalingSettings;
  /** Upstreams left unconfigured and an open gateway, said once at start. */
  warnings: readonly string[];
}

const envSchema = z.object({
  PORT: port(4000),
  // Loopback by default: the gateway holds upstream tokens and answers anyone who reaches it.
  HOST: host,
  // How long a client may take (issue 12): bounds, never off, so a trickling client cannot hold a socket.
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000, 30_000),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 3_600_000, 10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 3_600_000, 5_000),
  SANDBOX: z.preprocess(blankToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  ...upstreamsEnv,
  ...resilienceEnv,
  ...trafficEnv,
  ...securityEnv,
  ...queueEnv,
  ...opsEnv,
  ...redisEnv,
});

const NO_UPSTREAMS: UpstreamSettings = { avaamo: null, vambe: null, rocketchat: null };

/**
 * Reads the environment once. Every problem is collected and thrown together
 * in a ConfigError, so a misconfigured deployment is fixed in one go.
 */
export function loadConfig(env: Env): Config {
  const parsed = parseEnv(envSchema, env);
  const embeddedSandbox = parsed.SANDBOX === 'on' || (parsed.SANDBOX === 'auto' && !anyBaseUrl(parsed));
  const warnings: string[] = [];
  const securityWarnings: string[] = [];
  const queueWarnings: string[] = [];
  const problems: string[] = [];
  // With SANDBOX=auto the upstream variables are checked even when none has a
  // base URL: a token without its URL is a forgotten URL, not a wish for the sandbox.
  const configured = parsed.SANDBOX === 'on' ? null : configuredUpstreams(parsed, warnings, problems);
  if (parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request).');
  }
  if (parsed.METRICS_PORT !== undefined && parsed.METRICS_PORT === parsed.PORT) {
    problems.push('METRICS_PORT must differ from PORT (metrics get a port of their own, or leave it unset to serve them on PORT).');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const scalingWarnings: string[] = [];
  const scaling = scalingSettings(parsed, scalingWarnings);
  const traffic = trafficSettings(parsed);
  scalingWarnings.push(...shareWarnings(traffic.budgets, scaling.localShare));
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    http: {
      requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    embeddedSandbox,
    upstreams: embeddedSandbox ? NO_UPSTREAMS : configured!,
    resilience: resilienceSettings(parsed),
    traffic,
    security: securitySettings(parsed, embeddedSandbox, securityWarnings, scaling.redis !== null),
    queue: queueSettings(parsed, env, traffic.cache, queueWarnings),
    scaling,
    telemetry: telemetrySettings(parsed),
    buildId: parsed.BUILD_ID ?? null,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    warnings: [
      ...(embeddedSandbox ? [] : warnings),
      ...securityWarnings,
      ...queueWarnings,
      ...scalingWarnings,
      ...(!embeddedSandbox && parsed.METRICS_PORT === undefined && parsed.METRICS_TOKEN === undefined
        ? ['GET /metrics is served on PORT to anyone who reaches it: set METRICS_PORT (a port of its own) or METRICS_TOKEN.']
        : []),
    ],
  });
}
