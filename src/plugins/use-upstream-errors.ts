import type { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin, type YogaLogger } from 'graphql-yoga';
import { UpstreamError } from '../http/errors.js';
import { upstreamGraphQLError } from '../schema/errors.js';

/**
 * Upstream failures become coded errors on the fields that failed, before
 * masking: they are expected outcomes, not bugs, so they are logged as one
 * warning line per field and never masked as "Unexpected error.".
 */
export function useUpstreamErrors(): Plugin {
  let logger: YogaLogger | undefined;
  const coded = (error: GraphQLError): GraphQLError => {
    const original = error.originalError;
    if (original instanceof UpstreamError) {
      logger?.warn(
        `upstream ${original.upstream} ${original.details.status ?? '-'} ${original.code} at ${error.path?.join('.') ?? '(root)'}: ${original.message}`,
      );
      return upstreamGraphQLError(original, error);
    }
    return error;
  };

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    onExecute() {
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (!result.errors?.some((error) => error.originalError instanceof UpstreamError)) return;
            setResult({ ...result, errors: result.errors.map(coded) });
          });
        },
      };
    },
  };
}
