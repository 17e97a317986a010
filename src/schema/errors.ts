import { GraphQLError } from 'graphql';
import { UpstreamError } from '../http/errors.js';

export type ErrorCode = UpstreamError['code'] | 'INTERNAL_SERVER_ERROR';

/** A caller mistake the gateway detects itself: answered at once, nothing sent upstream. */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
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
    },
  });
}

/**
 * Yoga's maskError: coded errors pass, upstream failures become coded errors,
 * anything else (a bug) is masked as INTERNAL_SERVER_ERROR.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const located = error instanceof GraphQLError ? error : undefined;
  if (original instanceof UpstreamError) return upstreamGraphQLError(original, located);
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    return error;
  }
  return new GraphQLError(message, {
    nodes: located?.nodes,
    path: located?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
