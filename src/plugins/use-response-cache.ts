import { getOperationAST, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { CallerIdentifier } from '../auth/callers.js';
import type { Context } from '../context.js';
import { hitText, NOTHING_SENT, nothingSent, withUpstream, type ResponseCacheOutcome } from '../response-cache/hit-text.js';
import type { ResponseKeyOf } from '../response-cache/key.js';
import type { Flight, ResponseCache } from '../response-cache/response-cache.js';
import type { StoredResponse } from '../response-cache/store.js';
import { wantsUpstreamStats } from './use-upstream-stats.js';

export interface ResponseCachePluginOptions {
  cache: ResponseCache;
  keyOf: ResponseKeyOf;
  callers: CallerIdentifier;
  /** Every response carries `extensions.upstream` (DEBUG_UPSTREAM=1). @default false */
  alwaysStats?: boolean;
  /** Told what the cache did for each query it looked up, with that operation's context (metrics, logs). */
  onOutcome?: (outcome: ResponseCacheOutcome, context: object) => void;
}

export type { ResponseCacheOutcome };

/** A result Yoga sends as the given text instead of serializing it (Yoga's `ExecutionResultWithSerializer`). */
type Serialized = ExecutionResult & { stringify(): string };

type ParamsHandler = Parameters<NonNullable<Plugin['onParams']>>[0]['paramsHandler'];
type HandlerPayload = Parameters<ParamsHandler>[0];

/**
 * Answers a query from the response cache at Yoga's params stage: after the
 * API key, body and rate-limit checks, before anything is parsed, validated or
 * executed, with the text stored. On a miss the operation executes; identical
 * operations arriving meanwhile wait for it and send its result (`shared`).
 * Only queries are kept or shared (a mutation is known once parsed, at
 * onExecute); only whole results without errors are kept. Listed after
 * useRateLimit and useTrustedDocuments: a hit counts against the caller's
 * limit, and a trusted document's id has become its text. Most hits never
 * get here: response-cache/hit-path.ts answers them before Yoga.
 */
export function useResponseCache({ cache, keyOf, callers, alwaysStats = false, onOutcome = () => {} }: ResponseCachePluginOptions): Plugin {
  /** Operations that executed on a miss, until onExecute says whether they are queries. */
  const leaders = new WeakMap<object, { key: string; flight?: Flight }>();

  /** The text, with this response's own `extensions.upstream` when its caller asked. */
  const serialized = (text: string, upstream: string | undefined, data?: unknown): Serialized => {
    const body = withUpstream(text, upstream);
    return { data: data as ExecutionResult['data'], stringify: () => body };
  };

  async function lead(key: string, payload: HandlerPayload, handler: ParamsHandler): Promise<ExecutionResult> {
    const leader: { key: string; flight?: Flight } = { key };
    leaders.set(payload.context, leader);
    let result: Awaited<ReturnType<ParamsHandler>>;
    try {
      result = await handler(payload);
    } catch (error) {
      if (leader.flight) cache.finish(leader.flight, null, false);
      throw error;
    }
    if (!leader.flight) return result as ExecutionResult;
    onOutcome('miss', payload.context);
    // A stream (@defer) is nobody else's to read: waiters execute for themselves.
    if (isAsyncIterable(result)) {
      cache.finish(leader.flight, null, false);
      return result as ExecutionResult;
    }
    const text = cache.finish(leader.flight, result, payload.request.signal.aborted);
    const upstream = result.extensions?.upstream as object | undefined;
    if (text === undefined) {
      return upstream ? { ...result, extensions: { ...result.extensions, upstream: { ...upstream, responseCache: 'miss' } } } : result;
    }
    return serialized(text, upstream && JSON.stringify({ ...upstream, responseCache: 'miss' }), result.data);
  }

  async function follow(flight: Flight, payload: HandlerPayload, handler: ParamsHandler): Promise<ExecutionResult> {
    const shared = await flight.shared;
    if (!shared) return lead(flight.key, payload, handler);
    onOutcome('shared', payload.context);
    const stats = wantsUpstreamStats(payload.request.headers, alwaysStats);
    if ('text' in shared) return serialized(shared.text, stats ? NOTHING_SENT.shared : undefined);
    // The leader's result with errors: the same for this caller, but the counts are each response's own.
    const { upstream: _leaders, ...extensions } = shared.result.extensions ?? {};
    if (stats) extensions.upstream = nothingSent('shared');
    return { ...shared.result, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
  }

  return {
    onParams({ params, request, paramsHandler, setParamsHandler, setResult, context }) {
      const identification = callers.identify(request);
      // useApiKeys refused the unidentified before their parameters were read.
      if (!('caller' in identification)) return;
      const key = keyOf(params, identification.caller, request.headers);
      const found = cache.lookup(key);
      const use = (stored: StoredResponse | undefined) => {
        if (stored) {
          onOutcome('hit', context);
          setResult(serialized(hitText(stored.text, wantsUpstreamStats(request.headers, alwaysStats)), undefined));
          return;
        }
        const flight = cache.inFlight(key);
        setParamsHandler((payload) => (flight ? follow(flight, payload, paramsHandler) : lead(key, payload, paramsHandler)));
      };
      return found instanceof Promise ? found.then(use) : use(found);
    },

    onExecute({ args }) {
      const context = args.contextValue as Partial<Context>;
      const leader = leaders.get(context);
      if (!leader) return;
      leaders.delete(context);
      // Mutations (and subscriptions) run every time, for every caller.
      if (!context.upstreamReads || getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      leader.flight = cache.begin(leader.key, context.upstreamReads);
    },
  };
}
