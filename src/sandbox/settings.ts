import { z } from 'zod';
import { blankToUndefined, boolean, host, jsonSetting, parseEnv, port, type Env } from '../config/env.js';
import type { UpstreamSettings } from '../upstreams/settings.js';
import { sandboxCredentials } from './credentials.js';
import { faultListSchema, type Fault } from './faults.js';

/**
 * The sandbox's own settings, read from the SANDBOX_* variables by the sandbox
 * alone (`npm run sandbox`) and by the gateway that embeds it (src/main.ts);
 * the gateway's config never loads the sandbox.
 */
export interface SandboxSettings {
  host: string;
  port: number;
  latencyMs: number;
  seed: number;
  rateLimits: boolean;
  faults: readonly Fault[];
  /** Vambe's queue moves on its own (vambe/queue-motion.ts). */
  liveQueue: boolean;
}

const sandboxEnvSchema = z.object({
  SANDBOX_PORT: port(4010),
  SANDBOX_HOST: host,
  SANDBOX_LATENCY_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(60_000).default(0)),
  SANDBOX_SEED: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(2 ** 32 - 1).default(42)),
  SANDBOX_RATE_LIMITS: boolean(false),
  SANDBOX_FAULTS: z.preprocess(jsonSetting, faultListSchema.default([])),
  // On for people (npm start, npm run sandbox): the queue they watch moves. Tests start sandboxes that stand still.
  SANDBOX_LIVE_QUEUE: boolean(true),
});

/** Throws a ConfigError naming every SANDBOX_* problem. */
export function loadSandboxSettings(env: Env): SandboxSettings {
  const parsed = parseEnv(sandboxEnvSchema, env);
  return {
    host: parsed.SANDBOX_HOST,
    port: parsed.SANDBOX_PORT,
    latencyMs: parsed.SANDBOX_LATENCY_MS,
    seed: parsed.SANDBOX_SEED,
    rateLimits: parsed.SANDBOX_RATE_LIMITS,
    faults: parsed.SANDBOX_FAULTS,
    liveQueue: parsed.SANDBOX_LIVE_QUEUE,
  };
}

/** Every upstream pointed at a sandbox, with the credentials it accepts. */
export function sandboxUpstreams(sandboxUrl: string): UpstreamSettings {
  return {
    avaamo: {
      baseUrl: sandboxUrl,
      userToken: sandboxCredentials.avaamoUserToken,
      agents: sandboxCredentials.avaamoAgents,
    },
    vambe: { baseUrl: sandboxUrl, apiKey: sandboxCredentials.vambeApiKey },
    rocketchat: {
      baseUrl: sandboxUrl,
      userId: sandboxCredentials.rocketchatUserId,
      authToken: sandboxCredentials.rocketchatAuthToken,
    },
  };
}
