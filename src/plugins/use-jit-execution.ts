import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, getVariableValues, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { perDocument } from './per-document.js';

/**
 * Queries and mutations run as code compiled once per document (graphql-jit),
 * about a quarter less CPU per executed dashboard than graphql-js's
 * interpreter (bench/hit-cpu.ts). Only operations graphql-js would execute
 * the same way go there: an operation whose variables do not coerce, and a
 * subscription, run as before, so their errors are graphql-js's own (a 400
 * with BAD_USER_INPUT, not graphql-jit's wording). The verdict depends on the
 * document, the operation and the variables alone, and is kept per document.
 */
export function useJitExecution(): Plugin {
  const compilable = perDocument((args: ExecutionArgs) => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation || operation.operation === 'subscription') return false;
    const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
    return !('errors' in coerced);
  });
  return useGraphQlJit({}, { enableIf: compilable }) as Plugin;
}
