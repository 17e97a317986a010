import { z } from 'zod';
import type { BreakerSettings } from './http/breaker.js';
import type { UpstreamName } from './http/errors.js';
import type { RetrySettings } from './http/retry.js';
import type { UpstreamTimeouts } from './http/timeouts.js';
import { DEFAULT_BUDGET_RULES, type BudgetSettings } from './http/budget.js';
import { DEFAULT_ROUTE_POLICIES, type CacheSettings } from './http/cache.js';
import { upstreamRouteNames, type UpstreamRoute } from './http/routes.js';
import { sandboxCredentials } from './sandbox/credentials.js';
import { faultListSchema, type Fault } from './sandbox/faults.js';

export interface AvaamoAgentCredential {
  id: number;
  accessToken: string;
}
export interface AvaamoSettings {
  baseUrl: string;
  userToken: string;
  /** The agents this gateway serves; each token reads that agent's messages. */
  agents: readonly AvaamoAgentCredential[];
}
export interface VambeSettings {
  baseUrl: string;
  apiKey: string;
}
export interface RocketChatSettings {
  baseUrl: string;
  userId: string;
  authToken: string;
}
/** `null` means the upstream is not configured: its fields answer UPSTREAM_NOT_CONFIGURED. */
export interface UpstreamSettings {
  avaamo: AvaamoSettings | null;
  vambe: VambeSettings | null;
  rocketchat: RocketChatSettings | null;
}
export interface SandboxSettings {
  host: string;
  port: number;
  latencyMs: number;
  seed: number;
  rateLimits: boolean;
  faults: readonly Fault[];
}
export type Scope = 'read' | 'write';
export interface ApiKey {
  name: string;
  /** Hex SHA-256 of the key: the gateway never holds the key itself. */
  keySha256: string;
  scopes: readonly Scope[];
}
/** Who may call, and how much a call may ask (see README, Security). */
export interface SecuritySettings {
  /** 'keys': every request needs a listed key (an empty list refuses everyone); 'open': no key asked. */
  auth: 'keys' | 'open';
  apiKeys: readonly ApiKey[];
  forwardUpstreamCredentials: boolean;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Fields cost 1, times the `first`/`last` of the lists they sit in. */
  maxCost: number;
  maxBodyBytes: number;
  /** Operations in one batched request; 0 turns batching off. */
  maxBatch: number;
  /** Operations a minute per caller; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Path of the allow-list (sha256 → document) when only persisted operations are accepted. */
  persistedOperationsFile: string | null;
  introspection: boolean;
  graphiql: boolean;
  csrfPrevention: boolean;
  /** Origins allowed by CORS; null keeps Yoga's default (any origin). */
  corsOrigins: readonly string[] | null;
  /** Signs cursors (CURSOR_SECRET); null: a random secret of this process. */
  cursorSecret: string | null;
}
export interface Config {
  port: number;
  host: string;
  /** Set when the gateway starts the embedded sandbox and points every upstream at it. */
  sandbox: SandboxSettings | null;
  upstreams: UpstreamSettings;
  resilience: ResilienceSettings;
  traffic: TrafficSettings;
  security: SecuritySettings;
  /** Upstreams left unconfigured and an open gateway, said once at start. */
  warnings: readonly string[];
}

/** How upstream failures are bounded (issue 5): deadlines, timeouts, retries, breakers. */
export interface ResilienceSettings {
  /** Nothing of one GraphQL operation outlives this. */
  operationDeadlineMs: number;
  timeouts: Record<UpstreamName, UpstreamTimeouts>;
  retry: RetrySettings;
  breaker: BreakerSettings;
}

/** How the gateway spares the upstreams: cache, budgets, concurrency, and showing what it cost. */
export interface TrafficSettings {
  cache: CacheSettings;
  budgets: BudgetSettings;
  maxConcurrentPerUpstream: number;
  /** Every response carries `extensions.upstream` (otherwise only when the caller asks). */
  debugUpstream: boolean;
  /** `false` only for the benchmark's naive baseline. */
  dataloader: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
);
const port = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));

