import type { IncomingMessage } from 'node:http';
import { getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Caller, CallerIdentifier } from '../auth/callers.js';
import type { Context } from '../context.js';
import type { ResponseCacheOutcome } from './use-response-cache.js';
import { newOperation, type OperationFacts, type RequestRecords } from '../telemetry/request-record.js';

export interface OperationRecordPluginOptions {
  records: RequestRecords;
  callers: CallerIdentifier;
}

export interface OperationRecording {
  plugin: Plugin;
  /** Told by the response cache what it did for the operation of this (per-operation) context. */
  responseCache(context: object, outcome: ResponseCacheOutcome): void;
  /** A hit answered before Yoga (response-cache/hit-path.ts): recorded as these hooks record one answered in Yoga. */
  answeredBeforeYoga(req: IncomingMessage, operationName: string | null, caller: Caller): void;
}

/**
 * Fills in, for the log line and the span of each operation, what only Yoga
 * knows: its name and type, the caller's key name, its error codes and its
 * upstream counts. Listed first, so an operation answered at the params
 * stage (a response cache hit) is recorded too. Yoga gives each operation of
 * a batch a context object of its own, and every hook of one operation
 * sees that object: it keys the operation here.
 */
export function useOperationRecord({ records, callers }: OperationRecordPluginOptions): OperationRecording {
  const byContext = new WeakMap<object, OperationFacts>();
  return {
    answeredBeforeYoga(req, operationName, caller) {
      const facts = newOperation(operationName);
      facts.caller = caller.name;
      facts.responseCache = 'hit';
      facts.operationType = 'query';
      records.of(req)?.operations.push(facts);
    },
    responseCache(context, outcome) {
      const facts = byContext.get(context);
      if (!facts) return;
      facts.responseCache = outcome;
      // Only queries are cached or shared.
      facts.operationType ??= 'query';
    },
    plugin: {
      onParams({ params, request, context }) {
        const record = records.of((context as { req?: IncomingMessage }).req);
        if (!record) return;
        const facts = newOperation(params.operationName ?? null);
        const identification = callers.identify(request);
        if ('caller' in identification) facts.caller = identification.caller.name;
        record.operations.push(facts);
        byContext.set(context, facts);
      },
      onExecute({ args }) {
        const facts = byContext.get(args.contextValue as object);
        if (!facts) return;
        const operation = getOperationAST(args.document, args.operationName);
        facts.operationType = operation?.operation ?? null;
        facts.operationName ??= operation?.name?.value ?? null;
        facts.stats = (args.contextValue as Partial<Context>).upstreamStats ?? null;
      },
      // The result as it goes out (coded, masked), parse and validation failures included; a batch's in operation order.
      onResultProcess({ result, serverContext }) {
        const record = records.of((serverContext as { req?: IncomingMessage }).req);
        if (!record || isAsyncIterable(result)) return;
        const results = Array.isArray(result) ? result : [result];
        results.forEach((each, index) => {
          const facts = record.operations[index];
          if (!facts) return;
          const codes = (each.errors ?? []).map((error) => error.extensions?.code).filter((code): code is string => typeof code === 'string');
          facts.errorCodes = [...new Set(codes)];
        });
      },
    },
  };
}
