import { GraphQLError } from 'graphql';
import type { UpstreamError } from '../http/errors.js';

/** A caller mistake the gateway detects itself: answered at once, nothing sent upstream. */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

/** The gateway serves only its configured agents (AVAAMO_AGENTS); any other is not found. */
export function agentNotServed(agentId: number): GraphQLError {
  return new GraphQLError(`Agent ${agentId} is not one of the agents this gateway is configured for (AVAAMO_AGENTS).`, {
    extensions: { code: 'NOT_FOUND' },
  });
}

/**
 * The error a caller sees for a failure below the schema: the code from the
 * one status table, which upstream failed and its status. Never a URL or a
 * token (UpstreamError messages are written without them).
 */
export function upstreamGraphQLError(error: UpstreamError, located?: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: {
      code: error.code,
      upstream: error.upstream,
      ...(error.details.status === undefined ? {} : { upstreamStatus: error.details.status }),
      ...(error.details.retryAfter === undefined ? {} : { retryAfter: error.details.retryAfter }),
      ...(error.details.outcome === undefined ? {} : { outcome: error.details.outcome }),
    },
  });
}

/**
 * Yoga's maskError: coded errors (ours, parse and validation, upstream
 * failures already mapped by useUpstreamErrors) pass; request errors
 * graphql-js raises without a code (variables that do not coerce: a bad
 * DateTime, an unknown enum value) become BAD_USER_INPUT; anything else is a
 * bug and is masked.
 */
export function maskError(error: unknown, message: string): Error {
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    if (!error.path && error.extensions.code === undefined) {
      // Coded in place: Yoga logs every error maskError replaces, and a
      // caller's typo is not a server error.
      (error.extensions as Record<string, unknown>).code = 'BAD_USER_INPUT';
    }
    return error;
  }
  const located = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
