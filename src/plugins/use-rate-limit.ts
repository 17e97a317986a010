import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { CallerIdentifier } from '../auth/callers.js';
import { admit, createMemoryRateWindows, type RateVerdict, type RateWindows } from '../auth/rate-windows.js';

/**
 * At most its `ratePerMinute` operations per caller in each minute (a fixed
 * window; every operation of a batch counts), counted by `windows`: in this
 * process, or across the replicas. A caller is its API key; on an open
 * gateway, its network address. Over the limit an operation is answered
 * at once with RATE_LIMITED (HTTP 429, Retry-After), without touching an
 * upstream. It protects the gateway's own time, shared by every caller: an
 * answer from the cache still costs parsing, validation and execution.
 */
export function useRateLimit(callers: CallerIdentifier, windows: RateWindows = createMemoryRateWindows()): Plugin {
  return {
    onParams({ request, context }) {
      const identification = callers.identify(request);
      // useApiKeys refused the unidentified before their parameters were read.
      if (!('caller' in identification)) return;
      const { caller } = identification;
      const address = (context as { req?: IncomingMessage }).req?.socket.remoteAddress;
      return admit(windows, caller, address, (verdict) => {
        if (verdict) judge(verdict, caller.ratePerMinute);
      });
    },
  };
}

function judge({ allowed, resetInMs }: RateVerdict, perMinute: number): void {
  if (allowed) return;
  const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
  // Thrown, not set as the result: later plugins' onParams (the trusted-documents check) then never run.
  throw createGraphQLError(`Rate limit reached: at most ${perMinute} operations a minute for this caller.`, {
    extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
  });
}
