import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { callerKey, type CallerIdentifier } from '../auth/callers.js';

const WINDOW_MS = 60_000;

/**
 * At most its `ratePerMinute` operations per caller in each minute (a fixed
 * window; every operation of a batch counts). A caller is its API key; on an
 * open gateway, its network address. Over the limit an operation is answered
 * at once with RATE_LIMITED (HTTP 429, Retry-After), without touching an
 * upstream. It protects the gateway's own time, shared by every caller: an
 * answer from the cache still costs parsing, validation and execution.
 */
export function useRateLimit(callers: CallerIdentifier, now: () => number = Date.now): Plugin {
  // Bounded: a flood of addresses evicts the oldest windows instead of growing without end.
  const windows = new LRUCache<string, { start: number; count: number }>({ max: 10_000 });
  return {
    onParams({ request, context }) {
      const identification = callers.identify(request);
      // useApiKeys refused the unidentified before their parameters were read.
      if (!('caller' in identification)) return;
      const perMinute = identification.caller.ratePerMinute;
      if (perMinute === 0) return;
      const key = callerKey(identification.caller, (context as { req?: IncomingMessage }).req?.socket.remoteAddress);
      const at = now();
      let window = windows.get(key);
      if (!window || at - window.start >= WINDOW_MS) {
        window = { start: at, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= perMinute) return;
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - at) / 1000));
      // Thrown, not set as the result: later plugins' onParams (the trusted-documents check) then never run.
      throw createGraphQLError(`Rate limit reached: at most ${perMinute} operations a minute for this caller.`, {
        extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
      });
    },
  };
}
