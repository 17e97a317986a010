import type { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin, type YogaLogger } from 'graphql-yoga';
import { requestSecrets, scrub } from '../auth/secrets.js';
import { UpstreamError } from '../http/errors.js';
import { REQUEST_ID_HEADER } from '../telemetry/request-id.js';
import { upstreamGraphQLError } from '../schema/errors.js';

/**
 * Upstream failures become coded errors on the fields that failed, before
 * masking: they are expected outcomes, not bugs, so they are logged as one
 * warning line per field and never masked as "Unexpected error.".
 */
export function useUpstreamErrors(): Plugin {
  let logger: YogaLogger | undefined;
  // The logger scrubs the configured secrets; a caller's forwarded ones are known only here, per request.
  const coded = (error: GraphQLError, secrets: readonly string[], requestId: string | null): GraphQLError => {
    const original = error.originalError;
    if (original instanceof UpstreamError) {
      logger?.warn(
        { requestId, upstream: original.upstream, code: original.code },
        scrub(
          `upstream ${original.upstream} ${original.details.status ?? '-'} ${original.code} at ${error.path?.join('.') ?? '(root)'}: ${original.message}`,
          secrets,
        ),
      );
      return upstreamGraphQLError(original, error);
    }
    return error;
  };

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const requestId = request?.headers.get(REQUEST_ID_HEADER) ?? null;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (!result.errors?.some((error) => error.originalError instanceof UpstreamError)) return;
            const secrets = request ? requestSecrets(request.headers) : [];
            setResult({ ...result, errors: result.errors.map((error) => coded(error, secrets, requestId)) });
          });
        },
      };
    },
  };
}