/** JSON text as its value; anything else as is, for the schema to reject with its own message. */
/** JSON-valued settings: parsed when they parse, else left for the schema to report. */
const jsonSetting = (value: unknown) => {
  const raw = blankToUndefined(value);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(String(raw)) as unknown;
  } catch {
    return raw;
  }
};

const agentList = z.preprocess(
  jsonSetting,
  z
    .array(
      z.object({
        id: z.number().int().positive(),
        accessToken: z.string().min(1),
      }),
      { error: 'must be a JSON array of {"id": number, "accessToken": string}' },
    )
    .optional(),
);

// ---- Traffic: cache, budgets, concurrency (README, Configuration) ----------
const MiB = 1024 * 1024;
const onOff = (fallback: 'on' | 'off') => z.preprocess(blankToUndefined, z.enum(['on', 'off']).default(fallback));
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
/** 0 = no budget; 1 cannot be split into burst and refill (budget.ts). */
const callsPerMinute = (fallback: number) =>
  int(0, 100_000, fallback).refine((value) => value !== 1, 'must be 0 (no budget) or at least 2');
const ttlOverrides = z.preprocess(
  (value) => jsonSetting(value) ?? {},
  z.partialRecord(z.enum(upstreamRouteNames as [UpstreamRoute, ...UpstreamRoute[]]), z.number().int().min(0).max(86_400), {
    error: `must be a JSON object of seconds by route (${upstreamRouteNames.join(', ')})`,
  }),
);
const trafficEnvSchema = z.object({
  CACHE: onOff('on'),
  CACHE_MAX_BYTES: int(0, 2 ** 40, 64 * MiB),
  CACHE_TTL_SECONDS: ttlOverrides,
  CACHE_MAX_STALE_SECONDS: int(0, 86_400, 300),
  AVAAMO_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.avaamo?.callsPerMinute ?? 0),
  VAMBE_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.vambe?.callsPerMinute ?? 0),
  ROCKETCHAT_CALLS_PER_MINUTE: callsPerMinute(DEFAULT_BUDGET_RULES.rocketchat?.callsPerMinute ?? 0),
  BUDGET_MAX_WAIT_MS: int(0, 60_000, 2_000),
  UPSTREAM_MAX_CONCURRENCY: int(1, 1_000, 6),
  DEBUG_UPSTREAM: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
  DATALOADER: onOff('on'),
});

const limit = (fallback: number, max = 1_000_000_000) => int(0, max, fallback);
/** Limits where 0 would refuse every operation (no aliases or directives at all is a real choice). */
const atLeastOne = (fallback: number, max = 1_000_000_000) => int(1, max, fallback);
const flag = (fallback: 'true' | 'false') =>
  z.preprocess(blankToUndefined, z.enum(['true', 'false']).default(fallback)).transform((value) => value === 'true');
const optionalFlag = z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional());

