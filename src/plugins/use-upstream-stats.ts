import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/** The header a caller sends to see what its operation cost upstream. */
export const DEBUG_UPSTREAM_HEADER = 'x-cx-debug-upstream';

/** Whether the response to a request with these headers carries `extensions.upstream`. */
export const wantsUpstreamStats = (headers: Pick<Headers, 'get'> | undefined, always: boolean) =>
  always || headers?.get(DEBUG_UPSTREAM_HEADER) === '1';

export interface UpstreamStatsPluginOptions {
  /** Every response carries the counts (DEBUG_UPSTREAM=1), not only those asked for. @default false */
  always?: boolean;
}

/**
 * Puts what an operation cost upstream into `extensions.upstream`: requests
 * sent, cache hits and coalesced waits, per route. Counts only, never URLs or
 * credentials, so it is safe to show any caller who asks.
 */
export function useUpstreamStats({ always = false }: UpstreamStatsPluginOptions = {}): Plugin<Context & { request: Request }> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      if (!wantsUpstreamStats(context.request?.headers, always)) return;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            setResult({ ...result, extensions: { ...result.extensions, upstream: context.upstreamStats.snapshot() } });
          });
        },
      };
    },
  };
}
