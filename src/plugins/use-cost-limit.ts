import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Costs remembered per document, for this many sets of variables each (a traversal's cursors are new each page). */
const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * Refuses an operation whose cost (schema/cost.ts: fields times the
 * `first`/`last` of the lists around them) exceeds the limit, once, before
 * execution: nothing is fetched for an operation that would be refused.
 * A cost depends on the document and its variables alone (fieldCost reads
 * the arguments, never the context), and Yoga hands every request with the
 * same text the same parsed document, so each is counted once.
 */
export function useCostLimit(maxCost: number): Plugin {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (args: ExecutionArgs): number | null => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const known = costs.get(args.document) ?? new Map<string, number>();
    const key = JSON.stringify(variables);
    let cost = known.get(key);
    if (cost !== undefined) return cost;
    try {
      cost = complexityFromQuery(args.document, { schema: args.schema, variables, ctx: args.contextValue as object }).complexity;
    } catch {
      // Variables that do not coerce: execution reports them with a code.
      return null;
    }
    if (known.size >= MAX_COSTS_PER_DOCUMENT) known.clear();
    known.set(key, cost);
    costs.set(args.document, known);
    return cost;
  };
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
