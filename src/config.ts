import { z } from 'zod';
import { DEFAULT_BUDGET_RULES, type BudgetSettings } from './http/budget.js';
import { DEFAULT_ROUTE_POLICIES, type CacheSettings } from './http/cache.js';
import { upstreamRouteNames, type UpstreamRoute } from './http/routes.js';
import { sandboxCredentials } from './sandbox/credentials.js';

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
}
export interface Config {
  port: number;
  host: string;
  /** Set when the gateway starts the embedded sandbox and points every upstream at it. */
  sandbox: SandboxSettings | null;
  upstreams: UpstreamSettings;
  upstreamTimeoutMs: number;
  traffic: TrafficSettings;
  /** Upstreams left unconfigured, said once at start. */
  warnings: readonly string[];
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

const agentList = z.preprocess(
  (value) => {
    const raw = blankToUndefined(value);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(String(raw));
    } catch {
      return raw;
    }
  },
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
  (value) => {
    const raw = blankToUndefined(value);
    try {
      return raw === undefined ? {} : JSON.parse(String(raw));
    } catch {
      return raw;
    }
  },
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

const sandboxEnvSchema = z.object({
  SANDBOX_PORT: port(4010),
  SANDBOX_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  SANDBOX_LATENCY_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(60_000).default(0)),
  SANDBOX_SEED: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(2 ** 32 - 1).default(42)),
  SANDBOX_RATE_LIMITS: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('off')),
});

const envSchema = sandboxEnvSchema.extend({
  ...trafficEnvSchema.shape,
  PORT: port(4000),
  // Loopback by default: the gateway holds upstream tokens and answers anyone
  // who reaches it, so serving the network is a deliberate choice.
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  SANDBOX: z.preprocess(blankToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  UPSTREAM_TIMEOUT_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(100).max(120_000).default(15_000)),
  AVAAMO_BASE_URL: optionalUrl,
  AVAAMO_USER_TOKEN: optionalString,
  AVAAMO_AGENTS: agentList,
  VAMBE_BASE_URL: optionalUrl,
  VAMBE_API_KEY: optionalString,
  ROCKETCHAT_BASE_URL: optionalUrl,
  ROCKETCHAT_USER_ID: optionalString,
  ROCKETCHAT_AUTH_TOKEN: optionalString,
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
    upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    traffic: trafficSettings(parsed),
    warnings: sandbox ? [] : warnings,
  });
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