const securityEnv = {
  GATEWAY_API_KEYS: z.preprocess(
    jsonSetting,
    z
      .array(
        z.object({
          name: z.string().min(1),
          keySha256: z
            .string()
            .regex(/^[0-9a-fA-F]{64}$/, { error: 'keySha256 must be 64 hex digits' })
            .transform((hex) => hex.toLowerCase()),
          scopes: z.array(z.enum(['read', 'write'])).min(1),
        }),
        { error: 'must be a JSON array of {"name": string, "keySha256": hex, "scopes": ["read" | "write"]}' },
      )
      .default([]),
  ),
  GATEWAY_AUTH: onOff('on'),
  FORWARD_UPSTREAM_CREDENTIALS: flag('false'),
  MAX_DEPTH: atLeastOne(12, 1000),
  MAX_ALIASES: limit(30, 10_000),
  MAX_TOKENS: atLeastOne(2000),
  MAX_DIRECTIVES: limit(20, 10_000),
  MAX_COST: atLeastOne(20_000),
  MAX_BODY_BYTES: atLeastOne(100_000, 100_000_000),
  MAX_BATCH: limit(10, 1000),
  RATE_LIMIT_PER_MINUTE: limit(600),
  PERSISTED_OPERATIONS: z.preprocess(blankToUndefined, z.enum(['off', 'only']).default('off')),
  PERSISTED_OPERATIONS_FILE: z.preprocess(blankToUndefined, z.string().default('src/sdk/generated/persisted-documents.json')),
  NODE_ENV: optionalString,
  INTROSPECTION: optionalFlag,
  GRAPHIQL: optionalFlag,
  CURSOR_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -base64 32`)' }).optional(),
  ),
  CORS_ORIGINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
      .optional(),
  ),
};

const sandboxEnvSchema = z.object({
  SANDBOX_PORT: port(4010),
  SANDBOX_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  SANDBOX_LATENCY_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(60_000).default(0)),
  SANDBOX_SEED: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(2 ** 32 - 1).default(42)),
  SANDBOX_RATE_LIMITS: onOff('off'),
  SANDBOX_FAULTS: z.preprocess(jsonSetting, faultListSchema.default([])),
});

// Resilience (issue 5): per-upstream timeouts default to the UPSTREAM_* values.
const optionalMs = z.preprocess(blankToUndefined, z.coerce.number().int().min(10).max(120_000).optional());
const UPSTREAM_ENV_PREFIX: Record<UpstreamName, string> = { avaamo: 'AVAAMO', vambe: 'VAMBE', rocketchat: 'ROCKETCHAT' };
const resilienceEnv = {
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

function resilienceSettings(parsed: z.infer<z.ZodObject<typeof resilienceEnv>>): ResilienceSettings {
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

const envSchema = sandboxEnvSchema.extend({
  ...trafficEnvSchema.shape,
  PORT: port(4000),
  // Loopback by default: the gateway holds upstream tokens and answers anyone
  // who reaches it, so serving the network is a deliberate choice.
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  SANDBOX: z.preprocess(blankToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  ...resilienceEnv,
  AVAAMO_BASE_URL: optionalUrl,
  AVAAMO_USER_TOKEN: optionalString,
  AVAAMO_AGENTS: agentList,
  VAMBE_BASE_URL: optionalUrl,
  VAMBE_API_KEY: optionalString,
  ROCKETCHAT_BASE_URL: optionalUrl,
  ROCKETCHAT_USER_ID: optionalString,
  ROCKETCHAT_AUTH_TOKEN: optionalString,
  ...securityEnv,
});
type ParsedEnv = z.infer<typeof envSchema>;

function trafficSettings(parsed: z.infer<typeof trafficEnvSchema>): TrafficSettings {
  const policies = Object.fromEntries(
    upstreamRouteNames.map((route) => [
      route,
      { ...DEFAULT_ROUTE_POLICIES[route], ttlSeconds: parsed.CACHE_TTL_SECONDS[route] ?? DEFAULT_ROUTE_POLICIES[route].ttlSeconds },
    ]),
  ) as CacheSettings['policies'];
  const rule = (upstream: keyof typeof DEFAULT_BUDGET_RULES, callsPerMinute: number) =>
    callsPerMinute > 0 ? { callsPerMinute, perRoute: DEFAULT_BUDGET_RULES[upstream]?.perRoute ?? false } : null;
  return {
    cache: {
      enabled: parsed.CACHE === 'on',
      maxBytes: parsed.CACHE_MAX_BYTES,
      policies,
      maxStaleSeconds: parsed.CACHE_MAX_STALE_SECONDS,
    },
    budgets: {
      rules: {
        avaamo: rule('avaamo', parsed.AVAAMO_CALLS_PER_MINUTE),
        vambe: rule('vambe', parsed.VAMBE_CALLS_PER_MINUTE),
        rocketchat: rule('rocketchat', parsed.ROCKETCHAT_CALLS_PER_MINUTE),
      },
      maxWaitMs: parsed.BUDGET_MAX_WAIT_MS,
    },
    maxConcurrentPerUpstream: parsed.UPSTREAM_MAX_CONCURRENCY,
    debugUpstream: parsed.DEBUG_UPSTREAM === '1',
    dataloader: parsed.DATALOADER === 'on',
  };
}

/** Settings of the sandbox alone (`npm run sandbox`): only the SANDBOX_* variables are read. */
export function loadSandboxSettings(env: Env): SandboxSettings {
  return sandboxSettings(parseEnv(sandboxEnvSchema, env));
}

/**
 * Reads the environment once. Every problem is collected and thrown together
 * in a ConfigError, so a misconfigured deployment is fixed in one go.
 */
export function loadConfig(env: Env): Config {
  const parsed = parseEnv(envSchema, env);
  const anyBaseUrl = Boolean(parsed.AVAAMO_BASE_URL || parsed.VAMBE_BASE_URL || parsed.ROCKETCHAT_BASE_URL);
  const sandboxOn = parsed.SANDBOX === 'on' || (parsed.SANDBOX === 'auto' && !anyBaseUrl);
  const sandbox = sandboxOn ? sandboxSettings(parsed) : null;
  const warnings: string[] = [];
  const securityWarnings: string[] = [];
  const problems: string[] = [];
  // With SANDBOX=auto the upstream variables are checked even when none has a
  // base URL: a token without its URL is a forgotten URL, not a wish for the sandbox.
  const configured = parsed.SANDBOX === 'on' ? null : configuredUpstreams(parsed, warnings, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const upstreams = sandbox ? sandboxUpstreams(`http://${sandbox.host}:${sandbox.port}`) : configured!;
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    sandbox,
    upstreams,
    resilience: resilienceSettings(parsed),
    traffic: trafficSettings(parsed),
    security: securitySettings(parsed, sandbox !== null, securityWarnings),
    warnings: [...(sandbox ? [] : warnings), ...securityWarnings],
  });
}

