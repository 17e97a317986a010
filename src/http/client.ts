import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { ResilienceSettings } from '../config.js';
import { createBreakers } from './breaker.js';
import { createDeadline, raceSignal, type Deadline } from './deadline.js';
import { createLimiter, type Limiter } from './limit.js';
import { UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';
import { withRetries } from './retry.js';
import { attemptSignal, createDispatcher, deadlineError, transportError } from './timeouts.js';
import { shapeProblem } from './wire-shape.js';

export type QueryValue = string | number | boolean | undefined;

export interface UpstreamRequest<T> {
  upstream: UpstreamName;
  method: 'GET' | 'POST';
  baseUrl: string;
  /** Already encoded path segments (clients encode what they interpolate). */
  path: string;
  query?: Record<string, QueryValue>;
  headers: Record<string, string>;
  body?: unknown;
  /** The wire shape; the response is validated against it where it enters. */
  schema: z.ZodType<T>;
}

export interface HttpClient {
  /** `deadline` is the operation's; without one the call gets a deadline of its own. */
  request<T>(request: UpstreamRequest<T>, deadline?: Deadline): Promise<T>;
}

export interface HttpClientOptions extends ResilienceSettings {
  /** Concurrent requests per upstream. @default 6 */
  maxConcurrentPerUpstream?: number;
  fetch?: typeof globalThis.fetch;
}

/** URL with parameters in sorted order, so one request always has one spelling. */
export function canonicalUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(baseUrl + path);
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/**
 * What makes two requests the same request: method, canonical URL, body and
 * credentials. Credentials enter only as a hash, so the key can be kept and
 * logged without carrying a token, and two tokens never share a key.
 */
export function requestKey(request: UpstreamRequest<unknown>): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([headers, request.body ?? null]))
    .digest('base64url')
    .slice(0, 22);
  return `${request.method} ${canonicalUrl(request.baseUrl, request.path, request.query)} ${fingerprint}`;
}

/**
 * The one way the gateway talks to an upstream. One call passes, in order:
 * the upstream's breaker, retries, the concurrency limit, then fetch with the
 * upstream's timeouts; the operation's deadline bounds all of it. JSON in and
 * out, statuses mapped to UpstreamError, wire shapes validated.
 */
export function createHttpClient({
  maxConcurrentPerUpstream = 6,
  fetch = globalThis.fetch,
  ...resilience
}: HttpClientOptions): HttpClient {
  const limiters = new Map<UpstreamName, Limiter>();
  const limiterFor = (upstream: UpstreamName) => {
    let limiter = limiters.get(upstream);
    if (!limiter) {
      limiter = createLimiter(maxConcurrentPerUpstream);
      limiters.set(upstream, limiter);
    }
    return limiter;
  };
  const dispatchers = new Map<UpstreamName, Dispatcher>();
  const dispatcherFor = (upstream: UpstreamName) => {
    let dispatcher = dispatchers.get(upstream);
    if (!dispatcher) {
      dispatcher = createDispatcher(resilience.timeouts[upstream]);
      dispatchers.set(upstream, dispatcher);
    }
    return dispatcher;
  };
  const breakers = createBreakers(resilience.breaker);

  async function send<T>(request: UpstreamRequest<T>, deadline: Deadline, markSent: () => void): Promise<T> {
    const label = upstreamLabels[request.upstream];
    const url = canonicalUrl(request.baseUrl, request.path, request.query);
    // A call that waited in the queue past the deadline must not go out at all.
    if (deadline.signal.aborted) throw deadlineError(request.upstream, deadline, false);
    const timeouts = resilience.timeouts[request.upstream];
    const { signal, done } = attemptSignal(timeouts, deadline);
    const failed = (error: unknown) => transportError(request.upstream, error, { signal, deadline, timeouts, method: request.method });
    let response: Response;
    try {
      markSent();
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: dispatcherFor(request.upstream),
      } as RequestInit);
    } catch (error) {
      done();
      throw failed(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failed(error);
    } finally {
      done();
    }
    const body = parseJson(text);
    if (!response.ok) {
      throw upstreamErrorFromResponse(request.upstream, response.status, body, response.headers);
    }
    if (body === undefined) {
      throw new UpstreamError(request.upstream, 'UPSTREAM_ERROR', `${label} answered with a body that is not JSON`, {
        status: response.status,
      });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered with an unexpected shape (${shapeProblem(parsed.error)})`,
        { status: response.status },
      );
    }
    return parsed.data;
  }

  return {
    request(request, deadline = createDeadline(resilience.operationDeadlineMs)) {
      let sent = false;
      const call = breakers.run(request.upstream, () =>
        withRetries(request.method, deadline, resilience.retry, () =>
          limiterFor(request.upstream)(() => send(request, deadline, () => (sent = true))),
        ),
      );
      return raceSignal(call, deadline.signal, () => deadlineError(request.upstream, deadline, sent && request.method !== 'GET'));
    },
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
