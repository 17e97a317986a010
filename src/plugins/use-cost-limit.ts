import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { perDocument } from './per-document.js';

/**
 * Refuses an operation whose cost (schema/cost.ts: fields times the
 * `first`/`last` of the lists around them) exceeds the limit, once, before
 * execution: nothing is fetched for an operation that would be refused.
 * A cost depends on the document and its variables alone (fieldCost reads
 * the arguments, never the context), and Yoga hands every request with the
 * same text the same parsed document, so each is counted once.
 */
export function useCostLimit(maxCost: number): Plugin {
  const costOf = perDocument((args): number | null => {
    try {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      return complexityFromQuery(args.document, { schema: args.schema, variables, ctx: args.contextValue as object }).complexity;
    } catch {
      // Variables that do not coerce: execution reports them with a code.
      return null;
    }
  });
  const refusal = (args: ExecutionArgs): ExecutionResult | null => {
    const cost = costOf(args);
    if (cost === null || cost <= maxCost) return null;
    return {
      errors: [
        new GraphQLError(
          `The query costs ${cost}, more than this gateway's limit of ${maxCost}: ask for fewer items (first/last) or fewer fields.`,
          { extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost, http: { status: 400 } } },
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A subscription's events are executed with its selection: it is costed once, when it starts.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
