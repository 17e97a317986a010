import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { createLimiter, type Limiter } from './limit.js';
import { UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';

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
  request<T>(request: UpstreamRequest<T>): Promise<T>;
}

export interface HttpClientOptions {
  /** Whole-request deadline per upstream call. */
  timeoutMs: number;
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
 * The one way the gateway talks to an upstream: bounded concurrency, a
 * deadline, JSON in and out, statuses mapped to UpstreamError, wire shapes
 * validated.
 */
export function createHttpClient({
  timeoutMs,
  maxConcurrentPerUpstream = 6,
  fetch = globalThis.fetch,
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

  async function send<T>(request: UpstreamRequest<T>): Promise<T> {
    const label = upstreamLabels[request.upstream];
    const url = canonicalUrl(request.baseUrl, request.path, request.query);
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw transportError(request.upstream, error, timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(request.upstream, error, timeoutMs);
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
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered with an unexpected shape (${where})`,
        { status: response.status },
      );
    }
    return parsed.data;
  }

  return {
    request: (request) => limiterFor(request.upstream)(() => send(request)),
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

function transportError(upstream: UpstreamName, error: unknown, timeoutMs: number): UpstreamError {
  const label = upstreamLabels[upstream];
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamError(upstream, 'UPSTREAM_TIMEOUT', `${label} did not answer within ${timeoutMs} ms`);
  }
  return new UpstreamError(upstream, 'UPSTREAM_ERROR', `${label} could not be reached`);
}
