import { GraphQLError, type ExecutionResult } from 'graphql';
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

  /** The error, scrubbed: a new one when anything changed (an executor's errors may be read-only). */
  const scrubError = (error: GraphQLError, secrets: readonly string[]): GraphQLError => {
    const message = scrub(error.message, secrets);
    const extensions = scrubValue(error.extensions ?? {}, secrets) as Record<string, unknown>;
    if (error.originalError) {
      const original = scrub(error.originalError.message, secrets);
      if (original !== error.originalError.message) error.originalError.message = original;
    }
    if (message === error.message && JSON.stringify(extensions) === JSON.stringify(error.extensions ?? {})) return error;
    const { nodes, source, positions, path, originalError } = error;
    return new GraphQLError(message, { nodes, source, positions, path, originalError, extensions });
  };
  /** Errors are what is scrubbed; the secrets are gathered only for a result that has some. */
  const scrubbed = (result: ExecutionResult, request: Request | undefined): ExecutionResult => {
    if (!result.errors?.length) return result;
    const secrets = secretsOf(request);
    return { ...result, errors: result.errors.map((error) => scrubError(error, secrets)) };
  };

  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors?.length) setResult(scrubbed(result, request));
          }),
      };
    },
    // Every event of a subscription, as it is sent.
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors?.length) setResult(scrubbed(result, request));
          }),
      };
    },
    onResultProcess({ request, result, setResult }) {
      const results = Array.isArray(result) ? result : [result];
      if (!results.some((single) => single && typeof single === 'object' && 'errors' in single)) return;
      const scrubbedResults = results.map((single) =>
        single && typeof single === 'object' && 'errors' in single ? scrubbed(single as ExecutionResult, request) : single,
      );
      setResult((Array.isArray(result) ? scrubbedResults : scrubbedResults[0]) as typeof result);
    },
  };
}
