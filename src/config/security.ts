import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SecuritySettings } from '../auth/settings.js';
import { blankToUndefined, boolean, int, jsonSetting, optionalBoolean, optionalString } from './env.js';

const limit = (fallback: number, max = 1_000_000_000) => int(0, max, fallback);
/** Limits where 0 would refuse every operation (no aliases or directives at all is a real choice). */
const atLeastOne = (fallback: number, max = 1_000_000_000) => int(1, max, fallback);

/**
 * Per caller. A dashboard backend serving a team (20 connections, each
 * polling a few times a second) runs about 3,600 operations a minute; this
 * leaves it room while one runaway caller still cannot take the gateway.
 */
const DEFAULT_RATE_PER_MINUTE = 6_000;

/**
 * The SDK's allow-list, found from this file rather than the working
 * directory: src/config/ and dist/config/ are both two levels below the
 * repository, so `node dist/main.js` from anywhere (or the image's /app)
 * finds it too.
 */
const SDK_ALLOW_LIST = fileURLToPath(new URL('../../packages/sdk/src/generated/persisted-documents.json', import.meta.url));

/** Callers, document limits, production defaults (README, Configuration and Security). */
export const securityEnv = {
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
          ratePerMinute: z.number().int().min(0).max(1_000_000_000).optional(),
        }),
        { error: 'must be a JSON array of {"name": string, "keySha256": hex, "scopes": ["read" | "write"], "ratePerMinute"?: number}' },
      )
      .default([]),
  ),
  GATEWAY_AUTH: boolean(true),
  FORWARD_UPSTREAM_CREDENTIALS: boolean(false),
  MAX_DEPTH: atLeastOne(12, 1000),
  MAX_ALIASES: limit(30, 10_000),
  MAX_TOKENS: atLeastOne(2000),
  MAX_DIRECTIVES: limit(20, 10_000),
  MAX_COST: atLeastOne(20_000),
  MAX_BODY_BYTES: atLeastOne(100_000, 100_000_000),
  MAX_BATCH: limit(10, 1000),
  RATE_LIMIT_PER_MINUTE: limit(DEFAULT_RATE_PER_MINUTE),
  PERSISTED_OPERATIONS: z.preprocess(blankToUndefined, z.enum(['off', 'only']).default('off')),
  PERSISTED_OPERATIONS_FILE: z.preprocess(blankToUndefined, z.string().default(SDK_ALLOW_LIST)),
  NODE_ENV: optionalString,
  INTROSPECTION: optionalBoolean,
  GRAPHIQL: optionalBoolean,
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

/**
 * Keys, once set, are asked in every mode. Without keys the sandbox runs open
 * (its tokens grant nothing elsewhere); real upstreams stay closed unless
 * GATEWAY_AUTH=false says otherwise, so a forgotten variable never opens them.
 */
export function securitySettings(
  parsed: z.infer<z.ZodObject<typeof securityEnv>>,
  onSandbox: boolean,
  warnings: string[],
  /** REDIS_URL is set: without CURSOR_SECRET the replicas share one kept in Redis (redis/cursor-secret.ts). */
  sharedCursorSecret = false,
): SecuritySettings {
  const keys = parsed.GATEWAY_API_KEYS;
  let auth: SecuritySettings['auth'] = 'keys';
  if (keys.length > 0) {
    if (!parsed.GATEWAY_AUTH) warnings.push('GATEWAY_AUTH=false is ignored: GATEWAY_API_KEYS is set, so every request needs a key.');
  } else if (onSandbox) {
    auth = 'open';
    warnings.push('No GATEWAY_API_KEYS: the gateway runs open on the sandbox; anyone who reaches it may call it.');
  } else if (!parsed.GATEWAY_AUTH) {
    auth = 'open';
    warnings.push('GATEWAY_AUTH=false: the gateway asks no API key; anyone who reaches it uses the configured upstream credentials.');
  } else {
    warnings.push('No GATEWAY_API_KEYS: every request is refused (401) until keys are set (or GATEWAY_AUTH=false runs the gateway open).');
  }
  if (parsed.CURSOR_SECRET === undefined && sharedCursorSecret) {
    warnings.push('No CURSOR_SECRET: cursors are signed with a random secret the replicas keep in Redis; should Redis lose it, cursors signed before are refused.');
  } else if (parsed.CURSOR_SECRET === undefined) {
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
    operationNamesFile: parsed.PERSISTED_OPERATIONS_FILE,
    introspection: parsed.INTROSPECTION ?? !production,
    graphiql: parsed.GRAPHIQL ?? !production,
    csrfPrevention: production,
    corsOrigins: parsed.CORS_ORIGINS ?? null,
    cursorSecret: parsed.CURSOR_SECRET ?? null,
  };
}
