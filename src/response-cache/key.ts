import { createHash } from 'node:crypto';
import type { GraphQLParams } from 'graphql-yoga';
import type { Caller } from '../auth/callers.js';
import { forwardedCredentialValues } from '../auth/forwarded-credentials.js';
import type { UpstreamSettings } from '../upstreams/settings.js';

export interface ResponseKeyOptions {
  /** FORWARD_UPSTREAM_CREDENTIALS: callers may bring their own upstream credentials. */
  forwardUpstreamCredentials: boolean;
  /** The configured upstreams (credentials, agents): hashed once, so a store shared between gateways never mixes two configurations. */
  upstreams: UpstreamSettings;
}

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
export function createResponseKeys({ forwardUpstreamCredentials, upstreams }: ResponseKeyOptions): ResponseKeyOf {
  const configured = sha256(JSON.stringify(upstreams));
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
