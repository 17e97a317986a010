import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { createBudgets, type BudgetSettings } from './budget.js';
import { createUpstreamCache, type CacheSettings, type Clock, type Sized } from './cache.js';
import { createLimiter, type Limiter } from './limit.js';
import { UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';
import type { UpstreamRoute } from './routes.js';
import { noUpstreamStats, type UpstreamStats } from './upstream-stats.js';

export type QueryValue = string | number | boolean | undefined;

export interface UpstreamRequest<T> {
  upstream: UpstreamName;
  /** Names the route for cache TTLs, budgets and stats. */
  route: UpstreamRoute;
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
  /** Drops the cached answers of one route read with these credentials (a write changed them). */
  invalidate(route: UpstreamRoute, headers: Record<string, string>): void;
  /** The same client (same cache, budgets, limits), counting into one GraphQL request's stats. */
  forRequest(stats: UpstreamStats): HttpClient;
  /** `false` only for the benchmark's naive baseline: loaders then deduplicate nothing. */
  readonly dataloader: boolean;
}

export interface HttpClientOptions {
  /** Whole-request deadline per upstream call. */
  timeoutMs: number;
  /** Concurrent requests per upstream, across all GraphQL requests. @default 6 */
  maxConcurrentPerUpstream?: number;
  /** The cross-request cache. @default off */
  cache?: CacheSettings;
  /** Call budgets per upstream and credential. @default none */
  budgets?: BudgetSettings;
  /** @default true */
  dataloader?: boolean;
  fetch?: typeof globalThis.fetch;
  /** For tests: the clock of cache TTLs and budget refills. */
  clock?: Clock;
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
  const fingerprint = hash([sortedHeaders(request.headers), request.body ?? null]);
  return `${request.method} ${canonicalUrl(request.baseUrl, request.path, request.query)} ${fingerprint}`;
}

/**
 * A hash of the credential actually sent (every header a request carries is
 * an auth header): what cache entries and budgets belong to.
 */
export function credentialFingerprint(headers: Record<string, string>): string {
  return hash(sortedHeaders(headers));
}

function sortedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

/**
 * The one way the gateway talks to an upstream: a cross-request cache, call
 * budgets, bounded concurrency, a deadline, JSON in and out, statuses mapped
 * to UpstreamError, wire shapes validated. One per gateway, so the cache,
 * budgets and limits hold across all GraphQL requests.
 */
export function createHttpClient({
  timeoutMs,
  maxConcurrentPerUpstream = 6,
  cache: cacheSettings,
  budgets: budgetSettings,
  dataloader = true,
  fetch = globalThis.fetch,
  clock = performance,
}: HttpClientOptions): HttpClient {
  const cache = cacheSettings ? createUpstreamCache(cacheSettings, clock) : null;
  const budgets = budgetSettings ? createBudgets(budgetSettings, clock) : null;
  const limiters = new Map<UpstreamName, Limiter>();
  const limiterFor = (upstream: UpstreamName) => {
    let limiter = limiters.get(upstream);
    if (!limiter) {
      limiter = createLimiter(maxConcurrentPerUpstream);
      limiters.set(upstream, limiter);
    }
    return limiter;
  };

  async function send<T>(request: UpstreamRequest<T>): Promise<Sized<T>> {
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
    return { value: parsed.data, bytes: Buffer.byteLength(text) };
  }

  /**
   * One upstream request, layer by layer: cache (hit, or join the identical
   * call in flight) -> budget token -> concurrency slot -> fetch with timeout.
   * Writes skip the cache but still spend budget.
   */
  function pipeline<T>(request: UpstreamRequest<T>, stats: UpstreamStats): Promise<T> {
    const credential = credentialFingerprint(request.headers);
    const call = async (hasStale: boolean): Promise<Sized<T>> => {
      await budgets?.take({ upstream: request.upstream, route: request.route, credential }, { wait: !hasStale });
      return limiterFor(request.upstream)(() => {
        stats.record(request.route, 'request');
        return send(request);
      });
    };
    if (!cache || request.method !== 'GET') return call(false).then((sized) => sized.value);
    return cache.get({ route: request.route, credential, request: requestKey(request) }, call, (outcome) =>
      stats.record(request.route, outcome),
    );
  }

  const scoped = (stats: UpstreamStats): HttpClient => ({
    request: (request) => pipeline(request, stats),
    invalidate: (route, headers) => {
      cache?.invalidate(route, credentialFingerprint(headers));
    },
    forRequest: scoped,
    dataloader,
  });
  return scoped(noUpstreamStats);
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
