import type { ExecutionResult, GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { requestSecrets, scrub, scrubValue } from '../auth/secrets.js';

/**
 * No credential leaves in an error: every error message and extension of a
 * response is scrubbed of the configured tokens, the caller's API key and
 * the credentials it forwarded. Upstreams' own words reach callers for input
 * errors, and an upstream may echo what it was sent. Listed before
 * useUpstreamErrors, so its log lines are scrubbed as well.
 */
export function useSecretScrubbing(configured: readonly string[]): Plugin {
  const secretsOf = (request: Request | undefined) =>
    request ? [...requestSecrets(request.headers), ...configured].sort((a, b) => b.length - a.length) : configured;

  const scrubError = (error: GraphQLError, secrets: readonly string[]) => {
    const writable = error as { message: string; extensions: Record<string, unknown> };
    writable.message = scrub(error.message, secrets);
    if (error.originalError) error.originalError.message = scrub(error.originalError.message, secrets);
    for (const [key, value] of Object.entries(error.extensions ?? {})) writable.extensions[key] = scrubValue(value, secrets);
  };
  /** Errors are what is scrubbed; the secrets are gathered only for a result that has some. */
  const scrubResult = (result: ExecutionResult, request: Request | undefined) => {
    if (!result.errors?.length) return;
    const secrets = secretsOf(request);
    for (const error of result.errors) scrubError(error, secrets);
  };

  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      return {
        onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, ({ result }) => scrubResult(result, request)),
      };
    },
    onResultProcess({ request, result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        if (single && typeof single === 'object' && 'errors' in single) scrubResult(single as ExecutionResult, request);
      }
    },
  };
}