/**
 * Keys, once set, are asked in every mode. Without keys the sandbox runs open
 * (its tokens grant nothing elsewhere); real upstreams stay closed unless
 * GATEWAY_AUTH=off says otherwise, so a forgotten variable never opens them.
 */
function securitySettings(parsed: ParsedEnv, onSandbox: boolean, warnings: string[]): SecuritySettings {
  const keys = parsed.GATEWAY_API_KEYS;
  let auth: SecuritySettings['auth'] = 'keys';
  if (keys.length > 0) {
    if (parsed.GATEWAY_AUTH === 'off') warnings.push('GATEWAY_AUTH=off is ignored: GATEWAY_API_KEYS is set, so every request needs a key.');
  } else if (onSandbox) {
    auth = 'open';
    warnings.push('No GATEWAY_API_KEYS: the gateway runs open on the sandbox; anyone who reaches it may call it.');
  } else if (parsed.GATEWAY_AUTH === 'off') {
    auth = 'open';
    warnings.push('GATEWAY_AUTH=off: the gateway asks no API key; anyone who reaches it uses the configured upstream credentials.');
  } else {
    warnings.push('No GATEWAY_API_KEYS: every request is refused (401) until keys are set (or GATEWAY_AUTH=off runs the gateway open).');
  }
  if (parsed.CURSOR_SECRET === undefined) {
    warnings.push('No CURSOR_SECRET: cursors are signed with a random secret of this process, so they stop working when it restarts and are refused by other replicas.');
  }
  const production = parsed.NODE_ENV === 'production';
  return {
    auth,
    apiKeys: keys,
    forwardUpstreamCredentials: parsed.FORWARD_UPSTREAM_CREDENTIALS,
    maxDepth: parsed.MAX_DEPTH,
    maxAliases: parsed.MAX_ALIASES,
    maxTokens: parsed.MAX_TOKENS,
    maxDirectives: parsed.MAX_DIRECTIVES,
    maxCost: parsed.MAX_COST,
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    maxBatch: parsed.MAX_BATCH,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    persistedOperationsFile: parsed.PERSISTED_OPERATIONS === 'only' ? parsed.PERSISTED_OPERATIONS_FILE : null,
    introspection: parsed.INTROSPECTION ? parsed.INTROSPECTION === 'true' : !production,
    graphiql: parsed.GRAPHIQL ? parsed.GRAPHIQL === 'true' : !production,
    csrfPrevention: production,
    corsOrigins: parsed.CORS_ORIGINS ?? null,
    cursorSecret: parsed.CURSOR_SECRET ?? null,
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

function parseEnv<T>(schema: z.ZodType<T>, env: Env): T {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  return result.data;
}

function sandboxSettings(parsed: z.infer<typeof sandboxEnvSchema>): SandboxSettings {
  return {
    host: parsed.SANDBOX_HOST,
    port: parsed.SANDBOX_PORT,
    latencyMs: parsed.SANDBOX_LATENCY_MS,
    seed: parsed.SANDBOX_SEED,
    rateLimits: parsed.SANDBOX_RATE_LIMITS === 'on',
    faults: parsed.SANDBOX_FAULTS,
  };
}

/**
 * An upstream with none of its variables is left out (a warning); one with
 * some but not all is a mistake and stops the start.
 */
function configuredUpstreams(parsed: ParsedEnv, warnings: string[], problems: string[]): UpstreamSettings {
  const complete = (name: string, vars: Record<string, unknown>, optional: Record<string, unknown> = {}) => {
    const names = Object.keys(vars);
    const absent = names.filter((key) => vars[key] === undefined);
    const anySet = absent.length < names.length || Object.values(optional).some((value) => value !== undefined);
    if (absent.length === 0) return true;
    if (anySet) problems.push(`${name} is half configured: ${absent.join(', ')} must be set too (or unset all of ${name}'s variables).`);
    else warnings.push(`${name} is not configured (${names.join(', ')}); its fields will answer UPSTREAM_NOT_CONFIGURED.`);
    return false;
  };

  const agents = parsed.AVAAMO_AGENTS ?? [];
  const duplicates = agents.filter((agent, index) => agents.findIndex((other) => other.id === agent.id) !== index);
  if (duplicates.length > 0) problems.push(`AVAAMO_AGENTS: agent ids must be unique (repeated: ${duplicates.map((agent) => agent.id).join(', ')})`);
  const avaamo = complete(
    'Avaamo',
    { AVAAMO_BASE_URL: parsed.AVAAMO_BASE_URL, AVAAMO_USER_TOKEN: parsed.AVAAMO_USER_TOKEN },
    { AVAAMO_AGENTS: parsed.AVAAMO_AGENTS },
  )
    ? { baseUrl: parsed.AVAAMO_BASE_URL!, userToken: parsed.AVAAMO_USER_TOKEN!, agents }
    : null;
  if (avaamo && agents.length === 0) {
    warnings.push('AVAAMO_AGENTS is empty: `agents` lists nothing and no agent messages can be read.');
  }
  const vambe = complete('Vambe', { VAMBE_BASE_URL: parsed.VAMBE_BASE_URL, VAMBE_API_KEY: parsed.VAMBE_API_KEY })
    ? { baseUrl: parsed.VAMBE_BASE_URL!, apiKey: parsed.VAMBE_API_KEY! }
    : null;
  const rocketchat = complete('Rocket.Chat', {
    ROCKETCHAT_BASE_URL: parsed.ROCKETCHAT_BASE_URL,
    ROCKETCHAT_USER_ID: parsed.ROCKETCHAT_USER_ID,
    ROCKETCHAT_AUTH_TOKEN: parsed.ROCKETCHAT_AUTH_TOKEN,
  })
    ? { baseUrl: parsed.ROCKETCHAT_BASE_URL!, userId: parsed.ROCKETCHAT_USER_ID!, authToken: parsed.ROCKETCHAT_AUTH_TOKEN! }
    : null;
  return { avaamo, vambe, rocketchat };
}
