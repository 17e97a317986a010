import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { startStack, type Stack } from '../helpers.js';
import { postGraphQL, type RawResponse } from '../raw-request.js';

/** Executions the gateway ran, by operation type, seen by a plugin of its own at Yoga's execute stage. */
export function executionCounter() {
  const counts = { query: 0, mutation: 0 };
  const plugin: Plugin = {
    onExecute({ args }) {
      const type = getOperationAST(args.document, args.operationName)?.operation;
      if (type === 'query' || type === 'mutation') counts[type] += 1;
    },
  };
  return { counts, plugin };
}

/** A clock the test moves by hand: the TTLs of both caches read it. */
export function manualClock(start = 1_000_000) {
  let at = start;
  return {
    now: () => at,
    advance: (ms: number) => {
      at += ms;
    },
  };
}

export interface CachedStack extends Stack {
  executions: { query: number; mutation: number };
  clock: ReturnType<typeof manualClock>;
  /** Posts an operation with the debug header (and any others), as curl would. */
  ask<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<RawResponse<T>>;
}

/** A stack with both caches on, an execution counter and a hand-moved clock. */
export async function startCachedStack(options: Parameters<typeof startStack>[0] = {}): Promise<CachedStack> {
  const counter = executionCounter();
  const clock = manualClock();
  const stack = await startStack({
    ...options,
    env: { CACHE: 'true', RESPONSE_CACHE: 'true', ...options.env },
    gateway: { clock, plugins: [counter.plugin] },
  });
  return Object.assign(stack, {
    executions: counter.counts,
    clock,
    ask: <T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      postGraphQL<T>(stack.url, { query, variables }, { 'x-cx-debug-upstream': '1', ...headers }),
  });
}

export interface UpstreamExtension {
  requests: number;
  cacheHits: number;
  staleHits: number;
  coalesced: number;
  byRoute: Record<string, unknown>;
  responseCache?: string;
}

export const upstreamOf = (response: RawResponse<unknown>) =>
  (JSON.parse(response.text) as { extensions?: { upstream?: UpstreamExtension } }).extensions?.upstream;
