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

  /** What scrubs an execution's result, or each event of a subscription as it is sent. */
  const scrubbing = (contextValue: unknown) => {
    const { request } = contextValue as { request?: Request };
    return (payload: Parameters<typeof handleStreamOrSingleExecutionResult>[0]) =>
      handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
        if (result.errors?.length) setResult(scrubbed(result, request));
      });
  };

  return {
    onExecute: ({ args }) => ({ onExecuteDone: scrubbing(args.contextValue) }),
    onSubscribe: ({ args }) => ({ onSubscribeResult: scrubbing(args.contextValue) }),
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
