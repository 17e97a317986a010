import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { CallerIdentifier } from '../auth/callers.js';
import type { RateLimits } from '../auth/rate-limits.js';

/**
 * Every operation counts against its caller's rate limit (auth/rate-limits.ts;
 * every operation of a batch counts). Over the limit an operation is answered
 * at once with RATE_LIMITED (HTTP 429, Retry-After), without touching an
 * upstream. It protects the gateway's own time, shared by every caller: an
 * answer from the cache still costs parsing, validation and execution.
 */
export function useRateLimit(callers: CallerIdentifier, limits: RateLimits): Plugin {
  return {
    onParams({ request, context }) {
      const identification = callers.identify(request);
      // useApiKeys refused the unidentified before their parameters were read.
      if (!('caller' in identification)) return;
      const address = (context as { req?: IncomingMessage }).req?.socket.remoteAddress ?? 'unknown';
      const retryAfter = limits.admit(identification.caller, address);
      if (retryAfter === null) return;
      const perMinute = identification.caller.ratePerMinute;
      // Thrown, not set as the result: later plugins' onParams (the trusted-documents check) then never run.
      throw createGraphQLError(`Rate limit reached: at most ${perMinute} operations a minute for this caller.`, {
        extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
      });
    },
  };
}
