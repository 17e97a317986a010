import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GraphQLParams } from 'graphql-yoga';
import type { Caller } from '../auth/callers.js';
import { forwardedCredentialValues } from '../auth/forwarded-credentials.js';
import type { UpstreamSettings } from '../upstreams/settings.js';

export interface ResponseKeyOptions {
  /** FORWARD_UPSTREAM_CREDENTIALS: callers may bring their own upstream credentials. */
  forwardUpstreamCredentials: boolean;
  /** The configured upstreams (credentials, agents): hashed once, so a store shared between gateways never mixes two configurations. */
  upstreams: UpstreamSettings;
  /**
   * What this build answers with (buildIdentity): during a rolling deploy two
   * versions share Redis, and one must not serve the other's results.
   */
  build: string;
}

/** The gateway's version, from its package.json (two directories up, from src/ or dist/ alike). */
export const gatewayVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * The schema as printed, the version and BUILD_ID when set: a change to any is
 * another build. A resolver-only change keeps the schema and, unless bumped,
 * the version: only BUILD_ID then tells the builds apart.
 */
export const buildIdentity = (sdl: string, version: string, buildId: string | null = null) => sha256(`${version}\n${buildId ?? ''}\n${sdl}`);

/** The key of an identified caller's operation; `headers` are its request's (forwarded credentials). */
export type ResponseKeyOf = (params: GraphQLParams, caller: Caller, headers: Pick<Headers, 'get'>) => string;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * What decides a result, and nothing else: the document, operation name and
 * variables as sent, and the caller as far as it changes the answer: its
 * scopes, and the upstream credentials its operation uses (the configured
 * ones, or those it forwards). Two callers who could see different data never
 * share a key; two keys with the same scopes on the same credentials do. The
 * key is a hash, so no forwarded token is held in it. Variables are taken in
 * the order sent: another order is another key, never a wrong answer.
 */
export function createResponseKeys({ forwardUpstreamCredentials, upstreams, build }: ResponseKeyOptions): ResponseKeyOf {
  const configured = sha256(JSON.stringify([build, upstreams]));
  return (params, caller, headers) => {
    const forwarded = forwardUpstreamCredentials ? forwardedCredentialValues(headers) : null;
    return sha256(
      JSON.stringify([
        configured,
        forwarded,
        caller.scopes,
        params.operationName ?? null,
        params.variables ?? null,
        params.query ?? null,
      ]),
    );
  };
}
